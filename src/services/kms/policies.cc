// Key policies: GetKeyPolicy, PutKeyPolicy, ListKeyPolicies. A key has one policy, "default".
#include "services/kms/key_policy.h"
#include "services/kms/kms_operations.h"

namespace citadel::services::kms {

namespace {

const KeyArg kOwnKey{"KeyId"};

Status check_policy_name(const Call& call) {
  std::string name = call.str("PolicyName");
  if (!name.empty() && name != "default") return not_found("Policy " + name + " does not exist.");
  return Ok{};
}

Result<json::value> get_key_policy(Call& call) {
  auto ref = call_key(call, kOwnKey);
  if (!ref) return ref.error();
  if (auto s = check_policy_name(call); !s) return s.error();
  return json::object{{"Policy", ref->key.policy}, {"PolicyName", "default"}};
}

Result<json::value> put_key_policy(Call& call) {
  auto ref = call_key(call, kOwnKey);
  if (!ref) return ref.error();
  if (auto s = check_policy_name(call); !s) return s.error();
  std::string text = call.str("Policy");
  if (auto s = check_key_policy(text); !s) return s.error();
  const auto* bypass = call.input.if_contains("BypassPolicyLockoutSafetyCheck");
  if (!(bypass && bypass->is_bool() && bypass->as_bool()))
    if (auto s = check_lockout(*call.ctx.principal, ref->key.arn(), text); !s) return s.error();
  auto up = call.tx.exec("UPDATE kms_keys SET policy = ? WHERE key_id = ?", {text, ref->key.key_id});
  if (!up) return up.error();
  return json::object{};
}

Result<json::value> list_key_policies(Call& call) {
  auto ref = call_key(call, kOwnKey);
  if (!ref) return ref.error();
  return json::object{{"PolicyNames", json::array{"default"}}, {"Truncated", false}};
}

}  // namespace

void add_policy_operations(std::vector<OperationDef>& ops) {
  ops.push_back(kms_op("GetKeyPolicy", true, kOwnKey, get_key_policy));
  ops.push_back(kms_op("PutKeyPolicy", false, kOwnKey, put_key_policy));
  ops.push_back(kms_op("ListKeyPolicies", true, kOwnKey, list_key_policies));
}

}  // namespace citadel::services::kms
