// IAM groups and membership: CreateGroup, GetGroup, ListGroups, UpdateGroup, DeleteGroup,
// AddUserToGroup, RemoveUserFromGroup, ListGroupsForUser.
#include "base/ids.h"
#include "services/iam/iam_common.h"
#include "services/iam/iam_operations.h"

namespace citadel::services::iam {

namespace {

constexpr int64_t kMaxGroupsPerAccount = 300;
constexpr int64_t kMaxGroupsPerUser = 10;

Result<json::value> create_group(Call& call) {
  std::string name = call.str("GroupName");
  std::string path = call.has("Path") ? call.str("Path") : "/";
  if (auto s = check_path(path, "path"); !s) return s.error();
  auto clash = call.tx.query("SELECT 1 FROM iam_groups WHERE account_id = ? AND name_lc = ?", {call.account(), lower(name)});
  if (!clash) return clash.error();
  if (!clash->empty()) return AwsError::sender("EntityAlreadyExists", "Group with name " + name + " already exists.", 409);
  auto count = call.tx.query("SELECT COUNT(*) FROM iam_groups WHERE account_id = ?", {call.account()});
  if (!count) return count.error();
  if (count->front().i64(0) >= kMaxGroupsPerAccount)
    return AwsError::sender("LimitExceeded", "Cannot exceed quota for GroupsPerAccount: 300", 409);
  GroupRow g{name, ids::unique_id("AGPA", 17), path, call.ctx.now_ms};
  auto ins = call.tx.exec("INSERT INTO iam_groups (group_id, account_id, name_lc, group_name, path, created_ms) VALUES (?, ?, ?, ?, ?, ?)",
                          {g.group_id, call.account(), lower(name), name, path, g.created_ms});
  if (!ins) return ins.error();
  return json::object{{"Group", group_json(call.account(), g)}};
}

Result<json::value> get_group(Call& call) {
  auto g = load_group(call.tx, call.account(), call.str("GroupName"));
  if (!g) return g.error();
  auto page = read_page(call);
  if (!page) return page.error();
  auto rows = call.tx.query("SELECT u.user_name, u.user_id, u.path, u.created_ms, u.name_lc FROM iam_group_members m "
                            "JOIN iam_users u ON u.user_id = m.user_id WHERE m.group_id = ? AND u.name_lc > ? "
                            "ORDER BY u.name_lc LIMIT ?",
                            {g->group_id, page->after, page->max_items + 1});
  if (!rows) return rows.error();
  json::object out;
  size_t n = finish_page(*page, *rows, [](const store::Row& r) { return r.str(4); }, out);
  json::array users;
  for (size_t i = 0; i < n; ++i) {
    const auto& r = (*rows)[i];
    users.push_back(json::object{{"Path", r.str(2)},
                                 {"UserName", r.str(0)},
                                 {"UserId", r.str(1)},
                                 {"Arn", user_arn(call.account(), r.str(2), r.str(0))},
                                 {"CreateDate", r.i64(3)}});
  }
  out["Group"] = group_json(call.account(), *g);
  out["Users"] = std::move(users);
  return out;
}

Result<json::value> list_groups(Call& call) {
  auto page = read_page(call);
  if (!page) return page.error();
  std::string prefix = call.has("PathPrefix") ? call.str("PathPrefix") : "/";
  auto rows = call.tx.query("SELECT group_name, group_id, path, created_ms, name_lc FROM iam_groups "
                            "WHERE account_id = ? AND substr(path, 1, length(?)) = ? AND name_lc > ? ORDER BY name_lc LIMIT ?",
                            {call.account(), prefix, prefix, page->after, page->max_items + 1});
  if (!rows) return rows.error();
  json::object out;
  size_t n = finish_page(*page, *rows, [](const store::Row& r) { return r.str(4); }, out);
  json::array groups;
  for (size_t i = 0; i < n; ++i) {
    const auto& r = (*rows)[i];
    groups.push_back(group_json(call.account(), GroupRow{r.str(0), r.str(1), r.str(2), r.i64(3)}));
  }
  out["Groups"] = std::move(groups);
  return out;
}

Result<json::value> update_group(Call& call) {
  auto g = load_group(call.tx, call.account(), call.str("GroupName"));
  if (!g) return g.error();
  std::string new_name = call.has("NewGroupName") ? call.str("NewGroupName") : g->name;
  std::string new_path = call.has("NewPath") ? call.str("NewPath") : g->path;
  if (auto s = check_path(new_path, "newPath"); !s) return s.error();
  if (lower(new_name) != lower(g->name)) {
    auto clash = call.tx.query("SELECT 1 FROM iam_groups WHERE account_id = ? AND name_lc = ?", {call.account(), lower(new_name)});
    if (!clash) return clash.error();
    if (!clash->empty())
      return AwsError::sender("EntityAlreadyExists", "Group with name " + new_name + " already exists.", 409);
  }
  auto up = call.tx.exec("UPDATE iam_groups SET group_name = ?, name_lc = ?, path = ? WHERE group_id = ?",
                         {new_name, lower(new_name), new_path, g->group_id});
  if (!up) return up.error();
  return json::object{};
}

Result<json::value> delete_group(Call& call) {
  auto g = load_group(call.tx, call.account(), call.str("GroupName"));
  if (!g) return g.error();
  auto uses = call.tx.query("SELECT (SELECT COUNT(*) FROM iam_group_members WHERE group_id = ?), "
                            "(SELECT COUNT(*) FROM iam_inline_policies WHERE entity_id = ?), "
                            "(SELECT COUNT(*) FROM iam_policy_attachments WHERE entity_id = ?)",
                            {g->group_id, g->group_id, g->group_id});
  if (!uses) return uses.error();
  const auto& r = uses->front();
  if (r.i64(0) > 0) return AwsError::sender("DeleteConflict", "Cannot delete entity, must remove users from group first.", 409);
  if (r.i64(1) > 0) return AwsError::sender("DeleteConflict", "Cannot delete entity, must delete policies first.", 409);
  if (r.i64(2) > 0) return AwsError::sender("DeleteConflict", "Cannot delete entity, must detach all policies first.", 409);
  auto del = call.tx.exec("DELETE FROM iam_groups WHERE group_id = ?", {g->group_id});
  if (!del) return del.error();
  return json::object{};
}

Result<json::value> add_user_to_group(Call& call) {
  auto g = load_group(call.tx, call.account(), call.str("GroupName"));
  if (!g) return g.error();
  auto u = load_user(call.tx, call.account(), call.str("UserName"));
  if (!u) return u.error();
  auto member = call.tx.query("SELECT 1 FROM iam_group_members WHERE group_id = ? AND user_id = ?", {g->group_id, u->user_id});
  if (!member) return member.error();
  if (!member->empty()) return json::object{};
  auto count = call.tx.query("SELECT COUNT(*) FROM iam_group_members WHERE user_id = ?", {u->user_id});
  if (!count) return count.error();
  if (count->front().i64(0) >= kMaxGroupsPerUser)
    return AwsError::sender("LimitExceeded", "Cannot exceed quota for GroupsPerUser: 10", 409);
  auto ins = call.tx.exec("INSERT INTO iam_group_members (group_id, user_id) VALUES (?, ?)", {g->group_id, u->user_id});
  if (!ins) return ins.error();
  return json::object{};
}

Result<json::value> remove_user_from_group(Call& call) {
  auto g = load_group(call.tx, call.account(), call.str("GroupName"));
  if (!g) return g.error();
  auto u = load_user(call.tx, call.account(), call.str("UserName"));
  if (!u) return u.error();
  auto del = call.tx.exec("DELETE FROM iam_group_members WHERE group_id = ? AND user_id = ?", {g->group_id, u->user_id});
  if (!del) return del.error();
  if (*del == 0) return no_such_user(call.str("UserName"));
  return json::object{};
}

Result<json::value> list_groups_for_user(Call& call) {
  auto u = load_user(call.tx, call.account(), call.str("UserName"));
  if (!u) return u.error();
  auto page = read_page(call);
  if (!page) return page.error();
  auto rows = call.tx.query("SELECT g.group_name, g.group_id, g.path, g.created_ms, g.name_lc FROM iam_group_members m "
                            "JOIN iam_groups g ON g.group_id = m.group_id WHERE m.user_id = ? AND g.name_lc > ? "
                            "ORDER BY g.name_lc LIMIT ?",
                            {u->user_id, page->after, page->max_items + 1});
  if (!rows) return rows.error();
  json::object out;
  size_t n = finish_page(*page, *rows, [](const store::Row& r) { return r.str(4); }, out);
  json::array groups;
  for (size_t i = 0; i < n; ++i) {
    const auto& r = (*rows)[i];
    groups.push_back(group_json(call.account(), GroupRow{r.str(0), r.str(1), r.str(2), r.i64(3)}));
  }
  out["Groups"] = std::move(groups);
  return out;
}

}  // namespace

void add_group_operations(std::vector<OperationDef>& ops) {
  auto def = [&](const char* name, bool ro, Handler h) {
    ops.push_back(OperationDef{name, ro, false,
                               [name](const RequestContext& c, const json::object& i, store::Tx& tx) {
                                 return AuthzRequest{std::string("iam:") + name, {target_group_arn(c, i, tx)}, {}};
                               },
                               std::move(h)});
  };
  ops.push_back(OperationDef{"CreateGroup", false, false,
                             [](const RequestContext& c, const json::object& i, store::Tx&) {
                               std::string path = i.contains("Path") ? input_str(i, "Path") : "/";
                               return AuthzRequest{"iam:CreateGroup",
                                                   {group_arn(c.principal->account_id, path, input_str(i, "GroupName"))}, {}};
                             },
                             create_group});
  def("GetGroup", true, get_group);
  ops.push_back(OperationDef{"ListGroups", true, false,
                             [](const RequestContext& c, const json::object&, store::Tx&) {
                               return AuthzRequest{"iam:ListGroups", {"arn:aws:iam::" + c.principal->account_id + ":group/*"}, {}};
                             },
                             list_groups});
  def("UpdateGroup", false, update_group);
  def("DeleteGroup", false, delete_group);
  def("AddUserToGroup", false, add_user_to_group);
  def("RemoveUserFromGroup", false, remove_user_from_group);
  ops.push_back(OperationDef{"ListGroupsForUser", true, false,
                             [](const RequestContext& c, const json::object& i, store::Tx& tx) {
                               return user_authz("iam:ListGroupsForUser", c, i, tx);
                             },
                             list_groups_for_user});
}

}  // namespace citadel::services::iam
