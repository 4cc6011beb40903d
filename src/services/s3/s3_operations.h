#pragma once
// Each S3 file adds its operations to the service's list.
#include <vector>

#include "services/service.h"

namespace citadel::services::s3 {

void add_bucket_operations(std::vector<OperationDef>& ops);
void add_object_operations(std::vector<OperationDef>& ops);
void add_listing_operations(std::vector<OperationDef>& ops);
void add_multipart_operations(std::vector<OperationDef>& ops);
void add_bucket_policy_operations(std::vector<OperationDef>& ops);

struct BlobInfo;

// The current version of an object, as stored.
struct ObjectRow {
  std::string key, blob, etag, content_type, crc32, sha256;
  int64_t size = 0, last_modified_ms = 0, parts = 0;
  json::object metadata, headers;
};
Result<std::optional<ObjectRow>> find_object(store::Tx& tx, const std::string& bucket, const std::string& key);
// x-amz-copy-source: "bucket/key" or "/bucket/key", URL-encoded, optionally with "?versionId=".
bool split_copy_source(std::string source, std::string* bucket, std::string* key);

// Attributes a PUT (or the start of a multipart upload) gives an object beyond its bytes.
struct ObjectAttributes {
  std::string content_type = "binary/octet-stream";
  json::object metadata, headers;
};
Result<ObjectAttributes> read_object_attributes(const Call& call);
// Makes `blob` the current bytes of bucket/key (replacing, and after commit deleting, the
// previous ones), with the object's ETag (without quotes) and attributes.
Status put_object_row(Call& call, const std::string& bucket, const std::string& key, const BlobInfo& blob,
                      const std::string& etag, const ObjectAttributes& attrs, int64_t parts);
// CopyObject and UploadPartCopy write the destination and read the source: both must be allowed.
AuthzRequest copy_authz(const RequestContext& ctx, const json::object& in, store::Tx& tx);
// Checks Content-MD5 and x-amz-checksum-* against the stored bytes (BadDigest).
Status check_object_digests(const Call& call, const BlobInfo& blob);

// Every object is encrypted at rest with S3-managed keys (object_files.h): SSE-S3, "AES256".
inline constexpr const char* kSseS3 = "AES256";
// A request's x-amz-server-side-encryption must be SSE-S3 (SSE-KMS is not built: 501).
Status check_server_side_encryption(const Call& call);

// The canonical user id S3 shows as a bucket's and an object's owner (64 hex characters).
std::string canonical_user_id(const std::string& account);

}  // namespace citadel::services::s3
