#pragma once
// Shared pieces of the S3 service: buckets, ARNs, errors in S3's words, and what authorizes a call.
#include <optional>
#include <string>

#include "base/wire_names.h"
#include "services/service.h"

namespace citadel::services::s3 {

struct BucketRow {
  std::string name, account_id, region, policy;
  int64_t created_ms = 0;
};

Result<std::optional<BucketRow>> find_bucket(store::Tx& tx, const std::string& name);
// The bucket, or NoSuchBucket.
Result<BucketRow> load_bucket(store::Tx& tx, const std::string& name);

AwsError no_such_bucket(const std::string& name);
AwsError no_such_key(const std::string& key);
AwsError no_such_upload(const std::string& upload_id);

std::string bucket_arn(const std::string& bucket);
std::string object_arn(const std::string& bucket, const std::string& key);

// An S3 call on a bucket or on one of its objects: the action, the ARN, the bucket policy as the
// resource policy and the bucket owner as the resource's account.
// With RestrictPublicBuckets, a public policy's public statements do not count for callers
// outside the owner's account.
AuthzRequest bucket_authz(std::string action, const RequestContext& ctx, const json::object& in, store::Tx& tx);
AuthzRequest object_authz(std::string action, const RequestContext& ctx, const json::object& in, store::Tx& tx);
// The same, for an explicit bucket and key (CopyObject's source).
AuthzRequest object_authz_for(std::string action, const RequestContext& ctx, const std::string& bucket, const std::string& key,
                              store::Tx& tx);

// An operation on a bucket authorized as `action` on the bucket's ARN.
OperationDef bucket_operation(std::string name, std::string action, bool read_only, Handler handler);
// A listing of the bucket (`action` s3:ListBucket or s3:ListBucketVersions) with the condition
// keys S3 gives listings: s3:prefix, s3:delimiter, s3:max-keys.
AuthzRequest listing_authz(std::string action, const RequestContext& ctx, const json::object& in, store::Tx& tx);

struct BlobStore;
// Where and how the service keeps object bytes (object_files.h).
BlobStore blob_store(const Call& call);

}  // namespace citadel::services::s3
