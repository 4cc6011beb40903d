// IAM roles: CreateRole, GetRole, ListRoles, UpdateRole, UpdateRoleDescription,
// UpdateAssumeRolePolicy, DeleteRole, TagRole, UntagRole, ListRoleTags. A role's inline policies,
// attachments and boundary are in inline_policies.cc and attachments.cc, with the users' and groups'.
// create_role (roles.h) is CreateRole for other services, and CreateRole's own path.
#include "base/ids.h"
#include "services/iam/iam_common.h"
#include "services/iam/iam_operations.h"
#include "services/iam/roles.h"

namespace citadel::services::iam {

namespace {

constexpr int64_t kMaxRolesPerAccount = 1000;

}  // namespace

json::object role_json(const RoleRow& r, bool full) {
  json::object o{{"Path", r.path},
                 {"RoleName", r.name},
                 {"RoleId", r.role_id},
                 {"Arn", r.arn},
                 {"CreateDate", r.created_ms},
                 {"AssumeRolePolicyDocument", encode_document(r.trust_policy)},
                 {"MaxSessionDuration", r.max_session_duration}};
  if (!r.description.empty()) o["Description"] = r.description;
  if (!full) return o;
  if (!r.boundary.empty())
    o["PermissionsBoundary"] = json::object{{"PermissionsBoundaryType", "Policy"}, {"PermissionsBoundaryArn", r.boundary}};
  o["RoleLastUsed"] = role_last_used_json(r);
  return o;
}

json::object role_last_used_json(const RoleRow& r) {
  json::object last_used;
  if (r.last_used_ms) {
    last_used["LastUsedDate"] = *r.last_used_ms;
    if (!r.last_used_region.empty()) last_used["Region"] = r.last_used_region;
  }
  return last_used;
}

Result<CreatedRole> create_role(store::Tx& tx, const std::string& account, const RoleSpec& spec, int64_t now_ms) {
  if (auto s = check_path(spec.path, "path"); !s) return s.error();
  if (auto s = check_document(spec.trust_policy, policy::PolicyKind::TrustPolicy); !s) return s.error();
  auto clash = tx.query("SELECT 1 FROM iam_roles WHERE account_id = ? AND name_lc = ?", {account, lower(spec.name)});
  if (!clash) return clash.error();
  if (!clash->empty()) return AwsError::sender("EntityAlreadyExists", "Role with name " + spec.name + " already exists.", 409);
  auto count = tx.query("SELECT COUNT(*) FROM iam_roles WHERE account_id = ?", {account});
  if (!count) return count.error();
  if (count->front().i64(0) >= kMaxRolesPerAccount)
    return AwsError::sender("LimitExceeded", "Cannot exceed quota for RolesPerAccount: 1000", 409);
  if (!spec.permissions_boundary.empty()) {
    auto boundary = load_attachable_policy(tx, account, spec.permissions_boundary);
    if (!boundary) return boundary.error();
  }
  CreatedRole out{ids::unique_id("AROA", 17), role_arn(account, spec.path, spec.name)};
  auto ins = tx.exec(
      "INSERT INTO iam_roles (role_id, account_id, name_lc, role_name, path, arn, assume_role_policy, description, "
      "max_session_duration, permissions_boundary, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULLIF(?, ''), ?)",
      {out.role_id, account, lower(spec.name), spec.name, spec.path, out.arn, spec.trust_policy, spec.description,
       spec.max_session_duration, spec.permissions_boundary, now_ms});
  if (!ins) return ins.error();
  Entity role{EntityKind::Role, out.role_id, spec.name};
  for (const auto& arn : spec.managed_policy_arns)
    if (auto s = attach_managed_policy(tx, account, role, arn); !s) return s.error();
  return out;
}

namespace {

// GetRole's, CreateRole's and UpdateRoleDescription's answer: the role with its tags.
Result<json::value> role_answer(store::Tx& tx, const RoleRow& r) {
  json::object role = role_json(r, true);
  auto tags = read_tags(tx, "iam_role_tags", "role_id", r.role_id);
  if (!tags) return tags.error();
  if (!tags->empty()) role["Tags"] = std::move(*tags);
  return json::object{{"Role", std::move(role)}};
}

Result<json::value> create_role_op(Call& call) {
  RoleSpec spec;
  spec.name = call.str("RoleName");
  if (call.has("Path")) spec.path = call.str("Path");
  spec.trust_policy = call.str("AssumeRolePolicyDocument");
  spec.description = call.str("Description");
  spec.permissions_boundary = call.str("PermissionsBoundary");
  if (const auto* d = call.input.if_contains("MaxSessionDuration"); d && d->is_int64()) spec.max_session_duration = d->as_int64();
  auto created = iam::create_role(call.tx, call.account(), spec, call.ctx.now_ms);
  if (!created) return created.error();
  if (auto s = put_tags(call.tx, "iam_role_tags", "role_id", created->role_id, call.input.if_contains("Tags"), "Role"); !s)
    return s.error();
  auto r = load_role(call.tx, call.account(), spec.name);
  if (!r) return r.error();
  return role_answer(call.tx, *r);
}

Result<json::value> get_role(Call& call) {
  auto r = load_role(call.tx, call.account(), call.str("RoleName"));
  if (!r) return r.error();
  return role_answer(call.tx, *r);
}

Result<json::value> list_roles(Call& call) {
  auto page = read_page(call);
  if (!page) return page.error();
  std::string prefix = call.has("PathPrefix") ? call.str("PathPrefix") : "/";
  auto rows = call.tx.query(std::string("SELECT ") + kRoleColumns +
                                ", r.name_lc FROM iam_roles r WHERE r.account_id = ? AND substr(r.path, 1, length(?)) = ? "
                                "AND r.name_lc > ? ORDER BY r.name_lc LIMIT ?",
                            {call.account(), prefix, prefix, page->after, page->max_items + 1});
  if (!rows) return rows.error();
  json::object out;
  size_t n = finish_page(*page, *rows, [](const store::Row& r) { return r.str(11); }, out);
  json::array roles;
  for (size_t i = 0; i < n; ++i) roles.push_back(role_json(read_role((*rows)[i]), false));
  out["Roles"] = std::move(roles);
  return out;
}

Result<json::value> update_role(Call& call) {
  auto r = load_role(call.tx, call.account(), call.str("RoleName"));
  if (!r) return r.error();
  std::string description = call.has("Description") ? call.str("Description") : r->description;
  int64_t duration = r->max_session_duration;
  if (const auto* d = call.input.if_contains("MaxSessionDuration"); d && d->is_int64()) duration = d->as_int64();
  auto up = call.tx.exec("UPDATE iam_roles SET description = ?, max_session_duration = ? WHERE role_id = ?",
                         {description, duration, r->role_id});
  if (!up) return up.error();
  return json::object{};
}

Result<json::value> update_role_description(Call& call) {
  auto r = load_role(call.tx, call.account(), call.str("RoleName"));
  if (!r) return r.error();
  r->description = call.str("Description");
  auto up = call.tx.exec("UPDATE iam_roles SET description = ? WHERE role_id = ?", {r->description, r->role_id});
  if (!up) return up.error();
  return role_answer(call.tx, *r);
}

Result<json::value> update_assume_role_policy(Call& call) {
  auto r = load_role(call.tx, call.account(), call.str("RoleName"));
  if (!r) return r.error();
  std::string trust = call.str("PolicyDocument");
  if (auto s = check_document(trust, policy::PolicyKind::TrustPolicy); !s) return s.error();
  auto up = call.tx.exec("UPDATE iam_roles SET assume_role_policy = ? WHERE role_id = ?", {trust, r->role_id});
  if (!up) return up.error();
  return json::object{};
}

Result<json::value> delete_role(Call& call) {
  auto r = load_role(call.tx, call.account(), call.str("RoleName"));
  if (!r) return r.error();
  auto uses = call.tx.query("SELECT (SELECT COUNT(*) FROM iam_inline_policies WHERE entity_id = ?), "
                            "(SELECT COUNT(*) FROM iam_policy_attachments WHERE entity_id = ?), "
                            "(SELECT COUNT(*) FROM iam_instance_profile_roles WHERE role_id = ?)",
                            {r->role_id, r->role_id, r->role_id});
  if (!uses) return uses.error();
  const auto& use = uses->front();
  // In the order IAM documents the clean-up: inline policies, managed policies, instance profiles.
  if (use.i64(0) > 0) return AwsError::sender("DeleteConflict", "Cannot delete entity, must delete policies first.", 409);
  if (use.i64(1) > 0) return AwsError::sender("DeleteConflict", "Cannot delete entity, must detach all policies first.", 409);
  if (use.i64(2) > 0)
    return AwsError::sender("DeleteConflict", "Cannot delete entity, must remove roles from instance profile first.", 409);
  auto del = call.tx.exec("DELETE FROM iam_roles WHERE role_id = ?", {r->role_id});
  if (!del) return del.error();
  return json::object{};
}

Result<json::value> tag_role(Call& call) {
  auto r = load_role(call.tx, call.account(), call.str("RoleName"));
  if (!r) return r.error();
  if (auto s = put_tags(call.tx, "iam_role_tags", "role_id", r->role_id, call.input.if_contains("Tags"), "Role"); !s)
    return s.error();
  return json::object{};
}

Result<json::value> untag_role(Call& call) {
  auto r = load_role(call.tx, call.account(), call.str("RoleName"));
  if (!r) return r.error();
  if (auto s = remove_tags(call.tx, "iam_role_tags", "role_id", r->role_id, call.input.if_contains("TagKeys")); !s)
    return s.error();
  return json::object{};
}

Result<json::value> list_role_tags(Call& call) {
  auto r = load_role(call.tx, call.account(), call.str("RoleName"));
  if (!r) return r.error();
  auto tags = read_tags(call.tx, "iam_role_tags", "role_id", r->role_id);
  if (!tags) return tags.error();
  return tags_page(call, *tags);
}

}  // namespace

void add_role_operations(std::vector<OperationDef>& ops) {
  // Operations on an existing role: its ARN and tags; TagRole and UntagRole also the tags they
  // set or remove.
  auto def = [&](const char* name, bool ro, Handler h) {
    ops.push_back(OperationDef{name, ro, false,
                               [name](const RequestContext& c, const json::object& i, store::Tx& tx) {
                                 AuthzRequest req = role_authz(std::string("iam:") + name, c, i, tx);
                                 for (auto& [k, v] : tag_condition_keys(i, "Tags")) req.condition_keys[k] = v;
                                 for (auto& [k, v] : tag_condition_keys(i, "TagKeys")) req.condition_keys[k] = v;
                                 return req;
                               },
                               std::move(h)});
  };
  ops.push_back(OperationDef{"CreateRole", false, false,
                             [](const RequestContext& c, const json::object& i, store::Tx&) {
                               std::string path = i.contains("Path") ? input_str(i, "Path") : "/";
                               AuthzRequest req{"iam:CreateRole",
                                                {role_arn(c.principal->account_id, path, input_str(i, "RoleName"))},
                                                tag_condition_keys(i, "Tags")};
                               if (std::string b = input_str(i, "PermissionsBoundary"); !b.empty())
                                 req.condition_keys["iam:PermissionsBoundary"] = b;
                               return req;
                             },
                             create_role_op});
  def("GetRole", true, get_role);
  ops.push_back(OperationDef{"ListRoles", true, false,
                             [](const RequestContext& c, const json::object&, store::Tx&) {
                               return AuthzRequest{"iam:ListRoles", {"arn:aws:iam::" + c.principal->account_id + ":role/*"}, {}};
                             },
                             list_roles});
  def("UpdateRole", false, update_role);
  def("UpdateRoleDescription", false, update_role_description);
  def("UpdateAssumeRolePolicy", false, update_assume_role_policy);
  def("DeleteRole", false, delete_role);
  def("TagRole", false, tag_role);
  def("UntagRole", false, untag_role);
  def("ListRoleTags", true, list_role_tags);
}

}  // namespace citadel::services::iam
