// IAM users: CreateUser (with a permissions boundary), GetUser, ListUsers, UpdateUser, DeleteUser, TagUser,
// UntagUser, ListUserTags.
#include "base/ids.h"
#include "services/iam/iam_common.h"
#include "services/iam/iam_operations.h"

namespace citadel::services::iam {

namespace {

json::object user_json(const std::string& account, const UserRow& u) {
  json::object o{{"Path", u.path},
                 {"UserName", u.name},
                 {"UserId", u.user_id},
                 {"Arn", user_arn(account, u.path, u.name)},
                 {"CreateDate", u.created_ms}};
  if (!u.boundary.empty())
    o["PermissionsBoundary"] = json::object{{"PermissionsBoundaryType", "Policy"}, {"PermissionsBoundaryArn", u.boundary}};
  return o;
}

Result<json::array> user_tags(store::Tx& tx, const std::string& account, const std::string& name_lc) {
  auto rows = tx.query("SELECT tag_key, tag_value FROM iam_user_tags WHERE account_id = ? AND name_lc = ? ORDER BY tag_key",
                       {account, name_lc});
  if (!rows) return rows.error();
  json::array tags;
  for (auto& r : *rows) tags.push_back(json::object{{"Key", r.str(0)}, {"Value", r.str(1)}});
  return tags;
}

// Adds or replaces tags, keeping IAM's limit of 50 per entity. Tag keys are case-insensitive
// for uniqueness in IAM, but keep the case they were given.
Status put_tags(Call& call, const std::string& name_lc, const json::value* tags) {
  if (!tags || !tags->is_array()) return Ok{};
  for (auto& t : tags->as_array()) {
    const auto& o = t.as_object();
    std::string key(o.at("Key").as_string());
    std::string value = o.contains("Value") ? std::string(o.at("Value").as_string()) : "";
    if (key.rfind("aws:", 0) == 0)
      return AwsError::sender("InvalidInput", "User tags cannot start with the reserved prefix \"aws:\".", 400);
    auto del = call.tx.exec("DELETE FROM iam_user_tags WHERE account_id = ? AND name_lc = ? AND lower(tag_key) = ?",
                            {call.account(), name_lc, lower(key)});
    if (!del) return del.error();
    auto ins = call.tx.exec("INSERT INTO iam_user_tags (account_id, name_lc, tag_key, tag_value) VALUES (?, ?, ?, ?)",
                            {call.account(), name_lc, key, value});
    if (!ins) return ins.error();
  }
  auto n = call.tx.query("SELECT COUNT(*) FROM iam_user_tags WHERE account_id = ? AND name_lc = ?", {call.account(), name_lc});
  if (!n) return n.error();
  if (static_cast<size_t>(n->front().i64(0)) > kMaxTags)
    return AwsError::sender("LimitExceeded", "The number of tags has reached the maximum limit.", 409);
  return Ok{};
}

Result<json::value> create_user(Call& call) {
  std::string name = call.str("UserName");
  std::string path = call.has("Path") ? call.str("Path") : "/";
  if (auto s = check_path(path, "path"); !s) return s.error();
  auto existing = call.tx.query("SELECT 1 FROM iam_users WHERE account_id = ? AND name_lc = ?", {call.account(), lower(name)});
  if (!existing) return existing.error();
  if (!existing->empty())
    return AwsError::sender("EntityAlreadyExists", "User with name " + name + " already exists.", 409);
  UserRow u{name, ids::unique_id("AIDA", 17), path, call.str("PermissionsBoundary"), call.ctx.now_ms};
  if (!u.boundary.empty()) {
    auto boundary = load_attachable_policy(call.tx, call.account(), u.boundary);
    if (!boundary) return boundary.error();
  }
  auto ins = call.tx.exec("INSERT INTO iam_users (account_id, name_lc, user_name, user_id, path, created_ms, permissions_boundary) "
                          "VALUES (?, ?, ?, ?, ?, ?, NULLIF(?, ''))",
                          {call.account(), lower(name), name, u.user_id, path, u.created_ms, u.boundary});
  if (!ins) return ins.error();
  if (auto s = put_tags(call, lower(name), call.input.if_contains("Tags")); !s) return s.error();
  json::object user = user_json(call.account(), u);
  auto tags = user_tags(call.tx, call.account(), lower(name));
  if (!tags) return tags.error();
  if (!tags->empty()) user["Tags"] = std::move(*tags);
  return json::object{{"User", std::move(user)}};
}

Result<json::value> get_user(Call& call) {
  std::string name = target_user(call);
  if (name.empty()) {
    // The root user: IAM answers with the account's identity and no user name or path.
    auto acct = call.tx.query("SELECT created_ms FROM accounts WHERE account_id = ?", {call.account()});
    if (!acct) return acct.error();
    int64_t created = acct->empty() ? 0 : acct->front().i64(0);
    return json::object{{"User", json::object{{"UserId", call.account()},
                                              {"Arn", call.ctx.principal->arn},
                                              {"CreateDate", created}}}};
  }
  auto u = load_user(call.tx, call.account(), name);
  if (!u) return u.error();
  json::object user = user_json(call.account(), *u);
  auto tags = user_tags(call.tx, call.account(), lower(u->name));
  if (!tags) return tags.error();
  if (!tags->empty()) user["Tags"] = std::move(*tags);
  return json::object{{"User", std::move(user)}};
}

Result<json::value> list_users(Call& call) {
  auto page = read_page(call);
  if (!page) return page.error();
  std::string prefix = call.has("PathPrefix") ? call.str("PathPrefix") : "/";
  auto rows = call.tx.query(
      "SELECT user_name, user_id, path, COALESCE(permissions_boundary, ''), created_ms, name_lc FROM iam_users "
      "WHERE account_id = ? AND substr(path, 1, length(?)) = ? AND name_lc > ? ORDER BY name_lc LIMIT ?",
      {call.account(), prefix, prefix, page->after, page->max_items + 1});
  if (!rows) return rows.error();
  json::array users;
  json::object out;
  for (size_t i = 0; i < rows->size(); ++i) {
    const auto& r = (*rows)[i];
    if (static_cast<int64_t>(i) == page->max_items) {
      out["Marker"] = make_marker((*rows)[i - 1].str(5));
      break;
    }
    // ListUsers leaves out tags and boundaries, as IAM does.
    users.push_back(user_json(call.account(), UserRow{r.str(0), r.str(1), r.str(2), "", r.i64(4)}));
  }
  out["IsTruncated"] = out.contains("Marker");
  out["Users"] = std::move(users);
  return out;
}

Result<json::value> update_user(Call& call) {
  std::string name = call.str("UserName");
  auto u = load_user(call.tx, call.account(), name);
  if (!u) return u.error();
  std::string new_name = call.has("NewUserName") ? call.str("NewUserName") : u->name;
  std::string new_path = call.has("NewPath") ? call.str("NewPath") : u->path;
  if (auto s = check_path(new_path, "newPath"); !s) return s.error();
  if (lower(new_name) != lower(u->name)) {
    auto clash = call.tx.query("SELECT 1 FROM iam_users WHERE account_id = ? AND name_lc = ?", {call.account(), lower(new_name)});
    if (!clash) return clash.error();
    if (!clash->empty())
      return AwsError::sender("EntityAlreadyExists", "User with name " + new_name + " already exists.", 409);
  }
  auto up = call.tx.exec("UPDATE iam_users SET user_name = ?, name_lc = ?, path = ? WHERE account_id = ? AND name_lc = ?",
                         {new_name, lower(new_name), new_path, call.account(), lower(u->name)});
  if (!up) return up.error();
  auto keys = call.tx.query("SELECT access_key_id FROM access_keys WHERE account_id = ? AND user_name_lc = ?",
                            {call.account(), lower(u->name)});
  if (!keys) return keys.error();
  auto mv = call.tx.exec("UPDATE access_keys SET user_name_lc = ? WHERE account_id = ? AND user_name_lc = ?",
                         {lower(new_name), call.account(), lower(u->name)});
  if (!mv) return mv.error();
  for (auto& k : *keys) {
    std::string id = k.str(0);
    call.after_commit.push_back([creds = call.env.credentials, id] { creds->invalidate(id); });
  }
  return json::object{};
}

Result<json::value> delete_user(Call& call) {
  std::string name = call.str("UserName");
  auto u = load_user(call.tx, call.account(), name);
  if (!u) return u.error();
  auto keys = call.tx.query("SELECT COUNT(*) FROM access_keys WHERE account_id = ? AND user_name_lc = ?",
                            {call.account(), lower(u->name)});
  if (!keys) return keys.error();
  if (keys->front().i64(0) > 0)
    return AwsError::sender("DeleteConflict", "Cannot delete entity, must delete access keys first.", 409);
  auto uses = call.tx.query("SELECT (SELECT COUNT(*) FROM iam_inline_policies WHERE entity_id = ?), "
                            "(SELECT COUNT(*) FROM iam_policy_attachments WHERE entity_id = ?), "
                            "(SELECT COUNT(*) FROM iam_group_members WHERE user_id = ?), "
                            "(SELECT COUNT(*) FROM iam_login_profiles WHERE user_id = ?), "
                            "(SELECT COUNT(*) FROM iam_mfa_devices WHERE user_id = ?)",
                            {u->user_id, u->user_id, u->user_id, u->user_id, u->user_id});
  if (!uses) return uses.error();
  const auto& use = uses->front();
  if (use.i64(0) > 0) return AwsError::sender("DeleteConflict", "Cannot delete entity, must delete policies first.", 409);
  if (use.i64(1) > 0) return AwsError::sender("DeleteConflict", "Cannot delete entity, must detach all policies first.", 409);
  if (use.i64(2) > 0)
    return AwsError::sender("DeleteConflict", "Cannot delete entity, must remove users from group first.", 409);
  if (use.i64(3) > 0) return AwsError::sender("DeleteConflict", "Cannot delete entity, must delete login profile first.", 409);
  if (use.i64(4) > 0) return AwsError::sender("DeleteConflict", "Cannot delete entity, must remove MFA device first.", 409);
  auto del = call.tx.exec("DELETE FROM iam_users WHERE account_id = ? AND name_lc = ?", {call.account(), lower(u->name)});
  if (!del) return del.error();
  return json::object{};
}

Result<json::value> tag_user(Call& call) {
  auto u = load_user(call.tx, call.account(), call.str("UserName"));
  if (!u) return u.error();
  if (auto s = put_tags(call, lower(u->name), call.input.if_contains("Tags")); !s) return s.error();
  return json::object{};
}

Result<json::value> untag_user(Call& call) {
  auto u = load_user(call.tx, call.account(), call.str("UserName"));
  if (!u) return u.error();
  if (const auto* keys = call.input.if_contains("TagKeys"); keys && keys->is_array())
    for (auto& k : keys->as_array()) {
      auto del = call.tx.exec("DELETE FROM iam_user_tags WHERE account_id = ? AND name_lc = ? AND lower(tag_key) = ?",
                              {call.account(), lower(u->name), lower(k.as_string())});
      if (!del) return del.error();
    }
  return json::object{};
}

Result<json::value> list_user_tags(Call& call) {
  auto u = load_user(call.tx, call.account(), call.str("UserName"));
  if (!u) return u.error();
  auto tags = user_tags(call.tx, call.account(), lower(u->name));
  if (!tags) return tags.error();
  return tags_page(call, *tags);
}

AuthzRequest on_user(const char* action, const RequestContext& ctx, const json::object& in, store::Tx& tx) {
  AuthzRequest req = user_authz(std::string("iam:") + action, ctx, in, tx);
  // TagUser and UntagUser also carry the tags they set or remove.
  for (auto& [k, v] : tag_condition_keys(in, "Tags")) req.condition_keys[k] = v;
  for (auto& [k, v] : tag_condition_keys(in, "TagKeys")) req.condition_keys[k] = v;
  return req;
}

}  // namespace

void add_user_operations(std::vector<OperationDef>& ops) {
  auto def = [&](const char* name, bool ro, Handler h) {
    ops.push_back(OperationDef{name, ro, false,
                               [name](const RequestContext& c, const json::object& i, store::Tx& tx) { return on_user(name, c, i, tx); },
                               std::move(h)});
  };
  ops.push_back(OperationDef{"CreateUser", false, false,
                             [](const RequestContext& c, const json::object& i, store::Tx&) {
                               std::string path = i.contains("Path") && i.at("Path").is_string() ? std::string(i.at("Path").as_string()) : "/";
                               std::string name = i.contains("UserName") ? std::string(i.at("UserName").as_string()) : "";
                               AuthzRequest req{"iam:CreateUser", {user_arn(c.principal->account_id, path, name)},
                                                tag_condition_keys(i, "Tags")};
                               if (std::string b = input_str(i, "PermissionsBoundary"); !b.empty())
                                 req.condition_keys["iam:PermissionsBoundary"] = b;
                               return req;
                             },
                             create_user});
  def("GetUser", true, get_user);
  ops.push_back(OperationDef{"ListUsers", true, false,
                             [](const RequestContext& c, const json::object&, store::Tx&) {
                               return AuthzRequest{"iam:ListUsers", {"arn:aws:iam::" + c.principal->account_id + ":user/*"}, {}};
                             },
                             list_users});
  def("UpdateUser", false, update_user);
  def("DeleteUser", false, delete_user);
  def("TagUser", false, tag_user);
  def("UntagUser", false, untag_user);
  def("ListUserTags", true, list_user_tags);
}

}  // namespace citadel::services::iam
