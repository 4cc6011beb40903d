// ListPoliciesGrantingServiceAccess: which of an identity's policies allow some action of each
// requested service. Like IAM, only permissions policies count (no boundaries, SCPs or resource
// policies), and a policy grants a service when one of its Allow statements names an action of it
// (a wildcard included) or uses NotAction without excluding the whole service.
#include "services/iam/service_access.h"

#include "policy/text.h"
#include "services/iam/iam_common.h"
#include "services/iam/iam_operations.h"

namespace citadel::services::iam {

namespace {

// Whether an action pattern ("s3:Get*", "*") can name some action of service `ns`.
bool names_service(std::string_view action, std::string_view ns) {
  if (action == "*") return true;
  auto colon = action.find(':');
  if (colon == std::string_view::npos) return false;
  return policy::glob_match(policy::to_glob(action.substr(0, colon), true), ns, true);
}

// Whether an action pattern covers every action of service `ns` ("ns:*", "*").
bool covers_service(std::string_view action, std::string_view ns) {
  if (action == "*") return true;
  auto colon = action.find(':');
  return colon != std::string_view::npos && policy::glob_match(policy::to_glob(action.substr(0, colon), true), ns, true) && action.substr(colon + 1) == "*";
}

}  // namespace

bool policy_grants_service(const policy::Policy& p, std::string_view ns) {
  for (const auto& s : p.statements) {
    if (s.effect != policy::Effect::Allow) continue;
    if (s.not_action) {
      bool excluded = false;
      for (const auto& a : s.actions) excluded = excluded || covers_service(a, ns);
      if (!excluded) return true;
    } else {
      for (const auto& a : s.actions)
        if (names_service(a, ns)) return true;
    }
  }
  return false;
}

// "arn:aws:iam::ACCOUNT:user/path/NAME" -> ("user", "NAME") when ACCOUNT is the caller's.
bool split_identity_arn(const std::string& arn, const std::string& account, std::string* kind, std::string* name) {
  std::string prefix = "arn:aws:iam::" + account + ":";
  if (arn.rfind(prefix, 0) != 0) return false;
  std::string rest = arn.substr(prefix.size());
  auto slash = rest.find('/');
  auto last = rest.rfind('/');
  if (slash == std::string::npos || last + 1 >= rest.size()) return false;
  *kind = rest.substr(0, slash);
  *name = rest.substr(last + 1);
  return true;
}

Result<std::vector<PolicyCandidate>> entity_policies(store::Tx& tx, const std::string& entity_id, const char* entity_type,
                                               const std::string& entity_name) {
  std::vector<PolicyCandidate> out;
  auto rows = tx.query(
      "SELECT i.policy_name, '', i.document FROM iam_inline_policies i WHERE i.entity_id = ? "
      "UNION ALL SELECT p.policy_name, p.arn, v.document FROM iam_policy_attachments a JOIN iam_policies p ON p.policy_id = a.policy_id "
      "JOIN iam_policy_versions v ON v.policy_id = p.policy_id AND v.version = p.default_version WHERE a.entity_id = ?",
      {entity_id, entity_id});
  if (!rows) return rows.error();
  for (auto& r : *rows)
    out.push_back({r.str(0), r.str(1).empty() ? "INLINE" : "MANAGED", r.str(1), entity_type, entity_name, r.str(2)});
  return out;
}

namespace {

Result<json::value> list_policies_granting_service_access(Call& call) {
  std::string arn = call.str("Arn"), kind, name;
  if (!split_identity_arn(arn, call.account(), &kind, &name) || (kind != "user" && kind != "group" && kind != "role"))
    return AwsError::sender("InvalidInput", "ARN " + arn + " is not valid.", 400);
  std::vector<PolicyCandidate> candidates;
  auto add = [&](const std::string& id, const char* type, const std::string& entity_name) -> Status {
    auto more = entity_policies(call.tx, id, type, entity_name);
    if (!more) return more.error();
    candidates.insert(candidates.end(), more->begin(), more->end());
    return Ok{};
  };
  if (kind == "user") {
    // A user's own policies, then its groups'.
    auto u = load_user(call.tx, call.account(), name);
    if (!u) return u.error();
    if (auto s = add(u->user_id, "USER", u->name); !s) return s.error();
    auto groups = call.tx.query("SELECT g.group_id, g.group_name FROM iam_group_members m JOIN iam_groups g ON g.group_id = m.group_id "
                                "WHERE m.user_id = ? ORDER BY g.name_lc",
                                {u->user_id});
    if (!groups) return groups.error();
    for (auto& g : *groups)
      if (auto s = add(g.str(0), "GROUP", g.str(1)); !s) return s.error();
  } else if (kind == "group") {
    auto g = load_group(call.tx, call.account(), name);
    if (!g) return g.error();
    if (auto s = add(g->group_id, "GROUP", g->name); !s) return s.error();
  } else {
    auto r = load_role(call.tx, call.account(), name);
    if (!r) return r.error();
    if (auto s = add(r->role_id, "ROLE", r->name); !s) return s.error();
  }
  std::vector<std::optional<policy::Policy>> parsed;
  for (auto& c : candidates) {
    auto p = policy::parse_unbounded(c.document, policy::PolicyKind::Identity);
    parsed.push_back(p ? std::optional<policy::Policy>(std::move(p).value()) : std::nullopt);
  }
  json::array entries;
  if (const auto* namespaces = call.input.if_contains("ServiceNamespaces"); namespaces && namespaces->is_array()) {
    for (const auto& ns_value : namespaces->as_array()) {
      std::string ns(ns_value.as_string());
      json::array policies;
      for (size_t i = 0; i < candidates.size(); ++i) {
        if (!parsed[i] || !policy_grants_service(*parsed[i], ns)) continue;
        const auto& c = candidates[i];
        json::object o{{"PolicyName", c.name}, {"PolicyType", c.type}};
        if (!c.arn.empty()) o["PolicyArn"] = c.arn;
        o["EntityType"] = c.entity_type;
        o["EntityName"] = c.entity_name;
        policies.push_back(std::move(o));
      }
      entries.push_back(json::object{{"ServiceNamespace", ns}, {"Policies", std::move(policies)}});
    }
  }
  return json::object{{"PoliciesGrantingServiceAccess", std::move(entries)}, {"IsTruncated", false}};
}

}  // namespace

void add_service_access_operations(std::vector<OperationDef>& ops) {
  ops.push_back(OperationDef{"ListPoliciesGrantingServiceAccess", true, false,
                             [](const RequestContext&, const json::object&, store::Tx&) {
                               return AuthzRequest{"iam:ListPoliciesGrantingServiceAccess", {"*"}, {}};
                             },
                             list_policies_granting_service_access});
}

}  // namespace citadel::services::iam
