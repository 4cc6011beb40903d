#pragma once
// Each S3 file adds its operations to the service's list.
#include <vector>

#include "services/s3/object_files.h"
#include "services/service.h"

namespace citadel::services::s3 {

void add_bucket_operations(std::vector<OperationDef>& ops);
void add_object_operations(std::vector<OperationDef>& ops);
void add_listing_operations(std::vector<OperationDef>& ops);
void add_multipart_operations(std::vector<OperationDef>& ops);
void add_bucket_policy_operations(std::vector<OperationDef>& ops);
void add_versioning_operations(std::vector<OperationDef>& ops);


// One version of an object, as stored (the current one in s3_objects, older ones and delete
// markers in s3_object_versions).
struct ObjectRow {
  std::string key, blob, etag, content_type, crc32, sha256;
  int64_t size = 0, last_modified_ms = 0, parts = 0;
  json::object metadata, headers;
  std::string version_id = "null";
  bool delete_marker = false;
};
// The columns object_from_row reads, in its order (s3_objects and s3_object_versions share them).
extern const char* const kObjectColumns;
ObjectRow object_from_row(const std::string& key, const store::Row& r);
// The current version of a key (none when the key is absent or its latest version is a delete marker).
Result<std::optional<ObjectRow>> find_object(store::Tx& tx, const std::string& bucket, const std::string& key);
// x-amz-copy-source: "bucket/key" or "/bucket/key", URL-encoded, optionally with "?versionId="
// (given back in *version_id when asked for).
bool split_copy_source(std::string source, std::string* bucket, std::string* key, std::string* version_id = nullptr);

// ---- Versioning (versions.cc) ----
// The bucket's versioning state: "" (never set), "Enabled" or "Suspended".
Result<std::string> bucket_versioning(store::Tx& tx, const std::string& bucket);
// A version id as a request gives it: "null" or one of ours; anything else is InvalidArgument.
Status check_version_id(const std::string& version_id);
AwsError no_such_version(const std::string& key, const std::string& version_id);
// One version of a key (current or not, delete markers included), or none.
Result<std::optional<ObjectRow>> find_version(store::Tx& tx, const std::string& bucket, const std::string& key,
                                              const std::string& version_id);
// Before a new current version of bucket/key is written with `new_version_id`: keeps the current
// one as noncurrent, or (when both are "null") schedules its blob for removal; a noncurrent "null"
// version is replaced. The caller then writes the new current row over the old one.
Status retire_current(Call& call, const std::string& bucket, const std::string& key, const std::string& new_version_id);
std::string new_version_id();
struct DeleteOutcome {
  bool existed = false;       // something was deleted or a delete marker was added
  bool delete_marker = false;  // a delete marker was added, or the version deleted was one
  std::string version_id;      // the marker's or the deleted version's id ("" in unversioned buckets)
};
// DeleteObject's work for one key, with or without a version id.
Result<DeleteOutcome> delete_object_version(Call& call, const std::string& bucket, const std::string& key,
                                            const std::string* version_id);

// Attributes a PUT (or the start of a multipart upload) gives an object beyond its bytes.
struct ObjectAttributes {
  std::string content_type = "binary/octet-stream";
  json::object metadata, headers;
};
Result<ObjectAttributes> read_object_attributes(const Call& call);
// Makes `blob` the current bytes of bucket/key, with the object's ETag (without quotes) and
// attributes. Unversioned, the previous bytes are replaced (and deleted after commit); versioned,
// they stay as a noncurrent version. Returns the new version's id for x-amz-version-id ("" when
// the bucket was never versioned).
Result<std::string> put_object_row(Call& call, const std::string& bucket, const std::string& key, const BlobInfo& blob,
                      const std::string& etag, const ObjectAttributes& attrs, int64_t parts);
// CopyObject and UploadPartCopy write the destination and read the source: both must be allowed.
AuthzRequest copy_authz(const RequestContext& ctx, const json::object& in, store::Tx& tx);
// Stores the request's Body as a new blob and checks Content-MD5 and x-amz-checksum-* against the
// stored bytes (BadDigest, and the blob removed).
Result<BlobInfo> store_request_body(const Call& call, const BlobStore& store);
// How a new object (PutObject, CopyObject, CreateMultipartUpload) is encrypted: where its blob
// goes (with its SSE-KMS data key) and the headers that record it (sse_kms.h).
struct NewEncryption {
  BlobStore store;
  json::object headers;
};
Result<NewEncryption> encryption_for_write(Call& call, const std::string& bucket, const std::string& key);
// ServerSideEncryption (and SSEKMSKeyId) of a write's response, from the object's stored headers.
void add_encryption_output(json::object& out, const json::object& headers);

// Every object is encrypted at rest with S3-managed keys (object_files.h): SSE-S3, "AES256".
inline constexpr const char* kSseS3 = "AES256";
// A request's x-amz-server-side-encryption must be SSE-S3 (SSE-KMS is not built: 501).
Status check_server_side_encryption(const Call& call);

// A request may set no ACL but the bucket owner's full control on a bucket with ACLs disabled
// (AccessControlListNotSupported); elsewhere ACLs are not built (501) (ownership.cc).
Status check_acl_allowed(const Call& call, const std::string& bucket);
void add_ownership_operations(std::vector<OperationDef>& ops);

// The canonical user id S3 shows as a bucket's and an object's owner (64 hex characters).
std::string canonical_user_id(const std::string& account);

}  // namespace citadel::services::s3
