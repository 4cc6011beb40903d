// Buckets: CreateBucket, HeadBucket, DeleteBucket, ListBuckets, GetBucketLocation.
#include "base/crypto.h"
#include "services/s3/object_files.h"
#include "services/s3/public_access.h"
#include "services/s3/s3_common.h"
#include "services/s3/s3_operations.h"

namespace citadel::services::s3 {

namespace {

constexpr int64_t kMaxBucketsPerAccount = 10000;

// S3's general purpose bucket naming rules.
bool valid_bucket_name(const std::string& n) {
  if (n.size() < 3 || n.size() > 63) return false;
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!alnum(n.front()) || !alnum(n.back())) return false;
  bool all_digits_and_dots = true;
  int dots = 0;
  for (size_t i = 0; i < n.size(); ++i) {
    char c = n[i];
    if (!alnum(c) && c != '.' && c != '-') return false;
    if (c == '.' && i + 1 < n.size() && (n[i + 1] == '.' || n[i + 1] == '-')) return false;
    if (c == '-' && i + 1 < n.size() && n[i + 1] == '.') return false;
    if (c == '.') ++dots;
    else if (!(c >= '0' && c <= '9')) all_digits_and_dots = false;
  }
  if (all_digits_and_dots && dots == 3) return false;  // formatted as an IP address
  if (n.rfind("xn--", 0) == 0 || n.rfind("sthree-", 0) == 0) return false;
  for (const char* suffix : {"-s3alias", "--ol-s3", "--x-s3", ".mrap"})
    if (n.size() >= std::strlen(suffix) && n.compare(n.size() - std::strlen(suffix), std::string::npos, suffix) == 0) return false;
  return true;
}

Result<json::value> create_bucket(Call& call) {
  std::string name = call.str("Bucket");
  if (!valid_bucket_name(name))
    return AwsError::sender("InvalidBucketName", "The specified bucket is not valid.", 400).with("BucketName", name);
  std::string region = call.ctx.region;
  if (const auto* conf = call.input.if_contains("CreateBucketConfiguration"); conf && conf->is_object())
    if (const auto* lc = conf->as_object().if_contains("LocationConstraint"); lc && lc->is_string()) {
      std::string wanted(lc->as_string());
      if (wanted != region || region == "us-east-1")
        return AwsError::sender(region == "us-east-1" && wanted == region ? "InvalidLocationConstraint" : "IllegalLocationConstraintException",
                                region == "us-east-1" && wanted == region
                                    ? "The specified location-constraint is not valid"
                                    : "The " + wanted + " location constraint is incompatible for the region specific endpoint this request was sent to.",
                                400);
    }
  auto existing = find_bucket(call.tx, name);
  if (!existing) return existing.error();
  if (existing->has_value()) {
    if ((*existing)->account_id != call.account())
      return AwsError::sender("BucketAlreadyExists",
                              "The requested bucket name is not available. The bucket namespace is shared by all users of the "
                              "system. Please select a different name and try again.",
                              409)
          .with("BucketName", name);
    // us-east-1 answers success to its owner, as S3 does for legacy reasons.
    if ((*existing)->region == "us-east-1" && region == "us-east-1") return json::object{{"Location", "/" + name}};
    return AwsError::sender("BucketAlreadyOwnedByYou", "Your previous request to create the named bucket succeeded and you already own it.", 409)
        .with("BucketName", name);
  }
  auto n = call.tx.query("SELECT COUNT(*) FROM s3_buckets WHERE account_id = ?", {call.account()});
  if (!n) return n.error();
  if (n->front().i64(0) >= kMaxBucketsPerAccount)
    return AwsError::sender("TooManyBuckets", "You have attempted to create more buckets than allowed", 400);
  // New buckets have ACLs disabled (BucketOwnerEnforced), as S3 creates them since April 2023.
  std::string ownership = call.has("ObjectOwnership") ? call.str("ObjectOwnership") : "BucketOwnerEnforced";
  std::string acl = call.str("ACL");
  if (ownership == "BucketOwnerEnforced" && !acl.empty() && acl != "private" && acl != "bucket-owner-full-control")
    return AwsError::sender("InvalidBucketAclWithObjectOwnership",
                            "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting", 400);
  auto ins = call.tx.exec("INSERT INTO s3_buckets (name, account_id, region, created_ms, object_ownership) VALUES (?, ?, ?, ?, ?)",
                          {name, call.account(), region, call.ctx.now_ms, ownership});
  if (!ins) return ins.error();
  if (auto s = block_all_public_access(call.tx, name); !s) return s.error();
  return json::object{{"Location", "/" + name}, {"BucketArn", bucket_arn(name)}};
}

Result<json::value> head_bucket(Call& call) {
  auto b = load_bucket(call.tx, call.str("Bucket"));
  if (!b) return b.error();
  return json::object{{"BucketRegion", b->region}, {"BucketArn", bucket_arn(b->name)}};
}

Result<json::value> get_bucket_location(Call& call) {
  auto b = load_bucket(call.tx, call.str("Bucket"));
  if (!b) return b.error();
  // us-east-1 is the empty constraint, as S3 answers it.
  json::object out;
  if (b->region != "us-east-1") out["LocationConstraint"] = b->region;
  return out;
}

Result<json::value> delete_bucket(Call& call) {
  auto b = load_bucket(call.tx, call.str("Bucket"));
  if (!b) return b.error();
  // Noncurrent versions and delete markers keep a bucket from being deleted too.
  auto objects = call.tx.query(
      "SELECT 1 FROM s3_objects WHERE bucket = ? UNION ALL SELECT 1 FROM s3_object_versions WHERE bucket = ? LIMIT 1",
      {b->name, b->name});
  if (!objects) return objects.error();
  if (!objects->empty())
    return AwsError::sender("BucketNotEmpty", "The bucket you tried to delete is not empty", 409).with("BucketName", b->name);
  // Unfinished multipart uploads go with the bucket.
  auto parts = call.tx.query("SELECT p.blob FROM s3_upload_parts p JOIN s3_uploads u ON u.upload_id = p.upload_id WHERE u.bucket = ?",
                             {b->name});
  if (!parts) return parts.error();
  std::vector<std::string> blobs;
  for (auto& r : *parts) blobs.push_back(r.str(0));
  for (const char* sql : {"DELETE FROM s3_uploads WHERE bucket = ?", "DELETE FROM s3_buckets WHERE name = ?"}) {
    auto d = call.tx.exec(sql, {b->name});
    if (!d) return d.error();
  }
  call.after_commit.push_back([dir = blob_store(call), blobs] {
    for (auto& blob : blobs) remove_blob(dir, blob);
  });
  return json::object{{kHttpStatus, 204}};
}

Result<json::value> list_buckets(Call& call) {
  auto rows = call.tx.query("SELECT name, created_ms, region FROM s3_buckets WHERE account_id = ? ORDER BY name", {call.account()});
  if (!rows) return rows.error();
  json::array buckets;
  for (auto& r : *rows)
    buckets.push_back(json::object{{"Name", r.str(0)}, {"CreationDate", r.i64(1)}, {"BucketRegion", r.str(2)}});
  return json::object{{"Buckets", std::move(buckets)},
                      {"Owner", json::object{{"ID", canonical_user_id(call.account())}, {"DisplayName", call.account()}}}};
}

}  // namespace

std::string canonical_user_id(const std::string& account) { return crypto::sha256_hex("citadel-canonical-user:" + account); }

void add_bucket_operations(std::vector<OperationDef>& ops) {
  ops.push_back(OperationDef{"CreateBucket", false, false,
                             [](const RequestContext&, const json::object& in, store::Tx&) {
                               // The bucket does not exist yet: the caller's own policies decide.
                               return AuthzRequest{"s3:CreateBucket", {bucket_arn(input_str(in, "Bucket"))}, {}};
                             },
                             create_bucket});
  ops.push_back(OperationDef{"ListBuckets", true, false,
                             [](const RequestContext&, const json::object&, store::Tx&) {
                               return AuthzRequest{"s3:ListAllMyBuckets", {"*"}, {}};
                             },
                             list_buckets});
  auto on_bucket = [&](const char* name, const char* action, bool ro, Handler h) {
    ops.push_back(bucket_operation(name, action, ro, std::move(h)));
  };
  on_bucket("HeadBucket", "s3:ListBucket", true, head_bucket);
  on_bucket("GetBucketLocation", "s3:GetBucketLocation", true, get_bucket_location);
  on_bucket("DeleteBucket", "s3:DeleteBucket", false, delete_bucket);
}

}  // namespace citadel::services::s3
