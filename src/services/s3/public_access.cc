// Block Public Access for buckets: Put/Get/DeletePublicAccessBlock, with BlockPublicPolicy refusing
// public bucket policies and RestrictPublicBuckets ignoring them for callers outside the owner's
// account (s3_common.cc applies it when it hands the bucket policy to authorization).
#include "services/s3/public_access.h"

#include <boost/algorithm/string/predicate.hpp>

#include "policy/policy.h"
#include "services/s3/s3_common.h"
#include "services/s3/s3_operations.h"

namespace citadel::services::s3 {

namespace {

// Condition keys that, given fixed values, keep a "*" principal from being the public.
constexpr const char* kFixingKeys[] = {"aws:sourceip",      "aws:sourcearn",     "aws:sourcevpc",    "aws:sourcevpce",
                                       "aws:sourceowner",   "aws:sourceaccount", "aws:principalaccount",
                                       "aws:principalorgid", "aws:principalarn", "aws:userid",       "s3:dataaccesspointarn",
                                       "s3:dataaccesspointaccount"};

bool fixed_value(const policy::ConditionClause& c) {
  std::string key = c.key;
  for (auto& ch : key) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  bool fixing = false;
  for (const char* k : kFixingKeys) fixing = fixing || key == k;
  if (!fixing || c.op.find("IfExists") != std::string::npos || c.op.rfind("ForAnyValue", 0) == 0 || c.values.empty()) return false;
  if (boost::algorithm::istarts_with(c.op, "Not")) return false;
  for (const auto& v : c.values) {
    if (v.find('*') != std::string::npos || v.find('?') != std::string::npos) return false;
    if (key == "aws:sourceip") {
      auto slash = v.find('/');
      int prefix = slash == std::string::npos ? 32 : std::atoi(v.c_str() + slash + 1);
      if (prefix < 8) return false;  // 0.0.0.0/0 and the like are the whole internet
    }
  }
  return true;
}

bool public_statement(const policy::Statement& s) {
  if (s.effect != policy::Effect::Allow || !s.has_principal) return false;
  if (s.not_principal) return true;  // everyone but the principals it names
  bool everyone = s.principal.wildcard;
  for (const auto& a : s.principal.aws) everyone = everyone || a == "*";
  if (!everyone) return false;
  for (const auto& c : s.conditions)
    if (fixed_value(c)) return false;
  return true;
}

AwsError no_configuration(const std::string& bucket) {
  return AwsError::sender("NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found", 404)
      .with("BucketName", bucket);
}

Result<json::value> put_public_access_block(Call& call) {
  auto b = load_bucket(call.tx, call.str("Bucket"));
  if (!b) return b.error();
  const auto* conf = call.input.if_contains("PublicAccessBlockConfiguration");
  auto flag = [&](const char* name) {
    const auto* v = conf && conf->is_object() ? conf->as_object().if_contains(name) : nullptr;
    return v && v->is_bool() && v->as_bool() ? 1 : 0;
  };
  auto w = call.tx.exec("INSERT INTO s3_public_access_blocks (bucket, block_public_acls, ignore_public_acls, block_public_policy, "
                        "restrict_public_buckets) VALUES (?, ?, ?, ?, ?) ON CONFLICT (bucket) DO UPDATE SET "
                        "block_public_acls = excluded.block_public_acls, ignore_public_acls = excluded.ignore_public_acls, "
                        "block_public_policy = excluded.block_public_policy, restrict_public_buckets = excluded.restrict_public_buckets",
                        {b->name, flag("BlockPublicAcls"), flag("IgnorePublicAcls"), flag("BlockPublicPolicy"), flag("RestrictPublicBuckets")});
  if (!w) return w.error();
  return json::object{};
}

Result<json::value> get_public_access_block(Call& call) {
  auto b = load_bucket(call.tx, call.str("Bucket"));
  if (!b) return b.error();
  auto pab = load_public_access_block(call.tx, b->name);
  if (!pab) return pab.error();
  if (!pab->exists) return no_configuration(b->name);
  return json::object{{"PublicAccessBlockConfiguration", json::object{{"BlockPublicAcls", pab->block_public_acls},
                                                                      {"IgnorePublicAcls", pab->ignore_public_acls},
                                                                      {"BlockPublicPolicy", pab->block_public_policy},
                                                                      {"RestrictPublicBuckets", pab->restrict_public_buckets}}}};
}

Result<json::value> delete_public_access_block(Call& call) {
  auto b = load_bucket(call.tx, call.str("Bucket"));
  if (!b) return b.error();
  auto d = call.tx.exec("DELETE FROM s3_public_access_blocks WHERE bucket = ?", {b->name});
  if (!d) return d.error();
  return json::object{{kHttpStatus, 204}};
}

Result<json::value> get_bucket_policy_status(Call& call) {
  auto b = load_bucket(call.tx, call.str("Bucket"));
  if (!b) return b.error();
  if (b->policy.empty())
    return AwsError::sender("NoSuchBucketPolicy", "The bucket policy does not exist", 404).with("BucketName", b->name);
  return json::object{{"PolicyStatus", json::object{{"IsPublic", is_public_policy(b->policy)}}}};
}

}  // namespace

Result<PublicAccessBlock> load_public_access_block(store::Tx& tx, const std::string& bucket) {
  auto rows = tx.query("SELECT block_public_acls, ignore_public_acls, block_public_policy, restrict_public_buckets "
                       "FROM s3_public_access_blocks WHERE bucket = ?",
                       {bucket});
  if (!rows) return rows.error();
  PublicAccessBlock p;
  if (rows->empty()) return p;
  const auto& r = rows->front();
  return PublicAccessBlock{true, r.i64(0) != 0, r.i64(1) != 0, r.i64(2) != 0, r.i64(3) != 0};
}

Status block_all_public_access(store::Tx& tx, const std::string& bucket) {
  auto w = tx.exec("INSERT OR REPLACE INTO s3_public_access_blocks (bucket, block_public_acls, ignore_public_acls, "
                   "block_public_policy, restrict_public_buckets) VALUES (?, 1, 1, 1, 1)",
                   {bucket});
  if (!w) return w.error();
  return Ok{};
}

bool is_public_policy(const std::string& document) {
  auto p = policy::parse_unbounded(document, policy::PolicyKind::Resource);
  if (!p) return false;
  for (const auto& s : p.value().statements)
    if (public_statement(s)) return true;
  return false;
}

std::string without_public_statements(const std::string& document) {
  auto p = policy::parse_unbounded(document, policy::PolicyKind::Resource);
  if (!p) return document;
  boost::system::error_code ec;
  auto doc = json::parse(document, ec);
  if (ec || !doc.is_object()) return document;
  auto* statements = doc.as_object().if_contains("Statement");
  if (!statements) return document;
  json::array kept;
  if (statements->is_array()) {
    const auto& all = statements->as_array();
    for (const auto& s : p.value().statements)
      if (!public_statement(s) && s.index < all.size()) kept.push_back(all[s.index]);
  } else if (!p.value().statements.empty() && !public_statement(p.value().statements.front())) {
    kept.push_back(*statements);
  }
  if (kept.empty()) return "";
  doc.as_object()["Statement"] = std::move(kept);
  return json::serialize(doc);
}

void add_public_access_operations(std::vector<OperationDef>& ops) {
  auto on_bucket = [&](const char* name, const char* action, bool ro, Handler h) {
    ops.push_back(bucket_operation(name, action, ro, std::move(h)));
  };
  on_bucket("PutPublicAccessBlock", "s3:PutBucketPublicAccessBlock", false, put_public_access_block);
  on_bucket("GetPublicAccessBlock", "s3:GetBucketPublicAccessBlock", true, get_public_access_block);
  on_bucket("DeletePublicAccessBlock", "s3:PutBucketPublicAccessBlock", false, delete_public_access_block);
  on_bucket("GetBucketPolicyStatus", "s3:GetBucketPolicyStatus", true, get_bucket_policy_status);
}

}  // namespace citadel::services::s3
