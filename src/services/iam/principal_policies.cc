// load_user_policies and load_role_policies: three indexed queries per call (the principal and its
// boundary; every policy document that applies; the principal's tags).
#include "services/iam/principal_policies.h"

#include <unordered_set>

#include "services/iam/iam_common.h"

namespace citadel::services::iam {

Result<PrincipalPolicies> load_user_policies(store::Tx& tx, const std::string& account, const std::string& user_name) {
  PrincipalPolicies out;
  auto user = tx.query(
      "SELECT u.user_id, u.user_name, u.permissions_boundary, v.document FROM iam_users u "
      "LEFT JOIN iam_policies p ON p.arn = u.permissions_boundary AND p.account_id IN (u.account_id, 'aws') "
      "LEFT JOIN iam_policy_versions v ON v.policy_id = p.policy_id AND v.version = p.default_version "
      "WHERE u.account_id = ? AND u.name_lc = ?",
      {account, lower(user_name)});
  if (!user) return user.error();
  if (user->empty()) return no_such_user(user_name);
  const auto& u = user->front();
  std::string user_id = u.str(0), name = u.str(1);
  if (!u.is_null(2)) {
    out.has_boundary = true;
    // A boundary whose policy is gone reads as an empty document: it allows nothing.
    out.boundary = PolicyDocument{u.str(2), true, PolicyDocument::Source::Managed, u.str(3)};
  }

  // kind: 0 user inline, 1 group inline, 2 managed (attached to the user or one of its groups).
  auto docs = tx.query(
      "SELECT 0, i.policy_name, '', i.document FROM iam_inline_policies i WHERE i.entity_id = ? "
      "UNION ALL "
      "SELECT 1, i.policy_name, g.group_name, i.document FROM iam_group_members m "
      "JOIN iam_groups g ON g.group_id = m.group_id JOIN iam_inline_policies i ON i.entity_id = m.group_id "
      "WHERE m.user_id = ? "
      "UNION ALL "
      "SELECT 2, p.arn, '', v.document FROM iam_policy_attachments a "
      "JOIN iam_policies p ON p.policy_id = a.policy_id "
      "JOIN iam_policy_versions v ON v.policy_id = p.policy_id AND v.version = p.default_version "
      "WHERE a.entity_id = ? OR a.entity_id IN (SELECT group_id FROM iam_group_members WHERE user_id = ?)",
      {user_id, user_id, user_id, user_id});
  if (!docs) return docs.error();
  std::unordered_set<std::string> managed_seen;
  for (auto& r : *docs) {
    switch (r.i64(0)) {
      case 0:
        out.identity.push_back({"user/" + name + "/" + r.str(1), false, PolicyDocument::Source::InlineUser, r.str(3)});
        break;
      case 1:
        out.identity.push_back({"group/" + r.str(2) + "/" + r.str(1), false, PolicyDocument::Source::InlineGroup, r.str(3)});
        break;
      default:
        // A policy attached to the user and to one of its groups counts once.
        if (managed_seen.insert(r.str(1)).second)
          out.identity.push_back({r.str(1), true, PolicyDocument::Source::Managed, r.str(3)});
    }
  }

  auto tags = tx.query("SELECT tag_key, tag_value FROM iam_user_tags WHERE account_id = ? AND name_lc = ?", {account, lower(user_name)});
  if (!tags) return tags.error();
  for (auto& r : *tags) out.tags.emplace_back(r.str(0), r.str(1));
  return out;
}

Result<PrincipalPolicies> load_role_policies(store::Tx& tx, const std::string& account, const std::string& role_name) {
  PrincipalPolicies out;
  auto role = tx.query(
      "SELECT r.role_id, r.role_name, r.permissions_boundary, v.document FROM iam_roles r "
      "LEFT JOIN iam_policies p ON p.arn = r.permissions_boundary AND p.account_id IN (r.account_id, 'aws') "
      "LEFT JOIN iam_policy_versions v ON v.policy_id = p.policy_id AND v.version = p.default_version "
      "WHERE r.account_id = ? AND r.name_lc = ?",
      {account, lower(role_name)});
  if (!role) return role.error();
  if (role->empty()) return no_such_role(role_name);
  const auto& r = role->front();
  std::string role_id = r.str(0), name = r.str(1);
  if (!r.is_null(2)) {
    out.has_boundary = true;
    // A boundary whose policy is gone reads as an empty document: it allows nothing.
    out.boundary = PolicyDocument{r.str(2), true, PolicyDocument::Source::Managed, r.str(3)};
  }

  // kind: 0 role inline, 2 managed.
  auto docs = tx.query(
      "SELECT 0, i.policy_name, i.document FROM iam_inline_policies i WHERE i.entity_id = ? "
      "UNION ALL "
      "SELECT 2, p.arn, v.document FROM iam_policy_attachments a "
      "JOIN iam_policies p ON p.policy_id = a.policy_id "
      "JOIN iam_policy_versions v ON v.policy_id = p.policy_id AND v.version = p.default_version "
      "WHERE a.entity_id = ?",
      {role_id, role_id});
  if (!docs) return docs.error();
  for (auto& d : *docs) {
    if (d.i64(0) == 0)
      out.identity.push_back({"role/" + name + "/" + d.str(1), false, PolicyDocument::Source::InlineRole, d.str(2)});
    else
      out.identity.push_back({d.str(1), true, PolicyDocument::Source::Managed, d.str(2)});
  }

  auto tags = tx.query("SELECT tag_key, tag_value FROM iam_role_tags WHERE role_id = ? ORDER BY tag_key", {role_id});
  if (!tags) return tags.error();
  for (auto& t : *tags) out.tags.emplace_back(t.str(0), t.str(1));
  return out;
}

Result<RoleForAssume> load_role_for_assume(store::Tx& tx, const std::string& role_arn) {
  // arn:aws:iam::ACCOUNT:role/PATH/NAME. IAM finds the role by account and name: the path in the
  // ARN is not compared.
  constexpr std::string_view kPrefix = "arn:aws:iam::";
  std::string account, name;
  if (role_arn.rfind(kPrefix, 0) == 0) {
    auto colon = role_arn.find(':', kPrefix.size());
    if (colon != std::string::npos && role_arn.compare(colon + 1, 5, "role/") == 0) {
      account = role_arn.substr(kPrefix.size(), colon - kPrefix.size());
      name = role_arn.substr(role_arn.rfind('/') + 1);
    }
  }
  if (account.empty() || name.empty()) return no_such_role(name.empty() ? role_arn : name);
  auto rows = tx.query(std::string("SELECT ") + kRoleColumns + " FROM iam_roles r WHERE r.account_id = ? AND r.name_lc = ?",
                       {account, lower(name)});
  if (!rows) return rows.error();
  if (rows->empty()) return no_such_role(name);
  RoleRow r = read_role(rows->front());
  return RoleForAssume{r.role_id, r.name, r.path, r.arn, r.trust_policy, r.max_session_duration};
}

Result<std::string> managed_policy_document(store::Tx& tx, const std::string& account, const std::string& arn) {
  auto p = load_policy(tx, account, arn);
  if (!p) {
    // Not a policy ARN at all: for the caller, no such policy.
    if (p.error().code == "InvalidInput") return AwsError::sender("NoSuchEntity", "Policy " + arn + " was not found.", 404);
    return p.error();
  }
  return default_document(tx, *p);
}

}  // namespace citadel::services::iam
