// Managed policies attached to users and groups, and users' permissions boundaries:
// Attach/Detach/ListAttached UserPolicy and GroupPolicy, ListEntitiesForPolicy,
// PutUserPermissionsBoundary, DeleteUserPermissionsBoundary.
#include <algorithm>

#include "services/iam/iam_common.h"
#include "services/iam/iam_operations.h"

namespace citadel::services::iam {

namespace {

constexpr int64_t kMaxAttachedPerEntity = 10;

struct Entity {
  std::string id, name;
  const char* type;   // "User" / "Group" (iam_policy_attachments.entity_type)
  const char* quota;  // "PoliciesPerUser" / "PoliciesPerGroup"
};

Result<Entity> resolve_entity(Call& call, bool group) {
  if (group) {
    auto g = load_group(call.tx, call.account(), call.str("GroupName"));
    if (!g) return g.error();
    return Entity{g->group_id, g->name, "Group", "PoliciesPerGroup"};
  }
  auto u = load_user(call.tx, call.account(), call.str("UserName"));
  if (!u) return u.error();
  return Entity{u->user_id, u->name, "User", "PoliciesPerUser"};
}

Result<json::value> attach_policy(Call& call, bool group) {
  auto e = resolve_entity(call, group);
  if (!e) return e.error();
  auto p = load_attachable_policy(call.tx, call.account(), call.str("PolicyArn"));
  if (!p) return p.error();
  auto attached = call.tx.query("SELECT policy_id FROM iam_policy_attachments WHERE entity_id = ?", {e->id});
  if (!attached) return attached.error();
  for (auto& r : *attached)
    if (r.str(0) == p->policy_id) return json::object{};  // already attached: nothing to do
  if (static_cast<int64_t>(attached->size()) >= kMaxAttachedPerEntity)
    return AwsError::sender("LimitExceeded", std::string("Cannot exceed quota for ") + e->quota + ": 10", 409);
  auto ins = call.tx.exec("INSERT INTO iam_policy_attachments (entity_id, policy_id, account_id, entity_type) VALUES (?, ?, ?, ?)",
                          {e->id, p->policy_id, call.account(), std::string(e->type)});
  if (!ins) return ins.error();
  return json::object{};
}

Result<json::value> detach_policy(Call& call, bool group) {
  auto e = resolve_entity(call, group);
  if (!e) return e.error();
  std::string arn = call.str("PolicyArn");
  auto p = load_policy(call.tx, call.account(), arn);
  if (!p) return p.error();
  auto del = call.tx.exec("DELETE FROM iam_policy_attachments WHERE entity_id = ? AND policy_id = ?", {e->id, p->policy_id});
  if (!del) return del.error();
  if (*del == 0) return AwsError::sender("NoSuchEntity", "Policy " + arn + " was not found.", 404);
  return json::object{};
}

Result<json::value> list_attached(Call& call, bool group) {
  auto e = resolve_entity(call, group);
  if (!e) return e.error();
  auto page = read_page(call);
  if (!page) return page.error();
  std::string prefix = call.has("PathPrefix") ? call.str("PathPrefix") : "/";
  auto rows = call.tx.query(
      "SELECT * FROM (SELECT p.policy_name, p.arn, p.name_lc || '|' || p.arn AS sort_key FROM iam_policy_attachments a "
      "JOIN iam_policies p ON p.policy_id = a.policy_id WHERE a.entity_id = ? AND substr(p.path, 1, length(?)) = ?) x "
      "WHERE sort_key > ? ORDER BY sort_key LIMIT ?",
      {e->id, prefix, prefix, page->after, page->max_items + 1});
  if (!rows) return rows.error();
  json::object out;
  size_t n = finish_page(*page, *rows, [](const store::Row& r) { return r.str(2); }, out);
  json::array policies;
  for (size_t i = 0; i < n; ++i)
    policies.push_back(json::object{{"PolicyName", (*rows)[i].str(0)}, {"PolicyArn", (*rows)[i].str(1)}});
  out["AttachedPolicies"] = std::move(policies);
  return out;
}

Result<json::value> list_entities_for_policy(Call& call) {
  auto p = load_policy(call.tx, call.account(), call.str("PolicyArn"));
  if (!p) return p.error();
  auto page = read_page(call);
  if (!page) return page.error();
  std::string filter = call.str("EntityFilter");
  std::string usage = call.str("PolicyUsageFilter");
  std::string prefix = call.has("PathPrefix") ? call.str("PathPrefix") : "/";
  bool policies = usage != "PermissionsBoundary", boundaries = usage != "PermissionsPolicy";
  bool users = filter.empty() || filter == "User", groups = filter.empty() || filter == "Group";
  if ((filter == "LocalManagedPolicy" && !p->aws_managed()) || (filter == "AWSManagedPolicy" && p->aws_managed()))
    users = groups = true;
  // One sorted list of (kind|name, name, id) over both kinds of entity; the marker is its key.
  struct Item {
    std::string key, name, id;
    bool group;
  };
  std::vector<Item> items;
  if (users) {
    std::string sql =
        "SELECT user_name, user_id, name_lc FROM iam_users u WHERE u.account_id = ? AND substr(u.path, 1, length(?)) = ? AND (";
    sql += policies ? "EXISTS (SELECT 1 FROM iam_policy_attachments a WHERE a.entity_id = u.user_id AND a.policy_id = ?)" : "0 = 1";
    sql += boundaries ? " OR u.permissions_boundary = ?)" : " OR 0 = 1)";
    std::vector<store::Value> params{call.account(), prefix, prefix};
    if (policies) params.push_back(p->policy_id);
    if (boundaries) params.push_back(p->arn);
    auto rows = call.tx.query_v(sql, params);
    if (!rows) return rows.error();
    for (auto& r : *rows) items.push_back({"u|" + r.str(2), r.str(0), r.str(1), false});
  }
  if (groups && policies) {
    auto rows = call.tx.query("SELECT g.group_name, g.group_id, g.name_lc FROM iam_policy_attachments a JOIN iam_groups g "
                              "ON g.group_id = a.entity_id WHERE a.policy_id = ? AND a.account_id = ? AND "
                              "substr(g.path, 1, length(?)) = ?",
                              {p->policy_id, call.account(), prefix, prefix});
    if (!rows) return rows.error();
    for (auto& r : *rows) items.push_back({"g|" + r.str(2), r.str(0), r.str(1), true});
  }
  std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.key < b.key; });
  std::erase_if(items, [&](const Item& i) { return !page->after.empty() && i.key <= page->after; });
  if (static_cast<int64_t>(items.size()) > page->max_items + 1) items.resize(static_cast<size_t>(page->max_items + 1));
  json::object out;
  size_t n = finish_page(*page, items, [](const Item& i) { return i.key; }, out);
  json::array group_list, user_list;
  for (size_t i = 0; i < n; ++i) {
    if (items[i].group) group_list.push_back(json::object{{"GroupName", items[i].name}, {"GroupId", items[i].id}});
    else user_list.push_back(json::object{{"UserName", items[i].name}, {"UserId", items[i].id}});
  }
  out["PolicyGroups"] = std::move(group_list);
  out["PolicyUsers"] = std::move(user_list);
  out["PolicyRoles"] = json::array{};
  return out;
}

Result<json::value> put_user_permissions_boundary(Call& call) {
  auto u = load_user(call.tx, call.account(), call.str("UserName"));
  if (!u) return u.error();
  auto p = load_attachable_policy(call.tx, call.account(), call.str("PermissionsBoundary"));
  if (!p) return p.error();
  auto up = call.tx.exec("UPDATE iam_users SET permissions_boundary = ? WHERE user_id = ?", {p->arn, u->user_id});
  if (!up) return up.error();
  return json::object{};
}

Result<json::value> delete_user_permissions_boundary(Call& call) {
  auto u = load_user(call.tx, call.account(), call.str("UserName"));
  if (!u) return u.error();
  auto up = call.tx.exec("UPDATE iam_users SET permissions_boundary = NULL WHERE user_id = ?", {u->user_id});
  if (!up) return up.error();
  return json::object{};
}


}  // namespace

void add_attachment_operations(std::vector<OperationDef>& ops) {
  using Fn = Result<json::value> (*)(Call&, bool);
  auto def = [&](const char* name, bool ro, bool group, Fn fn, bool policy_key) {
    ops.push_back(OperationDef{name, ro, false,
                               [name, group, policy_key, ro](const RequestContext& c, const json::object& i, store::Tx& tx) {
                                 std::string action = std::string("iam:") + name;
                                 AuthzRequest req = group ? AuthzRequest{action, {target_group_arn(c, i, tx)}, {}}
                                                          : user_authz(action, c, i, tx, !ro);
                                 if (policy_key) req.condition_keys["iam:PolicyARN"] = input_str(i, "PolicyArn");
                                 return req;
                               },
                               [fn, group](Call& call) { return fn(call, group); }});
  };
  def("AttachUserPolicy", false, false, attach_policy, true);
  def("DetachUserPolicy", false, false, detach_policy, true);
  def("ListAttachedUserPolicies", true, false, list_attached, false);
  def("AttachGroupPolicy", false, true, attach_policy, true);
  def("DetachGroupPolicy", false, true, detach_policy, true);
  def("ListAttachedGroupPolicies", true, true, list_attached, false);
  ops.push_back(OperationDef{"ListEntitiesForPolicy", true, false,
                             [](const RequestContext& c, const json::object& i, store::Tx& tx) {
                               return policy_authz("iam:ListEntitiesForPolicy", c, i, tx);
                             },
                             list_entities_for_policy});
  ops.push_back(OperationDef{"PutUserPermissionsBoundary", false, false,
                             [](const RequestContext& c, const json::object& i, store::Tx& tx) {
                               // The key names the boundary being set.
                               AuthzRequest req = user_authz("iam:PutUserPermissionsBoundary", c, i, tx);
                               req.condition_keys["iam:PermissionsBoundary"] = input_str(i, "PermissionsBoundary");
                               return req;
                             },
                             put_user_permissions_boundary});
  ops.push_back(OperationDef{"DeleteUserPermissionsBoundary", false, false,
                             [](const RequestContext& c, const json::object& i, store::Tx& tx) {
                               return user_authz("iam:DeleteUserPermissionsBoundary", c, i, tx, true);
                             },
                             delete_user_permissions_boundary});
}

}  // namespace citadel::services::iam
