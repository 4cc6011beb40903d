// Rotation of symmetric keys: EnableKeyRotation, DisableKeyRotation, GetKeyRotationStatus,
// RotateKeyOnDemand, ListKeyRotations. A rotation adds a material version; ciphertexts name the
// version they were made with, so they keep decrypting. Automatic rotations that fall due are
// made by maintain() at the next KMS write.
#include "services/kms/kms_operations.h"

namespace citadel::services::kms {

namespace {

const KeyArg kOwnKey{"KeyId"};
const KeyArg kAnyKey{"KeyId", true};
constexpr int64_t kDay = 86400000LL;

// Only symmetric encryption keys rotate (UnsupportedOperationException).
Status require_symmetric(const KeyRow& k) {
  if (k.key_spec != "SYMMETRIC_DEFAULT")
    return kms_error("UnsupportedOperationException", k.arn() + " key spec " + k.key_spec + " does not support rotation.");
  return Ok{};
}

Status require_rotatable(const KeyRow& k) {
  if (auto s = require_symmetric(k); !s) return s;
  return require_enabled(k);
}

Result<json::value> enable_key_rotation(Call& call) {
  auto ref = call_key(call, kOwnKey);
  if (!ref) return ref.error();
  if (auto s = require_rotatable(ref->key); !s) return s.error();
  int64_t days = 365;
  if (const auto* d = call.input.if_contains("RotationPeriodInDays"); d && d->is_int64()) days = d->as_int64();
  if (days < 90 || days > 2560)
    return validation("1 validation error detected: Value '" + std::to_string(days) +
                      "' at 'rotationPeriodInDays' failed to satisfy constraint: Member must have value between 90 and 2560");
  auto up = call.tx.exec("UPDATE kms_keys SET rotation_enabled = 1, rotation_period_days = ?, next_rotation_ms = ? WHERE key_id = ?",
                         {days, call.ctx.now_ms + days * kDay, ref->key.key_id});
  if (!up) return up.error();
  return json::object{};
}

Result<json::value> disable_key_rotation(Call& call) {
  auto ref = call_key(call, kOwnKey);
  if (!ref) return ref.error();
  if (auto s = require_rotatable(ref->key); !s) return s.error();
  auto up = call.tx.exec("UPDATE kms_keys SET rotation_enabled = 0, next_rotation_ms = 0 WHERE key_id = ?", {ref->key.key_id});
  if (!up) return up.error();
  return json::object{};
}

Result<json::value> get_key_rotation_status(Call& call) {
  auto ref = call_key(call, kAnyKey);
  if (!ref) return ref.error();
  const KeyRow& k = ref->key;
  if (auto s = require_symmetric(k); !s) return s.error();
  if (auto s = require_not_pending_deletion(k); !s) return s.error();
  json::object out{{"KeyRotationEnabled", k.rotation_enabled}, {"KeyId", k.arn()}};
  if (k.rotation_enabled) {
    out["RotationPeriodInDays"] = k.rotation_period_days;
    out["NextRotationDate"] = k.next_rotation_ms;
  }
  return out;
}

Result<json::value> rotate_key_on_demand(Call& call) {
  auto ref = call_key(call, kOwnKey);
  if (!ref) return ref.error();
  const KeyRow& k = ref->key;
  if (auto s = require_rotatable(k); !s) return s.error();
  auto n = call.tx.query("SELECT COUNT(*) FROM kms_key_material WHERE key_id = ? AND rotation_type = 'ON_DEMAND'", {k.key_id});
  if (!n) return n.error();
  if (n->front().i64(0) >= 25)
    return kms_error("LimitExceededException", "The key " + k.arn() + " has reached the limit of 25 on-demand rotations.");
  if (auto s = put_material(call.tx, call.env, k.key_id, k.current_version + 1, generate_material(k.spec()), "ON_DEMAND", call.ctx.now_ms); !s)
    return s.error();
  auto up = call.tx.exec("UPDATE kms_keys SET current_version = ? WHERE key_id = ?", {k.current_version + 1, k.key_id});
  if (!up) return up.error();
  return json::object{{"KeyId", k.arn()}};
}

Result<json::value> list_key_rotations(Call& call) {
  auto ref = call_key(call, kOwnKey);
  if (!ref) return ref.error();
  const KeyRow& k = ref->key;
  if (auto s = require_symmetric(k); !s) return s.error();
  auto rows = call.tx.query("SELECT version, created_ms, rotation_type FROM kms_key_material WHERE key_id = ? AND version > 1",
                            {k.key_id});
  if (!rows) return rows.error();
  std::vector<Item> items;
  for (auto& r : *rows) {
    char sort_key[24];
    std::snprintf(sort_key, sizeof(sort_key), "%012lld", static_cast<long long>(r.i64(0)));
    items.push_back({sort_key, json::object{{"KeyId", k.arn()}, {"RotationDate", r.i64(1)}, {"RotationType", r.str(2)}}});
  }
  auto out = page(call, std::move(items), "Rotations");
  if (!out) return out.error();
  return std::move(*out);
}

}  // namespace

void add_rotation_operations(std::vector<OperationDef>& ops) {
  ops.push_back(kms_op("EnableKeyRotation", false, kOwnKey, enable_key_rotation));
  ops.push_back(kms_op("DisableKeyRotation", false, kOwnKey, disable_key_rotation));
  ops.push_back(kms_op("GetKeyRotationStatus", true, kAnyKey, get_key_rotation_status));
  ops.push_back(kms_op("RotateKeyOnDemand", false, kOwnKey, rotate_key_on_demand));
  ops.push_back(kms_op("ListKeyRotations", true, kOwnKey, list_key_rotations));
}

}  // namespace citadel::services::kms
