// Account-wide views of IAM.
// GetAccountAuthorizationDetails: every user, group, role and managed policy of the account with
// their relationships, paged over one ordering (users, groups, roles, customer managed policies,
// then the AWS managed policies the account uses).
// GetAccountSummary: entity counts and IAM's quotas.
#include <algorithm>

#include "services/iam/iam_common.h"
#include "services/iam/iam_operations.h"

namespace citadel::services::iam {

namespace {

// One listed entity: kind ('1' user, '2' group, '3' role, '4' customer policy, '5' AWS policy), then its id.
struct Item {
  std::string key, id;
};

Result<json::array> inline_list(store::Tx& tx, const std::string& entity_id) {
  auto rows = tx.query("SELECT policy_name, document FROM iam_inline_policies WHERE entity_id = ? ORDER BY policy_name", {entity_id});
  if (!rows) return rows.error();
  json::array out;
  for (auto& r : *rows) out.push_back(json::object{{"PolicyName", r.str(0)}, {"PolicyDocument", encode_document(r.str(1))}});
  return out;
}

Result<json::array> attached_list(store::Tx& tx, const std::string& entity_id) {
  auto rows = tx.query("SELECT p.policy_name, p.arn FROM iam_policy_attachments a JOIN iam_policies p ON p.policy_id = a.policy_id "
                       "WHERE a.entity_id = ? ORDER BY p.name_lc, p.arn",
                       {entity_id});
  if (!rows) return rows.error();
  json::array out;
  for (auto& r : *rows) out.push_back(json::object{{"PolicyName", r.str(0)}, {"PolicyArn", r.str(1)}});
  return out;
}

Result<json::object> user_detail(Call& call, const std::string& user_id) {
  auto rows = call.tx.query("SELECT user_name, path, created_ms, COALESCE(permissions_boundary, ''), name_lc FROM iam_users "
                            "WHERE user_id = ?",
                            {user_id});
  if (!rows) return rows.error();
  const auto& u = rows->front();
  json::object o{{"Path", u.str(1)},
                 {"UserName", u.str(0)},
                 {"UserId", user_id},
                 {"Arn", user_arn(call.account(), u.str(1), u.str(0))},
                 {"CreateDate", u.i64(2)}};
  auto policies = inline_list(call.tx, user_id);
  if (!policies) return policies.error();
  o["UserPolicyList"] = std::move(*policies);
  auto groups = call.tx.query("SELECT g.group_name FROM iam_group_members m JOIN iam_groups g ON g.group_id = m.group_id "
                              "WHERE m.user_id = ? ORDER BY g.name_lc",
                              {user_id});
  if (!groups) return groups.error();
  json::array names;
  for (auto& g : *groups) names.push_back(json::string(g.str(0)));
  o["GroupList"] = std::move(names);
  auto attached = attached_list(call.tx, user_id);
  if (!attached) return attached.error();
  o["AttachedManagedPolicies"] = std::move(*attached);
  if (!u.str(3).empty())
    o["PermissionsBoundary"] = json::object{{"PermissionsBoundaryType", "Policy"}, {"PermissionsBoundaryArn", u.str(3)}};
  auto tags = call.tx.query("SELECT tag_key, tag_value FROM iam_user_tags WHERE account_id = ? AND name_lc = ? ORDER BY tag_key",
                            {call.account(), u.str(4)});
  if (!tags) return tags.error();
  if (!tags->empty()) {
    json::array list;
    for (auto& t : *tags) list.push_back(json::object{{"Key", t.str(0)}, {"Value", t.str(1)}});
    o["Tags"] = std::move(list);
  }
  return o;
}

Result<json::object> group_detail(Call& call, const std::string& group_id) {
  auto rows = call.tx.query("SELECT group_name, path, created_ms FROM iam_groups WHERE group_id = ?", {group_id});
  if (!rows) return rows.error();
  const auto& g = rows->front();
  json::object o = group_json(call.account(), GroupRow{g.str(0), group_id, g.str(1), g.i64(2)});
  auto policies = inline_list(call.tx, group_id);
  if (!policies) return policies.error();
  o["GroupPolicyList"] = std::move(*policies);
  auto attached = attached_list(call.tx, group_id);
  if (!attached) return attached.error();
  o["AttachedManagedPolicies"] = std::move(*attached);
  return o;
}

Result<json::object> role_detail(Call& call, const std::string& role_id) {
  auto rows = call.tx.query(std::string("SELECT ") + kRoleColumns + " FROM iam_roles r WHERE r.role_id = ?", {role_id});
  if (!rows) return rows.error();
  RoleRow r = read_role(rows->front());
  json::object o{{"Path", r.path},
                 {"RoleName", r.name},
                 {"RoleId", r.role_id},
                 {"Arn", r.arn},
                 {"CreateDate", r.created_ms},
                 {"AssumeRolePolicyDocument", encode_document(r.trust_policy)}};
  auto profiles = instance_profiles_of_role(call.tx, call.account(), role_id);
  if (!profiles) return profiles.error();
  o["InstanceProfileList"] = std::move(*profiles);
  auto policies = inline_list(call.tx, role_id);
  if (!policies) return policies.error();
  o["RolePolicyList"] = std::move(*policies);
  auto attached = attached_list(call.tx, role_id);
  if (!attached) return attached.error();
  o["AttachedManagedPolicies"] = std::move(*attached);
  if (!r.boundary.empty())
    o["PermissionsBoundary"] = json::object{{"PermissionsBoundaryType", "Policy"}, {"PermissionsBoundaryArn", r.boundary}};
  auto tags = read_tags(call.tx, "iam_role_tags", "role_id", role_id);
  if (!tags) return tags.error();
  if (!tags->empty()) o["Tags"] = std::move(*tags);
  o["RoleLastUsed"] = role_last_used_json(r);
  return o;
}

Result<json::object> policy_detail(Call& call, const std::string& policy_id) {
  auto rows = call.tx.query(std::string("SELECT ") + kPolicyColumns + " FROM iam_policies p WHERE p.policy_id = ?", {policy_id});
  if (!rows) return rows.error();
  PolicyRow p = read_policy(rows->front());
  auto attached = attachment_count(call.tx, call.account(), p.policy_id);
  if (!attached) return attached.error();
  auto bounded = boundary_usage_count(call.tx, call.account(), p.arn);
  if (!bounded) return bounded.error();
  json::object o{{"PolicyName", p.name},
                 {"PolicyId", p.policy_id},
                 {"Arn", p.arn},
                 {"Path", p.path},
                 {"DefaultVersionId", version_id(p.default_version)},
                 {"AttachmentCount", *attached},
                 {"PermissionsBoundaryUsageCount", *bounded},
                 {"IsAttachable", true}};
  if (!p.description.empty()) o["Description"] = p.description;
  o["CreateDate"] = p.created_ms;
  o["UpdateDate"] = p.updated_ms;
  auto versions = call.tx.query("SELECT version, document, created_ms FROM iam_policy_versions WHERE policy_id = ? ORDER BY version DESC",
                                {p.policy_id});
  if (!versions) return versions.error();
  json::array list;
  for (auto& v : *versions)
    list.push_back(json::object{{"Document", encode_document(v.str(1))},
                                {"VersionId", version_id(v.i64(0))},
                                {"IsDefaultVersion", v.i64(0) == p.default_version},
                                {"CreateDate", v.i64(2)}});
  o["PolicyVersionList"] = std::move(list);
  return o;
}

Result<json::value> get_account_authorization_details(Call& call) {
  auto page = read_page(call);
  if (!page) return page.error();
  bool users = true, groups = true, roles = true, local = true, aws = true;
  if (const auto* f = call.input.if_contains("Filter"); f && f->is_array() && !f->as_array().empty()) {
    users = groups = roles = local = aws = false;
    for (auto& v : f->as_array()) {
      std::string_view t = v.is_string() ? std::string_view(v.as_string()) : "";
      users |= t == "User";
      groups |= t == "Group";
      roles |= t == "Role";
      local |= t == "LocalManagedPolicy";
      aws |= t == "AWSManagedPolicy";
    }
  }
  std::vector<Item> items;
  auto collect = [&](bool wanted, char kind, const char* sql, std::initializer_list<store::Value> params) -> Status {
    if (!wanted) return Ok{};
    auto rows = call.tx.query(sql, params);
    if (!rows) return rows.error();
    for (auto& r : *rows) items.push_back({std::string(1, kind) + "|" + r.str(1), r.str(0)});
    return Ok{};
  };
  if (auto s = collect(users, '1', "SELECT user_id, name_lc FROM iam_users WHERE account_id = ?", {call.account()}); !s) return s.error();
  if (auto s = collect(groups, '2', "SELECT group_id, name_lc FROM iam_groups WHERE account_id = ?", {call.account()}); !s) return s.error();
  if (auto s = collect(roles, '3', "SELECT role_id, name_lc FROM iam_roles WHERE account_id = ?", {call.account()}); !s) return s.error();
  if (auto s = collect(local, '4', "SELECT policy_id, name_lc || '|' || arn FROM iam_policies WHERE account_id = ?", {call.account()}); !s)
    return s.error();
  // AWS managed policies appear when the account uses them.
  if (auto s = collect(aws, '5',
                       "SELECT p.policy_id, p.name_lc || '|' || p.arn FROM iam_policies p WHERE p.account_id = 'aws' AND ("
                       "EXISTS (SELECT 1 FROM iam_policy_attachments a WHERE a.policy_id = p.policy_id AND a.account_id = ?) OR "
                       "EXISTS (SELECT 1 FROM iam_users u WHERE u.account_id = ? AND u.permissions_boundary = p.arn) OR "
                       "EXISTS (SELECT 1 FROM iam_roles r WHERE r.account_id = ? AND r.permissions_boundary = p.arn))",
                       {call.account(), call.account(), call.account()});
      !s)
    return s.error();
  std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.key < b.key; });
  std::erase_if(items, [&](const Item& i) { return !page->after.empty() && i.key <= page->after; });
  if (static_cast<int64_t>(items.size()) > page->max_items + 1) items.resize(static_cast<size_t>(page->max_items + 1));
  json::object out;
  size_t n = finish_page(*page, items, [](const Item& i) { return i.key; }, out);
  json::array user_list, group_list, role_list, policy_list;
  for (size_t i = 0; i < n; ++i) {
    char kind = items[i].key[0];
    if (kind == '1') {
      auto d = user_detail(call, items[i].id);
      if (!d) return d.error();
      user_list.push_back(std::move(*d));
    } else if (kind == '2') {
      auto d = group_detail(call, items[i].id);
      if (!d) return d.error();
      group_list.push_back(std::move(*d));
    } else if (kind == '3') {
      auto d = role_detail(call, items[i].id);
      if (!d) return d.error();
      role_list.push_back(std::move(*d));
    } else {
      auto d = policy_detail(call, items[i].id);
      if (!d) return d.error();
      policy_list.push_back(std::move(*d));
    }
  }
  out["UserDetailList"] = std::move(user_list);
  out["GroupDetailList"] = std::move(group_list);
  out["RoleDetailList"] = std::move(role_list);
  out["Policies"] = std::move(policy_list);
  return out;
}

Result<json::value> get_account_summary(Call& call) {
  auto counts = call.tx.query(
      "SELECT (SELECT COUNT(*) FROM iam_users WHERE account_id = ?), "
      "(SELECT COUNT(*) FROM iam_groups WHERE account_id = ?), "
      "(SELECT COUNT(*) FROM iam_policies WHERE account_id = ?), "
      "(SELECT COUNT(*) FROM iam_policy_versions v JOIN iam_policies p ON p.policy_id = v.policy_id WHERE p.account_id = ?), "
      "(SELECT COUNT(*) FROM access_keys WHERE account_id = ? AND user_name_lc IS NULL), "
      "(SELECT COUNT(*) FROM iam_roles WHERE account_id = ?), "
      "(SELECT COUNT(*) FROM iam_instance_profiles WHERE account_id = ?), "
      "(SELECT COUNT(*) FROM iam_mfa_devices WHERE account_id = ?), "
      "(SELECT COUNT(*) FROM iam_mfa_devices WHERE account_id = ? AND user_id IS NOT NULL), "
      "(SELECT COUNT(*) FROM iam_mfa_devices WHERE account_id = ? AND user_id = '')",
      {call.account(), call.account(), call.account(), call.account(), call.account(), call.account(), call.account(),
       call.account(), call.account(), call.account()});
  if (!counts) return counts.error();
  const auto& c = counts->front();
  // Identity providers and server certificates are counted once IAM stores them. The root user
  // has no console password here (it signs in with keys only).
  json::object map{{"Users", c.i64(0)},
                   {"UsersQuota", 5000},
                   {"Groups", c.i64(1)},
                   {"GroupsQuota", 300},
                   {"Policies", c.i64(2)},
                   {"PoliciesQuota", 1500},
                   {"PolicyVersionsInUse", c.i64(3)},
                   {"PolicyVersionsInUseQuota", 10000},
                   {"VersionsPerPolicyQuota", 5},
                   {"PolicySizeQuota", 6144},
                   {"UserPolicySizeQuota", 2048},
                   {"GroupPolicySizeQuota", 5120},
                   {"RolePolicySizeQuota", 10240},
                   {"AssumeRolePolicySizeQuota", 2048},
                   {"GroupsPerUserQuota", 10},
                   {"AttachedPoliciesPerUserQuota", 10},
                   {"AttachedPoliciesPerGroupQuota", 10},
                   {"AttachedPoliciesPerRoleQuota", 10},
                   {"AccessKeysPerUserQuota", 2},
                   {"SigningCertificatesPerUserQuota", 2},
                   {"AccountAccessKeysPresent", c.i64(4) > 0 ? 1 : 0},
                   {"AccountMFAEnabled", c.i64(9) > 0 ? 1 : 0},
                   {"AccountPasswordPresent", 0},
                   {"AccountSigningCertificatesPresent", 0},
                   {"MFADevices", c.i64(7)},
                   {"MFADevicesInUse", c.i64(8)},
                   {"Roles", c.i64(5)},
                   {"RolesQuota", 1000},
                   {"InstanceProfiles", c.i64(6)},
                   {"InstanceProfilesQuota", 1000},
                   {"Providers", 0},
                   {"ServerCertificates", 0},
                   {"ServerCertificatesQuota", 20},
                   {"GlobalEndpointTokenVersion", 1}};
  return json::object{{"SummaryMap", std::move(map)}};
}

}  // namespace

void add_account_details_operations(std::vector<OperationDef>& ops) {
  ops.push_back(OperationDef{"GetAccountSummary", true, false,
                             [](const RequestContext&, const json::object&, store::Tx&) {
                               return AuthzRequest{"iam:GetAccountSummary", {"*"}, {}};
                             },
                             get_account_summary});
  ops.push_back(OperationDef{"GetAccountAuthorizationDetails", true, false,
                             [](const RequestContext&, const json::object&, store::Tx&) {
                               return AuthzRequest{"iam:GetAccountAuthorizationDetails", {"*"}, {}};
                             },
                             get_account_authorization_details});
}

}  // namespace citadel::services::iam
