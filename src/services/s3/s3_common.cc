#include "services/s3/s3_common.h"

#include "services/s3/object_files.h"
#include "services/s3/account_public_access.h"
#include "services/s3/public_access.h"


namespace citadel::services::s3 {

Result<std::optional<BucketRow>> find_bucket(store::Tx& tx, const std::string& name) {
  auto rows = tx.query("SELECT account_id, region, COALESCE(policy, ''), created_ms FROM s3_buckets WHERE name = ?", {name});
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<BucketRow>();
  const auto& r = rows->front();
  return std::optional<BucketRow>(BucketRow{name, r.str(0), r.str(1), r.str(2), r.i64(3)});
}

Result<BucketRow> load_bucket(store::Tx& tx, const std::string& name) {
  auto b = find_bucket(tx, name);
  if (!b) return b.error();
  if (!b->has_value()) return no_such_bucket(name);
  return std::move(**b);
}

AwsError no_such_bucket(const std::string& name) {
  return AwsError::sender("NoSuchBucket", "The specified bucket does not exist", 404).with("BucketName", name);
}
AwsError no_such_key(const std::string& key) {
  return AwsError::sender("NoSuchKey", "The specified key does not exist.", 404).with("Key", key);
}
AwsError no_such_upload(const std::string& upload_id) {
  return AwsError::sender("NoSuchUpload",
                          "The specified upload does not exist. The upload ID may be invalid, or the upload may have been "
                          "aborted or completed.",
                          404)
      .with("UploadId", upload_id);
}

std::string bucket_arn(const std::string& bucket) { return "arn:aws:s3:::" + bucket; }
std::string object_arn(const std::string& bucket, const std::string& key) { return "arn:aws:s3:::" + bucket + "/" + key; }

namespace {
AuthzRequest on_bucket_resource(std::string action, std::string arn, const RequestContext& ctx, const std::string& bucket,
                                store::Tx& tx) {
  AuthzRequest a{std::move(action), {std::move(arn)}, {}};
  // The bucket policy is the resource policy: a bucket without one allows nothing by itself, and
  // another account's bucket is reachable only through it.
  a.has_resource_policy = true;
  a.resource_policy_id = bucket_arn(bucket);
  if (auto b = find_bucket(tx, bucket); b && b->has_value()) {
    a.resource_policy = (*b)->policy;
    a.resource_account = (*b)->account_id;
    if (!a.resource_policy.empty() && ctx.principal->account_id != a.resource_account)
      if (auto pab = effective_public_access_block(tx, bucket); pab && pab->restrict_public_buckets && is_public_policy(a.resource_policy))
        a.resource_policy = without_public_statements(a.resource_policy);
  }
  return a;
}
}  // namespace

AuthzRequest bucket_authz(std::string action, const RequestContext& ctx, const json::object& in, store::Tx& tx) {
  std::string bucket = input_str(in, "Bucket");
  return on_bucket_resource(std::move(action), bucket_arn(bucket), ctx, bucket, tx);
}

AuthzRequest object_authz(std::string action, const RequestContext& ctx, const json::object& in, store::Tx& tx) {
  return object_authz_for(std::move(action), ctx, input_str(in, "Bucket"), input_str(in, "Key"), tx);
}

AuthzRequest object_authz_for(std::string action, const RequestContext& ctx, const std::string& bucket, const std::string& key,
                              store::Tx& tx) {
  return on_bucket_resource(std::move(action), object_arn(bucket, key), ctx, bucket, tx);
}

OperationDef bucket_operation(std::string name, std::string action, bool read_only, Handler handler) {
  return OperationDef{std::move(name), read_only, false,
                      [action = std::move(action)](const RequestContext& c, const json::object& in, store::Tx& tx) {
                        return bucket_authz(action, c, in, tx);
                      },
                      std::move(handler)};
}

BlobStore blob_store(const Call& call) { return BlobStore{call.env.data_dir, call.env.secrets}; }

}  // namespace citadel::services::s3
