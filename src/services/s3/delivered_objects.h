#pragma once
// Objects another AWS service writes into a customer's bucket (CloudTrail's log and digest
// files): stored exactly as a PutObject of the same bytes would store them, inside the caller's
// transaction, so the object appears if and only if the caller's other writes commit.
#include <string>

#include "services/service.h"

namespace citadel::services::s3 {

struct DeliveredObject {
  std::string bucket, key, bytes;
  std::string content_type = "binary/octet-stream";
  json::object metadata;  // x-amz-meta-* without the prefix, lower-case names
  json::object headers;   // stored response headers, e.g. ContentEncoding
  // SSE-KMS: the key (its ARN), the account that asks for the data key, and encryption context
  // beyond the object's ARN. SSE-S3 when kms_key is "".
  std::string kms_key, kms_account;
  json::object kms_context;
};

// `call` supplies the transaction, the clock and where blobs live; no caller is involved (the
// delivering service checked the bucket policy). Blobs the write replaces are removed by
// call.after_commit, which the caller runs after committing.
Status put_delivered_object(Call& call, const DeliveredObject& object);

}  // namespace citadel::services::s3
