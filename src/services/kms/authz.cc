// kms_op(): how every KMS operation declares its authorization, checks its grant tokens and keeps
// the key store's lifecycle (deletions, rotations) up to date; and KMS's list paging.
#include "base/crypto.h"
#include "services/kms/ciphertext_blob.h"
#include "services/kms/grant_store.h"
#include "services/kms/kms_operations.h"

namespace citadel::services::kms {

namespace {

const json::object* object_member(const json::object& input, const char* member) {
  if (!member) return nullptr;
  const auto* v = input.if_contains(member);
  return v && v->is_object() ? &v->as_object() : nullptr;
}

// The key a ciphertext blob names, if it is one of ours and the key exists.
std::optional<KeyRow> blob_key(const json::object& input, store::Tx& tx, const char* member, int64_t now_ms) {
  if (!member) return std::nullopt;
  auto raw = crypto::base64_decode(input_str(input, member));
  if (!raw) return std::nullopt;
  auto parsed = parse_blob(*raw);
  if (!parsed) return std::nullopt;
  auto k = key_by_id(tx, parsed->key_id, now_ms);
  if (!k || !*k) return std::nullopt;
  return std::move(**k);
}

// KMS's condition keys that the request itself carries.
void request_keys(const json::object& input, const KeyArg& key, json::object& keys) {
  if (const auto* ec = object_member(input, key.context_member)) {
    json::array names;
    for (const auto& [k, v] : *ec) {
      names.emplace_back(k);
      keys["kms:EncryptionContext:" + std::string(k)] = v;
    }
    keys["kms:EncryptionContextKeys"] = std::move(names);
  }
  static const std::pair<const char*, const char*> direct[] = {
      {"EncryptionAlgorithm", "kms:EncryptionAlgorithm"},
      {"SigningAlgorithm", "kms:SigningAlgorithm"},
      {"MacAlgorithm", "kms:MacAlgorithm"},
      {"MessageType", "kms:MessageType"},
      {"GranteePrincipal", "kms:GranteePrincipal"},
      {"RetiringPrincipal", "kms:RetiringPrincipal"},
      {"KeyPairSpec", "kms:DataKeyPairSpec"},
  };
  for (auto [member, name] : direct)
    if (std::string v = input_str(input, member); !v.empty()) keys[name] = v;
  if (const auto* ops = input.if_contains("Operations"); ops && ops->is_array()) {
    keys["kms:GrantOperations"] = *ops;
    keys["kms:GrantIsForAWSResource"] = "false";
    if (const auto* c = object_member(input, "Constraints")) {
      json::array types;
      for (const auto& [k, v] : *c) types.emplace_back(k);
      keys["kms:GrantConstraintType"] = std::move(types);
    }
  }
  if (const auto* b = input.if_contains("BypassPolicyLockoutSafetyCheck"); b && b->is_bool())
    keys["kms:BypassPolicyLockoutSafetyCheck"] = b->as_bool() ? "true" : "false";
  if (const auto* d = input.if_contains("RotationPeriodInDays"); d && d->is_int64())
    keys["kms:RotationPeriodInDays"] = std::to_string(d->as_int64());
  if (const auto* d = input.if_contains("PendingWindowInDays"); d && d->is_int64())
    keys["kms:ScheduleKeyDeletionPendingWindowInDays"] = std::to_string(d->as_int64());
  // KMS tags are {TagKey, TagValue}; the shared helper reads {Key, Value}.
  if (const auto* tags = input.if_contains("Tags"); tags && tags->is_array()) {
    json::array kv;
    for (const auto& t : tags->as_array())
      if (t.is_object()) kv.push_back(json::object{{"Key", input_str(t.as_object(), "TagKey")}, {"Value", input_str(t.as_object(), "TagValue")}});
    for (auto& [k, v] : tag_condition_keys(json::object{{"Tags", std::move(kv)}}, "Tags")) keys[k] = v;
  }
  if (input.contains("TagKeys"))
    for (auto& [k, v] : tag_condition_keys(input, "TagKeys")) keys[k] = v;
}

}  // namespace

AuthzRequest key_authz(const RequestContext& ctx, const json::object& input, store::Tx& tx, const std::string& action,
                       const KeyArg& key) {
  const auth::Principal& p = *ctx.principal;
  AuthzRequest req;
  req.action = action;
  req.resources = {"*"};
  req.condition_keys["kms:CallerAccount"] = p.account_id;
  request_keys(input, key, req.condition_keys);

  std::optional<KeyRef> ref;
  if (auto k = blob_key(input, tx, key.ciphertext_member, ctx.now_ms)) {
    ref = KeyRef{std::move(*k), ""};
  } else if (key.member) {
    std::string id = input_str(input, key.member);
    if (!id.empty()) {
      auto r = resolve_key(tx, p.account_id, ctx.region, id, key.cross_account, ctx.now_ms);
      if (r) ref = std::move(r.value());
      // A key that does not resolve is IAM's to decide (then NotFoundException), unless it is
      // another account's: that needs a key policy, which an unknown key does not have.
      else if (id.rfind("arn:", 0) == 0 && id.find(":" + p.account_id + ":") == std::string::npos) req.resources = {id};
    }
  }
  if (!ref) return req;

  const KeyRow& k = ref->key;
  req.resources = {k.arn()};
  req.has_resource_policy = true;
  req.resource_policy_id = k.arn();
  req.resource_policy = k.policy;
  KeyFacts facts = key_facts(tx, k.key_id);
  if (key.grant_operation && facts.has_grants) {
    std::string retiring;
    if (action == "kms:RetireGrant") retiring = input_str(input, "GrantId");
    req.resource_policy = policy_with_grants(tx, p, k.key_id, k.policy, key.grant_operation, action,
                                             object_member(input, key.context_member), retiring);
  }
  auto& keys = req.condition_keys;
  keys["kms:KeySpec"] = k.key_spec;
  keys["kms:KeyUsage"] = k.key_usage;
  keys["kms:KeyOrigin"] = k.origin;
  keys["kms:MultiRegion"] = "false";
  if (!ref->alias_name.empty()) keys["kms:RequestAlias"] = ref->alias_name;
  json::array aliases;
  for (auto& a : facts.aliases) aliases.emplace_back(a);
  keys["kms:ResourceAliases"] = std::move(aliases);
  for (auto& [tk, tv] : facts.tags) keys["aws:ResourceTag/" + tk] = tv;
  return req;
}

OperationDef kms_op(const char* name, bool read_only, KeyArg key, Handler handler, ExtraAuthz extra) {
  std::string action = std::string("kms:") + name;
  OperationDef op;
  op.name = name;
  op.read_only = read_only;
  op.authz = [action, key, extra](const RequestContext& ctx, const json::object& input, store::Tx& tx) {
    AuthzRequest req = key_authz(ctx, input, tx, action, key);
    if (extra) extra(req, ctx, input, tx);
    return req;
  };
  op.handler = [read_only, handler = std::move(handler)](Call& call) -> Result<json::value> {
    if (const auto* dry = call.input.if_contains("DryRun"); dry && dry->is_bool() && dry->as_bool())
      return kms_error("DryRunOperationException", "The request would have succeeded, but the DryRun option is set.");
    if (const auto* tokens = call.input.if_contains("GrantTokens"); tokens && tokens->is_array())
      for (const auto& t : tokens->as_array())
        if (!t.is_string() || !valid_grant_token(std::string(t.as_string())))
          return kms_error("InvalidGrantTokenException", "Invalid grant token");
    if (!read_only)
      if (auto s = maintain(call.tx, call.env, call.ctx.now_ms); !s) return s.error();
    return handler(call);
  };
  return op;
}

Result<KeyRef> call_key(Call& call, const KeyArg& key) {
  return resolve_key(call.tx, call.account(), call.ctx.region, call.str(key.member), key.cross_account, call.ctx.now_ms);
}

Result<json::object> page(const Call& call, std::vector<Item> items, const char* member, int64_t max_limit) {
  int64_t limit = 100;
  if (const auto* m = call.input.if_contains("Limit"); m && m->is_int64()) limit = std::min(m->as_int64(), max_limit);
  std::string after;
  if (std::string marker = call.str("Marker"); !marker.empty()) {
    auto raw = crypto::base64_decode(marker);
    if (!raw || raw->rfind("km1:", 0) != 0) return kms_error("InvalidMarkerException", "Invalid marker");
    after = raw->substr(4);
  }
  std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.key < b.key; });
  json::array out;
  json::object res;
  std::string last;
  bool truncated = false;
  for (auto& it : items) {
    if (!after.empty() && it.key <= after) continue;
    if (static_cast<int64_t>(out.size()) == limit) {
      truncated = true;
      break;
    }
    last = it.key;
    out.push_back(std::move(it.value));
  }
  res[member] = std::move(out);
  res["Truncated"] = truncated;
  if (truncated) res["NextMarker"] = crypto::base64_encode("km1:" + last);
  return res;
}

std::string make_grant_token(const std::string& grant_id) {
  return crypto::base64_encode("kmsgt1:" + grant_id + ":" + crypto::to_hex(reinterpret_cast<const uint8_t*>(crypto::random_bytes(16).data()), 16));
}

std::string grant_of_token(const std::string& token) {
  auto raw = crypto::base64_decode(token);
  if (!raw || raw->rfind("kmsgt1:", 0) != 0) return "";
  std::string rest = raw->substr(7);
  size_t colon = rest.find(':');
  if (colon == std::string::npos || colon == 0) return "";
  return rest.substr(0, colon);
}

bool valid_grant_token(const std::string& token) { return !grant_of_token(token).empty(); }

}  // namespace citadel::services::kms
