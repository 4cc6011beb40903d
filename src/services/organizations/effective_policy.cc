// DescribeEffectivePolicy for tag and backup policies: the policies attached from the root down to
// the account, merged with the inheritance operators @@assign, @@append and @@remove; a parent's
// @@operators_allowed_for_child_policies limits what children may do below it.
#include <algorithm>

#include "services/organizations/org_operations.h"
#include "services/organizations/org_path.h"

namespace citadel::services::organizations {

namespace {

bool is_operator(std::string_view k) { return k.rfind("@@", 0) == 0; }

json::array as_list(const json::value& v) {
  if (v.is_array()) return v.as_array();
  return json::array{v};
}

constexpr const char* kLock = "@@operators_allowed_for_child_policies";

// Whether `op` may change a node under `lock` (the nearest @@operators_allowed_for_child_policies
// set by a parent policy on the node or above it; none: anything goes).
bool allowed(const json::value* lock, std::string_view op) {
  if (!lock || !lock->is_array()) return true;
  for (auto& v : lock->as_array())
    if (v.is_string() && (v.as_string() == "@@all" || v.as_string() == op)) return true;
  return false;
}

const json::value* lock_of(const json::object& node, const json::value* inherited) {
  const auto* own = node.if_contains(kLock);
  return own ? own : inherited;
}

// Merges one policy node `src` into the effective node `dst`.
void merge(json::object& dst, const json::object& src, const json::value* inherited) {
  const json::value* lock = lock_of(dst, inherited);
  for (auto& [key, value] : src) {
    if (is_operator(key)) {
      if (key == kLock && allowed(lock, "@@assign")) dst[key] = value;
      continue;
    }
    if (!value.is_object()) {
      if (allowed(lock, "@@assign")) dst[key] = value;
      continue;
    }
    const auto& node = value.as_object();
    bool has_ops = node.contains("@@assign") || node.contains("@@append") || node.contains("@@remove");
    if (!has_ops) {
      json::value& child = dst[key];
      if (!child.is_object()) child = json::object{};
      merge(child.as_object(), node, lock);
      continue;
    }
    // A leaf: its value lives under "@@value" in the effective tree until the operators are stripped.
    json::value& slot = dst[key];
    if (!slot.is_object()) slot = json::object{};
    json::object& leaf = slot.as_object();
    const json::value* leaf_lock = lock_of(leaf, lock);
    if (const auto* v = node.if_contains("@@assign"); v && allowed(leaf_lock, "@@assign")) leaf["@@value"] = *v;
    if (const auto* v = node.if_contains("@@append"); v && allowed(leaf_lock, "@@append")) {
      json::array list = leaf.contains("@@value") ? as_list(leaf["@@value"]) : json::array{};
      for (auto& x : as_list(*v))
        if (std::find(list.begin(), list.end(), x) == list.end()) list.push_back(x);
      leaf["@@value"] = std::move(list);
    }
    if (const auto* v = node.if_contains("@@remove"); v && allowed(leaf_lock, "@@remove") && leaf.contains("@@value")) {
      json::array list = as_list(leaf["@@value"]), kept;
      auto removed = as_list(*v);
      for (auto& x : list)
        if (std::find(removed.begin(), removed.end(), x) == removed.end()) kept.push_back(x);
      leaf["@@value"] = std::move(kept);
    }
    if (const auto* v = node.if_contains(kLock); v && allowed(leaf_lock, "@@assign")) leaf[kLock] = *v;
  }
}

// The effective form: leaves become their values, operators disappear.
json::value strip(const json::value& v) {
  if (!v.is_object()) return v;
  const auto& o = v.as_object();
  if (const auto* value = o.if_contains("@@value")) return *value;
  json::object out;
  for (auto& [k, child] : o) {
    if (is_operator(k)) continue;
    json::value s = strip(child);
    if (s.is_object() && s.as_object().empty()) continue;
    out[k] = std::move(s);
  }
  return out;
}

Result<json::value> describe_effective_policy(Call& call) {
  auto o = caller_org(call);
  if (!o) return o.error();
  std::string target = call.has("TargetId") ? call.str("TargetId") : call.account();
  std::string type = call.str("PolicyType");
  if (type != kTagPolicy && type != kBackupPolicy)
    return invalid_input("INVALID_ENUM_POLICY_TYPE", "You specified an invalid policy type: " + type + ".");
  if (target != call.account()) {
    if (o->management != call.account()) return access_denied();
    if (!is_account_id(target))
      return invalid_input("TARGET_NOT_SUPPORTED", "You can't perform the operation on the requested target type.");
  }
  auto path = org_path_for_account(call.tx, target);
  if (!path) return path.error();
  if (!*path || (*path)->organization_id != o->id)
    return org_error("TargetNotFoundException", "You specified a target that doesn't exist.");
  auto on = type_enabled(call.tx, o->id, type);
  if (!on) return on.error();
  json::object effective;
  bool any = false;
  if (*on) {
    for (const auto& level : (*path)->levels) {
      auto rows = call.tx.query("SELECT p.content FROM org_policy_attachments a JOIN org_policies p ON p.policy_id = a.policy_id "
                                "WHERE a.target_id = ? AND a.policy_type = ? ORDER BY p.policy_id",
                                {level.id, type});
      if (!rows) return rows.error();
      for (auto& r : *rows) {
        boost::system::error_code ec;
        auto doc = json::parse(r.str(0), ec);
        if (ec || !doc.is_object()) continue;
        merge(effective, doc.as_object(), nullptr);
        any = true;
      }
    }
  }
  if (!any)
    return org_error("EffectivePolicyNotFoundException",
                     "We can't find an effective policy for this account: no policy of this type is attached to it or "
                     "to its parents.");
  return json::object{{"EffectivePolicy", json::object{{"PolicyContent", json::serialize(strip(effective))},
                                                       {"LastUpdatedTimestamp", call.ctx.now_ms},
                                                       {"TargetId", target},
                                                       {"PolicyType", type}}}};
}

}  // namespace

void add_effective_policy_operations(std::vector<OperationDef>& ops) {
  ops.push_back(org_op("DescribeEffectivePolicy", true,
                       [](const OrgRow& o, const json::object& input, store::Tx&) -> std::vector<std::string> {
                         std::string target = input_str(input, "TargetId");
                         if (target.empty()) return {"*"};
                         return {account_arn(o, target)};
                       },
                       describe_effective_policy));
}

}  // namespace citadel::services::organizations
