#pragma once
// SSE-KMS: an object's bytes are encrypted (object_files.h) under a data key of its own that KMS
// makes under the customer's key, with the object's ARN as encryption context
// ({"aws:s3:arn": "arn:aws:s3:::bucket/key"}); the data key's KMS ciphertext is kept with the
// object's stored headers. Writing needs kms:GenerateDataKey, reading kms:Decrypt on the key, both
// decided as the caller (key policy and grants included) with kms:ViaService s3.REGION.amazonaws.com.
// A disabled or deleted key leaves the object unreadable: S3 answers KMS.DisabledException,
// KMS.KMSInvalidStateException or KMS.NotFoundException, as AWS does.
#include <string>

#include "services/s3/object_files.h"
#include "services/service.h"

namespace citadel::services::s3 {

inline constexpr const char* kSseKms = "aws:kms";

// The KMS key a write asks for: x-amz-server-side-encryption-aws-kms-key-id with
// x-amz-server-side-encryption: aws:kms, else the bucket's default encryption key; "" for SSE-S3.
// `input` is the request (PutObject, CreateMultipartUpload, CopyObject).
Result<std::string> requested_kms_key(store::Tx& tx, const json::object& input, const std::string& bucket);

// kms:GenerateDataKey on the key a write names, as a further decision of the write.
void add_kms_write_authz(AuthzRequest& a, const RequestContext& ctx, const json::object& in, store::Tx& tx,
                         const std::string& bucket, const std::string& key);
// kms:Decrypt on the key that stored `headers` name (an object's, a multipart upload's), when they do.
void add_kms_decrypt_authz(AuthzRequest& a, const RequestContext& ctx, store::Tx& tx, const json::object& headers,
                           const std::string& bucket, const std::string& key);
// kms:Decrypt on the key an existing object is encrypted under, when it is.
void add_kms_read_authz(AuthzRequest& a, const RequestContext& ctx, store::Tx& tx, const std::string& bucket,
                        const std::string& key, const std::string& version_id = "");

// A new data key under `kms_key` for bucket/key: its plaintext, and the stored headers that name
// it (ServerSideEncryption, SSEKMSKeyId, the data key's ciphertext).
// `account`: who asks (the caller, or the account of the trail that delivers); `extra_context`:
// encryption context beyond the object's ARN (CloudTrail adds aws:cloudtrail:arn), kept with the
// object so reads decrypt with the same context.
struct NewDataKey {
  std::string plaintext;
  json::object headers;
};
Result<NewDataKey> new_data_key(Call& call, const std::string& account, const std::string& kms_key, const std::string& bucket,
                                const std::string& key, const json::object& extra_context = {});

// Where the object with these stored headers keeps its bytes, its data key opened through KMS when
// it is SSE-KMS.
Result<BlobStore> object_blob_store(Call& call, const json::object& headers, const std::string& bucket, const std::string& key);
// The same for a new object: SSE-KMS when `data_key` is given.
BlobStore blob_store_with_key(const Call& call, const std::string& data_key);

// Stored headers without the SSE-KMS bookkeeping, as responses show them.
bool is_private_header(std::string_view name);
// Stored headers minus the previous object's encryption (a copy or a new write decides its own).
json::object without_encryption(const json::object& headers);

}  // namespace citadel::services::s3
