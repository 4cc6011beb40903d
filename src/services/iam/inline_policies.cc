// Inline policies of users and groups: Put/Get/Delete/List UserPolicy and GroupPolicy.
// Stored by the entity's unique id; the documents are checked with the quotas of their kind, and
// the aggregate size of an entity's inline policies is held to the same quota, as IAM does.
#include "services/iam/iam_common.h"
#include "services/iam/iam_operations.h"

namespace citadel::services::iam {

namespace {

// Who the inline policy belongs to.
struct Owner {
  std::string entity_id;  // AIDA... / AGPA...
  std::string name;       // the stored name, as AWS echoes it
  const char* kind_word;  // "user" / "group"
  policy::PolicyKind kind;
};

Result<Owner> resolve_owner(Call& call, bool group) {
  if (group) {
    auto g = load_group(call.tx, call.account(), call.str("GroupName"));
    if (!g) return g.error();
    return Owner{g->group_id, g->name, "group", policy::PolicyKind::InlineGroup};
  }
  auto u = load_user(call.tx, call.account(), call.str("UserName"));
  if (!u) return u.error();
  return Owner{u->user_id, u->name, "user", policy::PolicyKind::InlineUser};
}

AwsError no_such_policy(const Owner& o, const std::string& name) {
  return AwsError::sender("NoSuchEntity", std::string("The ") + o.kind_word + " policy with name " + name + " cannot be found.", 404);
}

Result<json::value> put_policy(Call& call, bool group) {
  auto owner = resolve_owner(call, group);
  if (!owner) return owner.error();
  std::string name = call.str("PolicyName");
  std::string document = call.str("PolicyDocument");
  if (auto s = check_document(document, owner->kind); !s) return s.error();
  auto others = call.tx.query("SELECT document FROM iam_inline_policies WHERE entity_id = ? AND policy_name <> ?",
                              {owner->entity_id, name});
  if (!others) return others.error();
  size_t total = policy::counted_size(document, owner->kind);
  for (auto& r : *others) total += policy::counted_size(r.str(0), owner->kind);
  size_t quota = policy::size_quota(owner->kind);
  if (total > quota)
    return AwsError::sender("LimitExceeded", "Maximum policy size of " + std::to_string(quota) + " bytes exceeded for " +
                                                 owner->kind_word + " " + owner->name,
                            409);
  auto del = call.tx.exec("DELETE FROM iam_inline_policies WHERE entity_id = ? AND policy_name = ?", {owner->entity_id, name});
  if (!del) return del.error();
  auto ins = call.tx.exec("INSERT INTO iam_inline_policies (entity_id, policy_name, document) VALUES (?, ?, ?)",
                          {owner->entity_id, name, document});
  if (!ins) return ins.error();
  return json::object{};
}

Result<json::value> get_policy(Call& call, bool group) {
  auto owner = resolve_owner(call, group);
  if (!owner) return owner.error();
  std::string name = call.str("PolicyName");
  auto rows = call.tx.query("SELECT policy_name, document FROM iam_inline_policies WHERE entity_id = ? AND policy_name = ?",
                            {owner->entity_id, name});
  if (!rows) return rows.error();
  if (rows->empty()) return no_such_policy(*owner, name);
  return json::object{{group ? "GroupName" : "UserName", owner->name},
                      {"PolicyName", rows->front().str(0)},
                      {"PolicyDocument", encode_document(rows->front().str(1))}};
}

Result<json::value> delete_policy(Call& call, bool group) {
  auto owner = resolve_owner(call, group);
  if (!owner) return owner.error();
  std::string name = call.str("PolicyName");
  auto del = call.tx.exec("DELETE FROM iam_inline_policies WHERE entity_id = ? AND policy_name = ?", {owner->entity_id, name});
  if (!del) return del.error();
  if (*del == 0) return no_such_policy(*owner, name);
  return json::object{};
}

Result<json::value> list_policies(Call& call, bool group) {
  auto owner = resolve_owner(call, group);
  if (!owner) return owner.error();
  auto page = read_page(call);
  if (!page) return page.error();
  auto rows = call.tx.query("SELECT policy_name FROM iam_inline_policies WHERE entity_id = ? AND policy_name > ? "
                            "ORDER BY policy_name LIMIT ?",
                            {owner->entity_id, page->after, page->max_items + 1});
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
  using Fn = Result<json::value> (*)(Call&, bool);
  auto def = [&](const char* name, bool ro, bool group, Fn fn) {
    ops.push_back(OperationDef{name, ro, false,
                               [name, group, ro](const RequestContext& c, const json::object& i, store::Tx& tx) {
                                 std::string action = std::string("iam:") + name;
                                 if (group) return AuthzRequest{action, {target_group_arn(c, i, tx)}, {}};
                                 // Put/DeleteUserPolicy carry the user's boundary (iam:PermissionsBoundary).
                                 return user_authz(action, c, i, tx, !ro);
                               },
                               [fn, group](Call& call) { return fn(call, group); }});
  };
  def("PutUserPolicy", false, false, put_policy);
  def("GetUserPolicy", true, false, get_policy);
  def("DeleteUserPolicy", false, false, delete_policy);
  def("ListUserPolicies", true, false, list_policies);
  def("PutGroupPolicy", false, true, put_policy);
  def("GetGroupPolicy", true, true, get_policy);
  def("DeleteGroupPolicy", false, true, delete_policy);
  def("ListGroupPolicies", true, true, list_policies);
}

}  // namespace citadel::services::iam
