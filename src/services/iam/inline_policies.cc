// Inline policies of users, groups and roles: Put/Get/Delete/List UserPolicy, GroupPolicy and RolePolicy.
// Stored by the entity's unique id; the documents are checked with the quotas of their kind, and
// the aggregate size of an entity's inline policies is held to the same quota, as IAM does.
#include "services/iam/iam_common.h"
#include "services/iam/iam_operations.h"

namespace citadel::services::iam {

namespace {

// Who the inline policy belongs to.
struct Owner {
  Entity entity;
  const char* kind_word;  // "user" / "group" / "role"
  policy::PolicyKind kind;
};

Result<Owner> resolve_owner(Call& call, EntityKind kind) {
  auto e = load_entity(call, kind);
  if (!e) return e.error();
  switch (kind) {
    case EntityKind::User: return Owner{std::move(*e), "user", policy::PolicyKind::InlineUser};
    case EntityKind::Group: return Owner{std::move(*e), "group", policy::PolicyKind::InlineGroup};
    case EntityKind::Role: break;
  }
  return Owner{std::move(*e), "role", policy::PolicyKind::InlineRole};
}

AwsError no_such_policy(const Owner& o, const std::string& name) {
  return AwsError::sender("NoSuchEntity", std::string("The ") + o.kind_word + " policy with name " + name + " cannot be found.", 404);
}

Result<json::value> put_policy(Call& call, EntityKind entity) {
  auto owner = resolve_owner(call, entity);
  if (!owner) return owner.error();
  std::string name = call.str("PolicyName");
  std::string document = call.str("PolicyDocument");
  if (auto s = check_document(document, owner->kind); !s) return s.error();
  auto others = call.tx.query("SELECT document FROM iam_inline_policies WHERE entity_id = ? AND policy_name <> ?",
                              {owner->entity.id, name});
  if (!others) return others.error();
  size_t total = policy::counted_size(document, owner->kind);
  for (auto& r : *others) total += policy::counted_size(r.str(0), owner->kind);
  size_t quota = policy::size_quota(owner->kind);
  if (total > quota)
    return AwsError::sender("LimitExceeded", "Maximum policy size of " + std::to_string(quota) + " bytes exceeded for " +
                                                 owner->kind_word + " " + owner->entity.name,
                            409);
  auto del = call.tx.exec("DELETE FROM iam_inline_policies WHERE entity_id = ? AND policy_name = ?", {owner->entity.id, name});
  if (!del) return del.error();
  auto ins = call.tx.exec("INSERT INTO iam_inline_policies (entity_id, policy_name, document) VALUES (?, ?, ?)",
                          {owner->entity.id, name, document});
  if (!ins) return ins.error();
  return json::object{};
}

Result<json::value> get_policy(Call& call, EntityKind entity) {
  auto owner = resolve_owner(call, entity);
  if (!owner) return owner.error();
  std::string name = call.str("PolicyName");
  auto rows = call.tx.query("SELECT policy_name, document FROM iam_inline_policies WHERE entity_id = ? AND policy_name = ?",
                            {owner->entity.id, name});
  if (!rows) return rows.error();
  if (rows->empty()) return no_such_policy(*owner, name);
  return json::object{{name_member(entity), owner->entity.name},
                      {"PolicyName", rows->front().str(0)},
                      {"PolicyDocument", encode_document(rows->front().str(1))}};
}

Result<json::value> delete_policy(Call& call, EntityKind entity) {
  auto owner = resolve_owner(call, entity);
  if (!owner) return owner.error();
  std::string name = call.str("PolicyName");
  auto del = call.tx.exec("DELETE FROM iam_inline_policies WHERE entity_id = ? AND policy_name = ?", {owner->entity.id, name});
  if (!del) return del.error();
  if (*del == 0) return no_such_policy(*owner, name);
  return json::object{};
}

Result<json::value> list_policies(Call& call, EntityKind entity) {
  auto owner = resolve_owner(call, entity);
  if (!owner) return owner.error();
  auto page = read_page(call);
  if (!page) return page.error();
  auto rows = call.tx.query("SELECT policy_name FROM iam_inline_policies WHERE entity_id = ? AND policy_name > ? "
                            "ORDER BY policy_name LIMIT ?",
                            {owner->entity.id, page->after, page->max_items + 1});
  if (!rows) return rows.error();
  json::object out;
  size_t n = finish_page(*page, *rows, [](const store::Row& r) { return r.str(0); }, out);
  json::array names;
  for (size_t i = 0; i < n; ++i) names.push_back(json::string((*rows)[i].str(0)));
  out["PolicyNames"] = std::move(names);
  return out;
}

}  // namespace

void add_inline_policy_operations(std::vector<OperationDef>& ops) {
  using Fn = Result<json::value> (*)(Call&, EntityKind);
  auto def = [&](const char* name, bool ro, EntityKind entity, Fn fn) {
    ops.push_back(OperationDef{name, ro, false,
                               [name, entity, ro](const RequestContext& c, const json::object& i, store::Tx& tx) {
                                 // Put/Delete{User,Role}Policy carry the target's boundary (iam:PermissionsBoundary).
                                 return entity_authz(entity, std::string("iam:") + name, c, i, tx, !ro);
                               },
                               [fn, entity](Call& call) { return fn(call, entity); }});
  };
  def("PutUserPolicy", false, EntityKind::User, put_policy);
  def("GetUserPolicy", true, EntityKind::User, get_policy);
  def("DeleteUserPolicy", false, EntityKind::User, delete_policy);
  def("ListUserPolicies", true, EntityKind::User, list_policies);
  def("PutGroupPolicy", false, EntityKind::Group, put_policy);
  def("GetGroupPolicy", true, EntityKind::Group, get_policy);
  def("DeleteGroupPolicy", false, EntityKind::Group, delete_policy);
  def("ListGroupPolicies", true, EntityKind::Group, list_policies);
  def("PutRolePolicy", false, EntityKind::Role, put_policy);
  def("GetRolePolicy", true, EntityKind::Role, get_policy);
  def("DeleteRolePolicy", false, EntityKind::Role, delete_policy);
  def("ListRolePolicies", true, EntityKind::Role, list_policies);
}

}  // namespace citadel::services::iam
