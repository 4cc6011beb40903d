// Bucket policies (PutBucketPolicy, GetBucketPolicy, DeleteBucketPolicy) and bucket tags. The
// policy is the bucket's resource policy in every S3 call's authorization (s3_common.h).
#include "policy/policy.h"
#include "services/s3/account_public_access.h"
#include "services/s3/public_access.h"
#include "services/s3/s3_common.h"
#include "services/s3/s3_operations.h"
#include "services/s3/sse_kms.h"

namespace citadel::services::s3 {

namespace {

constexpr size_t kMaxPolicyBytes = 20 * 1024;
constexpr size_t kMaxBucketTags = 50;

Result<json::value> put_bucket_policy(Call& call) {
  auto b = load_bucket(call.tx, call.str("Bucket"));
  if (!b) return b.error();
  std::string doc = call.str("Policy");
  if (doc.size() > kMaxPolicyBytes) return AwsError::sender("PolicyTooLarge", "Policy exceeds the maximum allowed document size.", 400);
  auto parsed = policy::parse(doc, policy::PolicyKind::Resource);
  if (!parsed) return AwsError::sender("MalformedPolicy", parsed.error().message, 400);
  // Every statement must be about this bucket or its objects.
  for (const auto& s : parsed.value().statements)
    for (const auto& r : s.resources) {
      std::string arn = bucket_arn(b->name);
      if (r != "*" && r.rfind(arn, 0) != 0 && r.rfind("arn:aws:s3:::*", 0) != 0)
        return AwsError::sender("MalformedPolicy", "Policy has invalid resource", 400);
    }
  auto pab = effective_public_access_block(call.tx, b->name);
  if (!pab) return pab.error();
  if (pab->block_public_policy && is_public_policy(doc))
    return AwsError::sender("AccessDenied",
                            "User: " + call.ctx.principal->arn + " is not authorized to perform: s3:PutBucketPolicy on resource: \"" +
                                bucket_arn(b->name) + "\" because public policies are blocked by the BlockPublicPolicy block public access setting.",
                            403);
  auto w = call.tx.exec("UPDATE s3_buckets SET policy = ? WHERE name = ?", {doc, b->name});
  if (!w) return w.error();
  return json::object{{kHttpStatus, 204}};
}

Result<json::value> get_bucket_policy(Call& call) {
  auto b = load_bucket(call.tx, call.str("Bucket"));
  if (!b) return b.error();
  if (b->policy.empty())
    return AwsError::sender("NoSuchBucketPolicy", "The bucket policy does not exist", 404).with("BucketName", b->name);
  return json::object{{"Policy", b->policy}};
}

Result<json::value> delete_bucket_policy(Call& call) {
  auto b = load_bucket(call.tx, call.str("Bucket"));
  if (!b) return b.error();
  auto w = call.tx.exec("UPDATE s3_buckets SET policy = NULL WHERE name = ?", {b->name});
  if (!w) return w.error();
  return json::object{{kHttpStatus, 204}};
}

Result<json::value> put_bucket_tagging(Call& call) {
  auto b = load_bucket(call.tx, call.str("Bucket"));
  if (!b) return b.error();
  std::vector<std::pair<std::string, std::string>> tags;
  if (const auto* t = call.input.if_contains("Tagging"); t && t->is_object())
    if (const auto* set = t->as_object().if_contains("TagSet"); set && set->is_array())
      for (auto& e : set->as_array()) tags.emplace_back(e.as_object().at("Key").as_string(), e.as_object().at("Value").as_string());
  if (tags.size() > kMaxBucketTags) return AwsError::sender("InvalidTag", "Cannot provide more than 50 tags", 400);
  for (auto& [k, v] : tags)
    if (k.rfind("aws:", 0) == 0) return AwsError::sender("InvalidTag", "System tags cannot be added/updated by requester", 400);
  auto d = call.tx.exec("DELETE FROM s3_bucket_tags WHERE bucket = ?", {b->name});
  if (!d) return d.error();
  for (auto& [k, v] : tags) {
    auto i = call.tx.exec("INSERT OR REPLACE INTO s3_bucket_tags (bucket, tag_key, tag_value) VALUES (?, ?, ?)", {b->name, k, v});
    if (!i) return i.error();
  }
  return json::object{{kHttpStatus, 204}};
}

Result<json::value> get_bucket_tagging(Call& call) {
  auto b = load_bucket(call.tx, call.str("Bucket"));
  if (!b) return b.error();
  auto rows = call.tx.query("SELECT tag_key, tag_value FROM s3_bucket_tags WHERE bucket = ? ORDER BY tag_key", {b->name});
  if (!rows) return rows.error();
  if (rows->empty()) return AwsError::sender("NoSuchTagSet", "The TagSet does not exist", 404).with("BucketName", b->name);
  json::array set;
  for (auto& r : *rows) set.push_back(json::object{{"Key", r.str(0)}, {"Value", r.str(1)}});
  return json::object{{"TagSet", std::move(set)}};
}

Result<json::value> delete_bucket_tagging(Call& call) {
  auto b = load_bucket(call.tx, call.str("Bucket"));
  if (!b) return b.error();
  auto d = call.tx.exec("DELETE FROM s3_bucket_tags WHERE bucket = ?", {b->name});
  if (!d) return d.error();
  return json::object{{kHttpStatus, 204}};
}

// Default encryption: SSE-S3 unless the bucket names a KMS key (SSE-KMS, sse_kms.h). S3 has
// encrypted every bucket with SSE-S3 since January 2023, so there is always a rule.
Result<json::value> put_bucket_encryption(Call& call) {
  auto b = load_bucket(call.tx, call.str("Bucket"));
  if (!b) return b.error();
  const auto* conf = call.input.if_contains("ServerSideEncryptionConfiguration");
  const auto* rules = conf && conf->is_object() ? conf->as_object().if_contains("Rules") : nullptr;
  auto malformed = [] {
    return AwsError::sender("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema", 400);
  };
  if (!rules || !rules->is_array() || rules->as_array().size() != 1) return malformed();
  const auto& r = rules->as_array().front();
  const auto* def = r.is_object() ? r.as_object().if_contains("ApplyServerSideEncryptionByDefault") : nullptr;
  if (!def || !def->is_object()) return malformed();
  std::string algorithm = input_str(def->as_object(), "SSEAlgorithm");
  std::string key = input_str(def->as_object(), "KMSMasterKeyID");
  if (algorithm == "aws:kms:dsse") return AwsError::not_implemented("s3: dual-layer default encryption (" + algorithm + ")");
  if (algorithm == kSseKms && key.empty())
    return AwsError::not_implemented("s3: default encryption with the AWS managed key aws/s3 (name a key with KMSMasterKeyID)");
  if (algorithm == kSseS3 && !key.empty())
    return AwsError::sender("InvalidArgument", "a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms", 400);
  if (algorithm != kSseS3 && algorithm != kSseKms) return malformed();
  auto w = call.tx.exec("UPDATE s3_buckets SET default_kms_key = ? WHERE name = ?",
                        {algorithm == kSseKms ? store::Value{key} : store::Value{}, b->name});
  if (!w) return w.error();
  return json::object{};
}

Result<json::value> get_bucket_encryption(Call& call) {
  auto b = load_bucket(call.tx, call.str("Bucket"));
  if (!b) return b.error();
  auto rows = call.tx.query("SELECT COALESCE(default_kms_key, '') FROM s3_buckets WHERE name = ?", {b->name});
  if (!rows) return rows.error();
  std::string key = rows->front().str(0);
  json::object by_default{{"SSEAlgorithm", key.empty() ? kSseS3 : kSseKms}};
  if (!key.empty()) by_default["KMSMasterKeyID"] = key;
  json::object rule{{"ApplyServerSideEncryptionByDefault", std::move(by_default)}, {"BucketKeyEnabled", false}};
  return json::object{{"ServerSideEncryptionConfiguration", json::object{{"Rules", json::array{std::move(rule)}}}}};
}

Result<json::value> delete_bucket_encryption(Call& call) {
  auto b = load_bucket(call.tx, call.str("Bucket"));
  if (!b) return b.error();
  auto w = call.tx.exec("UPDATE s3_buckets SET default_kms_key = NULL WHERE name = ?", {b->name});
  if (!w) return w.error();
  return json::object{{kHttpStatus, 204}};  // back to the default, which is SSE-S3
}

}  // namespace

void add_bucket_policy_operations(std::vector<OperationDef>& ops) {
  auto on_bucket = [&](const char* name, const char* action, bool ro, Handler h) {
    ops.push_back(OperationDef{name, ro, false,
                               [action](const RequestContext& c, const json::object& in, store::Tx& tx) {
                                 auto a = bucket_authz(action, c, in, tx);
                                 if (auto rows = tx.query("SELECT tag_key, tag_value FROM s3_bucket_tags WHERE bucket = ?",
                                                          {input_str(in, "Bucket")}))
                                   for (auto& r : *rows) a.condition_keys["aws:ResourceTag/" + r.str(0)] = r.str(1);
                                 return a;
                               },
                               std::move(h)});
  };
  on_bucket("PutBucketPolicy", "s3:PutBucketPolicy", false, put_bucket_policy);
  on_bucket("GetBucketPolicy", "s3:GetBucketPolicy", true, get_bucket_policy);
  on_bucket("DeleteBucketPolicy", "s3:DeleteBucketPolicy", false, delete_bucket_policy);
  on_bucket("PutBucketTagging", "s3:PutBucketTagging", false, put_bucket_tagging);
  on_bucket("GetBucketTagging", "s3:GetBucketTagging", true, get_bucket_tagging);
  on_bucket("DeleteBucketTagging", "s3:PutBucketTagging", false, delete_bucket_tagging);
  on_bucket("PutBucketEncryption", "s3:PutEncryptionConfiguration", false, put_bucket_encryption);
  on_bucket("GetBucketEncryption", "s3:GetEncryptionConfiguration", true, get_bucket_encryption);
  on_bucket("DeleteBucketEncryption", "s3:PutEncryptionConfiguration", false, delete_bucket_encryption);
}

}  // namespace citadel::services::s3
