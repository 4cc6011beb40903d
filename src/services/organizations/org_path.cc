#include "services/organizations/org_path.h"

#include <unordered_map>

namespace citadel::services::organizations {

std::string OrgPath::org_entity_path() const {
  std::string out = organization_id + "/";
  for (const auto& l : levels)
    if (l.kind != OrgLevel::Kind::Account) out += l.id + "/";
  return out;
}

Result<std::optional<OrgPath>> org_path_for_account(store::Tx& tx, const std::string& account_id) {
  // 1. The account's organization, its parent, and which policy types are enabled.
  auto head = tx.query(
      "SELECT o.org_id, o.management_account_id, o.root_id, m.parent_id, m.state, "
      "EXISTS (SELECT 1 FROM org_policy_types t WHERE t.org_id = o.org_id AND t.policy_type = 'SERVICE_CONTROL_POLICY'), "
      "EXISTS (SELECT 1 FROM org_policy_types t WHERE t.org_id = o.org_id AND t.policy_type = 'RESOURCE_CONTROL_POLICY') "
      "FROM org_accounts m JOIN org_organizations o ON o.org_id = m.org_id WHERE m.account_id = ?",
      {account_id});
  if (!head) return head.error();
  if (head->empty()) return std::optional<OrgPath>();
  const auto& h = head->front();
  OrgPath path;
  path.organization_id = h.str(0);
  path.management_account_id = h.str(1);
  path.account_id = account_id;
  path.account_state = h.str(4);
  path.scps_enabled = h.i64(5) != 0;
  path.rcps_enabled = h.i64(6) != 0;
  const std::string root = h.str(2);

  // 2. The OU chain from the account's parent up to the root (at most 5 OUs).
  std::vector<std::string> ous;  // innermost first
  std::string parent = h.str(3);
  if (parent != root) {
    auto chain = tx.query(
        "WITH RECURSIVE up(ou_id, parent_id, depth) AS ("
        " SELECT ou_id, parent_id, depth FROM org_units WHERE ou_id = ?"
        " UNION ALL SELECT u.ou_id, u.parent_id, u.depth FROM org_units u JOIN up ON u.ou_id = up.parent_id)"
        " SELECT ou_id FROM up ORDER BY depth",
        {parent});
    if (!chain) return chain.error();
    for (auto& r : *chain) ous.push_back(r.str(0));  // outermost first
  }
  path.levels.push_back(OrgLevel{OrgLevel::Kind::Root, root, {}, {}});
  for (auto& ou : ous) path.levels.push_back(OrgLevel{OrgLevel::Kind::OrganizationalUnit, ou, {}, {}});
  path.levels.push_back(OrgLevel{OrgLevel::Kind::Account, account_id, {}, {}});

  // 3. Every SCP and RCP attached to a level, with its document.
  if (path.scps_enabled || path.rcps_enabled) {
    std::string sql =
        "SELECT a.target_id, a.policy_type, p.policy_id, p.content FROM org_policy_attachments a "
        "JOIN org_policies p ON p.policy_id = a.policy_id "
        "WHERE a.policy_type IN ('SERVICE_CONTROL_POLICY', 'RESOURCE_CONTROL_POLICY') AND a.target_id IN (";
    std::vector<store::Value> params;
    std::unordered_map<std::string, size_t> index;
    for (size_t i = 0; i < path.levels.size(); ++i) {
      sql += i ? ", ?" : "?";
      params.push_back(path.levels[i].id);
      index[path.levels[i].id] = i;
    }
    sql += ") ORDER BY a.policy_id";
    auto rows = tx.query_v(sql, params);
    if (!rows) return rows.error();
    for (auto& r : *rows) {
      auto it = index.find(r.str(0));
      if (it == index.end()) continue;
      OrgLevel& level = path.levels[it->second];
      bool scp = r.str(1) == "SERVICE_CONTROL_POLICY";
      if (scp && !path.scps_enabled) continue;
      if (!scp && !path.rcps_enabled) continue;
      (scp ? level.scps : level.rcps).push_back(OrgPolicyDocument{r.str(2), r.str(3)});
    }
  }
  return std::optional<OrgPath>(std::move(path));
}

}  // namespace citadel::services::organizations
