// Managed policies attached to users, groups and roles, and the permissions boundaries of users and
// roles: Attach/Detach/ListAttached UserPolicy, GroupPolicy and RolePolicy, ListEntitiesForPolicy,
// Put/Delete UserPermissionsBoundary and RolePermissionsBoundary.
#include <algorithm>

#include "services/iam/iam_common.h"
#include "services/iam/iam_operations.h"

namespace citadel::services::iam {

namespace {

constexpr int64_t kMaxAttachedPerEntity = 10;

}  // namespace

Status attach_managed_policy(store::Tx& tx, const std::string& account, const Entity& e, const std::string& policy_arn) {
  auto p = load_attachable_policy(tx, account, policy_arn);
  if (!p) return p.error();
  auto attached = tx.query("SELECT policy_id FROM iam_policy_attachments WHERE entity_id = ?", {e.id});
  if (!attached) return attached.error();
  for (auto& r : *attached)
    if (r.str(0) == p->policy_id) return Ok{};  // already attached: nothing to do
  if (static_cast<int64_t>(attached->size()) >= kMaxAttachedPerEntity)
    return AwsError::sender("LimitExceeded", std::string("Cannot exceed quota for PoliciesPer") + entity_type(e.kind) + ": 10", 409);
  auto ins = tx.exec("INSERT INTO iam_policy_attachments (entity_id, policy_id, account_id, entity_type) VALUES (?, ?, ?, ?)",
                     {e.id, p->policy_id, account, std::string(entity_type(e.kind))});
  if (!ins) return ins.error();
  return Ok{};
}

namespace {

Result<json::value> attach_policy(Call& call, EntityKind kind) {
  auto e = load_entity(call, kind);
  if (!e) return e.error();
  if (auto s = attach_managed_policy(call.tx, call.account(), *e, call.str("PolicyArn")); !s) return s.error();
  return json::object{};
}

Result<json::value> detach_policy(Call& call, EntityKind kind) {
  auto e = load_entity(call, kind);
  if (!e) return e.error();
  std::string arn = call.str("PolicyArn");
  auto p = load_policy(call.tx, call.account(), arn);
  if (!p) return p.error();
  auto del = call.tx.exec("DELETE FROM iam_policy_attachments WHERE entity_id = ? AND policy_id = ?", {e->id, p->policy_id});
  if (!del) return del.error();
  if (*del == 0) return AwsError::sender("NoSuchEntity", "Policy " + arn + " was not found.", 404);
  return json::object{};
}

Result<json::value> list_attached(Call& call, EntityKind kind) {
  auto e = load_entity(call, kind);
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
  bool users = filter.empty() || filter == "User", groups = filter.empty() || filter == "Group",
       roles = filter.empty() || filter == "Role";
  if ((filter == "LocalManagedPolicy" && !p->aws_managed()) || (filter == "AWSManagedPolicy" && p->aws_managed()))
    users = groups = roles = true;
  // One sorted list of (kind|name, name, id) over every kind of entity; the marker is its key.
  struct Item {
    std::string key, name, id;
    EntityKind kind;
  };
  std::vector<Item> items;
  // Users and roles use the policy as permissions policy or as boundary; groups only the former.
  auto collect = [&](EntityKind kind, const std::string& table, const std::string& name_col, const std::string& id_col,
                     const char* tag) -> Status {
    std::string sql = "SELECT e." + name_col + ", e." + id_col + ", e.name_lc FROM " + table +
                      " e WHERE e.account_id = ? AND substr(e.path, 1, length(?)) = ? AND (";
    sql += policies ? "EXISTS (SELECT 1 FROM iam_policy_attachments a WHERE a.entity_id = e." + id_col + " AND a.policy_id = ?)"
                    : std::string("0 = 1");
    if (kind == EntityKind::Group) sql += ")";
    else sql += boundaries ? " OR e.permissions_boundary = ?)" : " OR 0 = 1)";
    std::vector<store::Value> params{call.account(), prefix, prefix};
    if (policies) params.push_back(p->policy_id);
    if (kind != EntityKind::Group && boundaries) params.push_back(p->arn);
    auto rows = call.tx.query_v(sql, params);
    if (!rows) return rows.error();
    for (auto& r : *rows) items.push_back({std::string(tag) + r.str(2), r.str(0), r.str(1), kind});
    return Ok{};
  };
  if (users)
    if (auto s = collect(EntityKind::User, "iam_users", "user_name", "user_id", "u|"); !s) return s.error();
  if (groups && policies)
    if (auto s = collect(EntityKind::Group, "iam_groups", "group_name", "group_id", "g|"); !s) return s.error();
  if (roles)
    if (auto s = collect(EntityKind::Role, "iam_roles", "role_name", "role_id", "r|"); !s) return s.error();
  std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.key < b.key; });
  std::erase_if(items, [&](const Item& i) { return !page->after.empty() && i.key <= page->after; });
  if (static_cast<int64_t>(items.size()) > page->max_items + 1) items.resize(static_cast<size_t>(page->max_items + 1));
  json::object out;
  size_t n = finish_page(*page, items, [](const Item& i) { return i.key; }, out);
  json::array group_list, user_list, role_list;
  for (size_t i = 0; i < n; ++i) {
    const Item& it = items[i];
    switch (it.kind) {
      case EntityKind::User: user_list.push_back(json::object{{"UserName", it.name}, {"UserId", it.id}}); break;
      case EntityKind::Group: group_list.push_back(json::object{{"GroupName", it.name}, {"GroupId", it.id}}); break;
      case EntityKind::Role: role_list.push_back(json::object{{"RoleName", it.name}, {"RoleId", it.id}}); break;
    }
  }
  out["PolicyGroups"] = std::move(group_list);
  out["PolicyUsers"] = std::move(user_list);
  out["PolicyRoles"] = std::move(role_list);
  return out;
}

// The table that holds a user's or a role's permissions boundary.
const char* boundary_table(EntityKind kind) { return kind == EntityKind::Role ? "iam_roles" : "iam_users"; }
const char* id_column(EntityKind kind) { return kind == EntityKind::Role ? "role_id" : "user_id"; }

Result<json::value> put_permissions_boundary(Call& call, EntityKind kind) {
  auto e = load_entity(call, kind);
  if (!e) return e.error();
  auto p = load_attachable_policy(call.tx, call.account(), call.str("PermissionsBoundary"));
  if (!p) return p.error();
  auto up = call.tx.exec(std::string("UPDATE ") + boundary_table(kind) + " SET permissions_boundary = ? WHERE " + id_column(kind) + " = ?",
                         {p->arn, e->id});
  if (!up) return up.error();
  return json::object{};
}

Result<json::value> delete_permissions_boundary(Call& call, EntityKind kind) {
  auto e = load_entity(call, kind);
  if (!e) return e.error();
  auto up = call.tx.exec(std::string("UPDATE ") + boundary_table(kind) + " SET permissions_boundary = NULL WHERE " + id_column(kind) + " = ?",
                         {e->id});
  if (!up) return up.error();
  return json::object{};
}

}  // namespace

void add_attachment_operations(std::vector<OperationDef>& ops) {
  using Fn = Result<json::value> (*)(Call&, EntityKind);
  // Attach/Detach carry iam:PolicyARN; the writes on users and roles carry their boundary.
  auto def = [&](const char* name, bool ro, EntityKind kind, Fn fn, bool policy_key) {
    ops.push_back(OperationDef{name, ro, false,
                               [name, kind, policy_key, ro](const RequestContext& c, const json::object& i, store::Tx& tx) {
                                 AuthzRequest req = entity_authz(kind, std::string("iam:") + name, c, i, tx, !ro);
                                 if (policy_key) req.condition_keys["iam:PolicyARN"] = input_str(i, "PolicyArn");
                                 return req;
                               },
                               [fn, kind](Call& call) { return fn(call, kind); }});
  };
  def("AttachUserPolicy", false, EntityKind::User, attach_policy, true);
  def("DetachUserPolicy", false, EntityKind::User, detach_policy, true);
  def("ListAttachedUserPolicies", true, EntityKind::User, list_attached, false);
  def("AttachGroupPolicy", false, EntityKind::Group, attach_policy, true);
  def("DetachGroupPolicy", false, EntityKind::Group, detach_policy, true);
  def("ListAttachedGroupPolicies", true, EntityKind::Group, list_attached, false);
  def("AttachRolePolicy", false, EntityKind::Role, attach_policy, true);
  def("DetachRolePolicy", false, EntityKind::Role, detach_policy, true);
  def("ListAttachedRolePolicies", true, EntityKind::Role, list_attached, false);
  ops.push_back(OperationDef{"ListEntitiesForPolicy", true, false,
                             [](const RequestContext& c, const json::object& i, store::Tx& tx) {
                               return policy_authz("iam:ListEntitiesForPolicy", c, i, tx);
                             },
                             list_entities_for_policy});
  for (EntityKind kind : {EntityKind::User, EntityKind::Role}) {
    const bool role = kind == EntityKind::Role;
    const char* put = role ? "PutRolePermissionsBoundary" : "PutUserPermissionsBoundary";
    const char* del = role ? "DeleteRolePermissionsBoundary" : "DeleteUserPermissionsBoundary";
    ops.push_back(OperationDef{put, false, false,
                               [put, kind](const RequestContext& c, const json::object& i, store::Tx& tx) {
                                 // The key names the boundary being set.
                                 AuthzRequest req = entity_authz(kind, std::string("iam:") + put, c, i, tx, false);
                                 req.condition_keys["iam:PermissionsBoundary"] = input_str(i, "PermissionsBoundary");
                                 return req;
                               },
                               [kind](Call& call) { return put_permissions_boundary(call, kind); }});
    ops.push_back(OperationDef{del, false, false,
                               [del, kind](const RequestContext& c, const json::object& i, store::Tx& tx) {
                                 return entity_authz(kind, std::string("iam:") + del, c, i, tx, true);
                               },
                               [kind](Call& call) { return delete_permissions_boundary(call, kind); }});
  }
}

}  // namespace citadel::services::iam
