// Keys and their lifecycle: CreateKey, DescribeKey, ListKeys, EnableKey, DisableKey,
// ScheduleKeyDeletion, CancelKeyDeletion, UpdateKeyDescription, and tags.
#include "base/ids.h"
#include "services/kms/key_policy.h"
#include "services/kms/kms_operations.h"

namespace citadel::services::kms {

namespace {

const KeyArg kOwnKey{"KeyId"};
const KeyArg kAnyKey{"KeyId", true, "DescribeKey"};

// KeySpec (or its deprecated name CustomerMasterKeySpec) and KeyUsage of a CreateKey call.
struct SpecChoice {
  const KeySpecInfo* spec = nullptr;
  std::string usage;
};

Result<SpecChoice> choose_spec(const Call& call) {
  std::string spec = call.str("KeySpec"), legacy = call.str("CustomerMasterKeySpec");
  if (!spec.empty() && !legacy.empty())
    return validation("You cannot specify KeySpec and CustomerMasterKeySpec in the same request. CustomerMasterKeySpec is deprecated.");
  if (spec.empty()) spec = legacy.empty() ? "SYMMETRIC_DEFAULT" : legacy;
  SpecChoice c;
  c.spec = key_spec_info(spec);
  if (!c.spec) return kms_error("UnsupportedOperationException", "KeySpec " + spec + " is not supported in this region.");
  c.usage = call.str("KeyUsage");
  if (c.usage.empty()) {
    if (c.spec->family != KeyFamily::Symmetric)
      return validation("You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.");
    c.usage = "ENCRYPT_DECRYPT";
  }
  bool ok = false;
  for (auto u : c.spec->usages) ok = ok || u == c.usage;
  if (!ok) return validation("KeyUsage " + c.usage + " is not compatible with KeySpec " + spec);
  return c;
}

Result<json::value> create_key(Call& call) {
  std::string origin = call.str("Origin");
  if (!origin.empty() && origin != "AWS_KMS") return AwsError::not_implemented("kms:CreateKey with Origin " + origin);
  if (call.has("CustomKeyStoreId") || call.has("XksKeyId")) return AwsError::not_implemented("kms:CreateKey in a custom key store");
  if (const auto* m = call.input.if_contains("MultiRegion"); m && m->is_bool() && m->as_bool())
    return AwsError::not_implemented("kms:CreateKey with MultiRegion");
  auto choice = choose_spec(call);
  if (!choice) return choice.error();

  KeyRow k;
  k.key_id = ids::uuid4();
  k.account = call.account();
  k.region = call.ctx.region;
  k.description = call.str("Description");
  k.key_usage = choice->usage;
  k.key_spec = std::string(choice->spec->name);
  k.origin = "AWS_KMS";
  k.key_state = "Enabled";
  k.created_ms = call.ctx.now_ms;
  k.policy = call.has("Policy") ? call.str("Policy") : default_key_policy(k.account);
  if (call.has("Policy")) {
    if (auto s = check_key_policy(k.policy); !s) return s.error();
    const auto* bypass = call.input.if_contains("BypassPolicyLockoutSafetyCheck");
    if (!(bypass && bypass->is_bool() && bypass->as_bool()))
      if (auto s = check_lockout(*call.ctx.principal, k.arn(), k.policy); !s) return s.error();
  }
  auto ins = call.tx.exec(
      "INSERT INTO kms_keys (key_id, account_id, region, description, key_usage, key_spec, origin, key_state, policy, created_ms, "
      "deletion_ms, pending_window_days, rotation_enabled, rotation_period_days, next_rotation_ms, current_version) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0, 0, 0, 1)",
      {k.key_id, k.account, k.region, k.description, k.key_usage, k.key_spec, k.origin, k.key_state, k.policy, k.created_ms});
  if (!ins) return ins.error();
  if (auto s = put_material(call.tx, call.env, k.key_id, 1, generate_material(*choice->spec), "NEW", k.created_ms); !s)
    return s.error();
  if (auto s = put_tags(call.tx, k.key_id, call.input.if_contains("Tags")); !s) return s.error();
  return json::object{{"KeyMetadata", key_metadata(k)}};
}

Result<json::value> describe_key(Call& call) {
  auto ref = call_key(call, kAnyKey);
  if (!ref) return ref.error();
  return json::object{{"KeyMetadata", key_metadata(ref->key)}};
}

Result<json::value> list_keys(Call& call) {
  auto rows = call.tx.query("SELECT key_id, deletion_ms FROM kms_keys WHERE account_id = ? AND region = ?",
                            {call.account(), call.ctx.region});
  if (!rows) return rows.error();
  std::vector<Item> items;
  for (auto& r : *rows) {
    if (r.i64(1) && r.i64(1) <= call.ctx.now_ms) continue;
    items.push_back({r.str(0), json::object{{"KeyId", r.str(0)}, {"KeyArn", key_arn(call.ctx.region, call.account(), r.str(0))}}});
  }
  auto out = page(call, std::move(items), "Keys");
  if (!out) return out.error();
  return std::move(*out);
}

Status set_state(Call& call, const KeyRow& k, const char* state) {
  auto up = call.tx.exec("UPDATE kms_keys SET key_state = ? WHERE key_id = ?", {std::string(state), k.key_id});
  if (!up) return up.error();
  return Ok{};
}

// EnableKey, DisableKey: any state but PendingDeletion.
Handler state_setter(const char* state) {
  return [state](Call& call) -> Result<json::value> {
    auto ref = call_key(call, kOwnKey);
    if (!ref) return ref.error();
    if (auto s = require_not_pending_deletion(ref->key); !s) return s.error();
    if (auto s = set_state(call, ref->key, state); !s) return s.error();
    return json::object{};
  };
}

Result<json::value> schedule_key_deletion(Call& call) {
  auto ref = call_key(call, kOwnKey);
  if (!ref) return ref.error();
  const KeyRow& k = ref->key;
  if (auto s = require_not_pending_deletion(k); !s) return s.error();
  int64_t days = 30;
  if (const auto* d = call.input.if_contains("PendingWindowInDays"); d && d->is_int64()) days = d->as_int64();
  if (days < 7 || days > 30)
    return validation("1 validation error detected: Value '" + std::to_string(days) +
                      "' at 'pendingWindowInDays' failed to satisfy constraint: Member must have value between 7 and 30");
  int64_t when = call.ctx.now_ms + days * 86400000LL;
  auto up = call.tx.exec("UPDATE kms_keys SET key_state = 'PendingDeletion', deletion_ms = ?, pending_window_days = ? WHERE key_id = ?",
                         {when, days, k.key_id});
  if (!up) return up.error();
  return json::object{{"KeyId", k.arn()}, {"DeletionDate", when}, {"KeyState", "PendingDeletion"}, {"PendingWindowInDays", days}};
}

Result<json::value> cancel_key_deletion(Call& call) {
  auto ref = call_key(call, kOwnKey);
  if (!ref) return ref.error();
  const KeyRow& k = ref->key;
  if (k.key_state != "PendingDeletion") return invalid_state(k.arn() + " is not pending deletion.");
  auto up = call.tx.exec("UPDATE kms_keys SET key_state = 'Disabled', deletion_ms = 0, pending_window_days = 0 WHERE key_id = ?", {k.key_id});
  if (!up) return up.error();
  return json::object{{"KeyId", k.arn()}};
}

Result<json::value> update_key_description(Call& call) {
  auto ref = call_key(call, kOwnKey);
  if (!ref) return ref.error();
  if (auto s = require_not_pending_deletion(ref->key); !s) return s.error();
  auto up = call.tx.exec("UPDATE kms_keys SET description = ? WHERE key_id = ?", {call.str("Description"), ref->key.key_id});
  if (!up) return up.error();
  return json::object{};
}

Result<json::value> tag_resource(Call& call) {
  auto ref = call_key(call, kOwnKey);
  if (!ref) return ref.error();
  if (auto s = require_not_pending_deletion(ref->key); !s) return s.error();
  if (auto s = put_tags(call.tx, ref->key.key_id, call.input.if_contains("Tags")); !s) return s.error();
  return json::object{};
}

Result<json::value> untag_resource(Call& call) {
  auto ref = call_key(call, kOwnKey);
  if (!ref) return ref.error();
  if (auto s = require_not_pending_deletion(ref->key); !s) return s.error();
  if (const auto* keys = call.input.if_contains("TagKeys"); keys && keys->is_array())
    for (auto& k : keys->as_array()) {
      if (!k.is_string()) continue;
      auto del = call.tx.exec("DELETE FROM kms_tags WHERE key_id = ? AND tag_key = ?", {ref->key.key_id, std::string(k.as_string())});
      if (!del) return del.error();
    }
  return json::object{};
}

Result<json::value> list_resource_tags(Call& call) {
  auto ref = call_key(call, kOwnKey);
  if (!ref) return ref.error();
  std::vector<Item> items;
  for (auto& [k, v] : key_tags(call.tx, ref->key.key_id)) items.push_back({k, json::object{{"TagKey", k}, {"TagValue", v}}});
  auto out = page(call, std::move(items), "Tags", 50);
  if (!out) return out.error();
  return std::move(*out);
}

}  // namespace

void add_key_operations(std::vector<OperationDef>& ops) {
  ops.push_back(kms_op("CreateKey", false, {}, create_key));
  ops.push_back(kms_op("DescribeKey", true, kAnyKey, describe_key));
  ops.push_back(kms_op("ListKeys", true, {}, list_keys));
  ops.push_back(kms_op("EnableKey", false, kOwnKey, state_setter("Enabled")));
  ops.push_back(kms_op("DisableKey", false, kOwnKey, state_setter("Disabled")));
  ops.push_back(kms_op("ScheduleKeyDeletion", false, kOwnKey, schedule_key_deletion));
  ops.push_back(kms_op("CancelKeyDeletion", false, kOwnKey, cancel_key_deletion));
  ops.push_back(kms_op("UpdateKeyDescription", false, kOwnKey, update_key_description));
  ops.push_back(kms_op("TagResource", false, kOwnKey, tag_resource));
  ops.push_back(kms_op("UntagResource", false, kOwnKey, untag_resource));
  ops.push_back(kms_op("ListResourceTags", true, kOwnKey, list_resource_tags));
}

}  // namespace citadel::services::kms
