// load_user_policies: three indexed queries per call (the user and its boundary; every policy
// document that applies; the user's tags).
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

}  // namespace citadel::services::iam
