// Instance profiles: CreateInstanceProfile, GetInstanceProfile, ListInstanceProfiles,
// DeleteInstanceProfile, AddRoleToInstanceProfile, RemoveRoleFromInstanceProfile,
// ListInstanceProfilesForRole, TagInstanceProfile, UntagInstanceProfile, ListInstanceProfileTags.
// An instance profile holds at most one role, as IAM allows.
#include "base/ids.h"
#include "services/iam/iam_common.h"
#include "services/iam/iam_operations.h"

namespace citadel::services::iam {

std::string instance_profile_arn(const std::string& account, const std::string& path, const std::string& name) {
  return "arn:aws:iam::" + account + ":instance-profile" + path + name;
}

namespace {

constexpr int64_t kMaxInstanceProfilesPerAccount = 1000;

struct ProfileRow {
  std::string id, name, path, arn;
  int64_t created_ms = 0;
};
constexpr const char* kProfileColumns = "ip.instance_profile_id, ip.instance_profile_name, ip.path, ip.arn, ip.created_ms";
ProfileRow read_profile(const store::Row& r) { return ProfileRow{r.str(0), r.str(1), r.str(2), r.str(3), r.i64(4)}; }

AwsError no_such_profile(const std::string& name) {
  return AwsError::sender("NoSuchEntity", "Instance Profile " + name + " cannot be found.", 404);
}

Result<ProfileRow> load_profile(store::Tx& tx, const std::string& account, const std::string& name) {
  auto rows = tx.query(std::string("SELECT ") + kProfileColumns +
                           " FROM iam_instance_profiles ip WHERE ip.account_id = ? AND ip.name_lc = ?",
                       {account, lower(name)});
  if (!rows) return rows.error();
  if (rows->empty()) return no_such_profile(name);
  return read_profile(rows->front());
}

// The InstanceProfile structure, with its role (as ListRoles describes roles) and, with `tags`,
// its tags.
Result<json::object> profile_json(store::Tx& tx, const ProfileRow& p, bool tags) {
  json::object o{{"Path", p.path},
                 {"InstanceProfileName", p.name},
                 {"InstanceProfileId", p.id},
                 {"Arn", p.arn},
                 {"CreateDate", p.created_ms}};
  auto roles = tx.query(std::string("SELECT ") + kRoleColumns +
                            " FROM iam_instance_profile_roles ipr JOIN iam_roles r ON r.role_id = ipr.role_id "
                            "WHERE ipr.instance_profile_id = ? ORDER BY r.name_lc",
                        {p.id});
  if (!roles) return roles.error();
  json::array list;
  for (auto& r : *roles) list.push_back(role_json(read_role(r), false));
  o["Roles"] = std::move(list);
  if (tags) {
    auto t = read_tags(tx, "iam_instance_profile_tags", "instance_profile_id", p.id);
    if (!t) return t.error();
    if (!t->empty()) o["Tags"] = std::move(*t);
  }
  return o;
}

Result<json::value> create_instance_profile(Call& call) {
  std::string name = call.str("InstanceProfileName");
  std::string path = call.has("Path") ? call.str("Path") : "/";
  if (auto s = check_path(path, "path"); !s) return s.error();
  auto clash = call.tx.query("SELECT 1 FROM iam_instance_profiles WHERE account_id = ? AND name_lc = ?", {call.account(), lower(name)});
  if (!clash) return clash.error();
  if (!clash->empty()) return AwsError::sender("EntityAlreadyExists", "Instance Profile " + name + " already exists.", 409);
  auto count = call.tx.query("SELECT COUNT(*) FROM iam_instance_profiles WHERE account_id = ?", {call.account()});
  if (!count) return count.error();
  if (count->front().i64(0) >= kMaxInstanceProfilesPerAccount)
    return AwsError::sender("LimitExceeded", "Cannot exceed quota for InstanceProfilesPerAccount: 1000", 409);
  ProfileRow p{ids::unique_id("AIPA", 17), name, path, instance_profile_arn(call.account(), path, name), call.ctx.now_ms};
  auto ins = call.tx.exec("INSERT INTO iam_instance_profiles (instance_profile_id, account_id, name_lc, instance_profile_name, path, "
                          "arn, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?)",
                          {p.id, call.account(), lower(name), name, path, p.arn, p.created_ms});
  if (!ins) return ins.error();
  if (auto s = put_tags(call.tx, "iam_instance_profile_tags", "instance_profile_id", p.id, call.input.if_contains("Tags"),
                        "Instance profile");
      !s)
    return s.error();
  auto o = profile_json(call.tx, p, true);
  if (!o) return o.error();
  return json::object{{"InstanceProfile", std::move(*o)}};
}

Result<json::value> get_instance_profile(Call& call) {
  auto p = load_profile(call.tx, call.account(), call.str("InstanceProfileName"));
  if (!p) return p.error();
  auto o = profile_json(call.tx, *p, true);
  if (!o) return o.error();
  return json::object{{"InstanceProfile", std::move(*o)}};
}

// One page of instance profiles, `where` narrowing them (parameters after the account's).
Result<json::value> profiles_page(Call& call, const std::string& where, std::vector<store::Value> params) {
  auto page = read_page(call);
  if (!page) return page.error();
  std::vector<store::Value> all{call.account()};
  for (auto& v : params) all.push_back(std::move(v));
  all.push_back(page->after);
  all.push_back(page->max_items + 1);
  auto rows = call.tx.query_v(std::string("SELECT ") + kProfileColumns + ", ip.name_lc FROM iam_instance_profiles ip " +
                                  "WHERE ip.account_id = ? AND " + where + " AND ip.name_lc > ? ORDER BY ip.name_lc LIMIT ?",
                              all);
  if (!rows) return rows.error();
  json::object out;
  size_t n = finish_page(*page, *rows, [](const store::Row& r) { return r.str(5); }, out);
  json::array list;
  for (size_t i = 0; i < n; ++i) {
    auto o = profile_json(call.tx, read_profile((*rows)[i]), false);
    if (!o) return o.error();
    list.push_back(std::move(*o));
  }
  out["InstanceProfiles"] = std::move(list);
  return out;
}

Result<json::value> list_instance_profiles(Call& call) {
  std::string prefix = call.has("PathPrefix") ? call.str("PathPrefix") : "/";
  return profiles_page(call, "substr(ip.path, 1, length(?)) = ?", {prefix, prefix});
}

Result<json::value> list_instance_profiles_for_role(Call& call) {
  auto r = load_role(call.tx, call.account(), call.str("RoleName"));
  if (!r) return r.error();
  return profiles_page(call,
                       "ip.instance_profile_id IN (SELECT instance_profile_id FROM iam_instance_profile_roles WHERE role_id = ?)",
                       {r->role_id});
}

Result<json::value> delete_instance_profile(Call& call) {
  auto p = load_profile(call.tx, call.account(), call.str("InstanceProfileName"));
  if (!p) return p.error();
  auto roles = call.tx.query("SELECT COUNT(*) FROM iam_instance_profile_roles WHERE instance_profile_id = ?", {p->id});
  if (!roles) return roles.error();
  if (roles->front().i64(0) > 0)
    return AwsError::sender("DeleteConflict", "Cannot delete entity, must remove roles from instance profile first.", 409);
  auto del = call.tx.exec("DELETE FROM iam_instance_profiles WHERE instance_profile_id = ?", {p->id});
  if (!del) return del.error();
  return json::object{};
}

Result<json::value> add_role_to_instance_profile(Call& call) {
  auto p = load_profile(call.tx, call.account(), call.str("InstanceProfileName"));
  if (!p) return p.error();
  auto r = load_role(call.tx, call.account(), call.str("RoleName"));
  if (!r) return r.error();
  auto roles = call.tx.query("SELECT COUNT(*) FROM iam_instance_profile_roles WHERE instance_profile_id = ?", {p->id});
  if (!roles) return roles.error();
  if (roles->front().i64(0) > 0)
    return AwsError::sender("LimitExceeded", "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1", 409);
  auto ins = call.tx.exec("INSERT INTO iam_instance_profile_roles (instance_profile_id, role_id) VALUES (?, ?)", {p->id, r->role_id});
  if (!ins) return ins.error();
  return json::object{};
}

Result<json::value> remove_role_from_instance_profile(Call& call) {
  auto p = load_profile(call.tx, call.account(), call.str("InstanceProfileName"));
  if (!p) return p.error();
  std::string role_name = call.str("RoleName");
  auto r = load_role(call.tx, call.account(), role_name);
  if (!r) return r.error();
  auto del = call.tx.exec("DELETE FROM iam_instance_profile_roles WHERE instance_profile_id = ? AND role_id = ?", {p->id, r->role_id});
  if (!del) return del.error();
  if (*del == 0) return no_such_role(role_name);
  return json::object{};
}

Result<json::value> tag_instance_profile(Call& call) {
  auto p = load_profile(call.tx, call.account(), call.str("InstanceProfileName"));
  if (!p) return p.error();
  if (auto s = put_tags(call.tx, "iam_instance_profile_tags", "instance_profile_id", p->id, call.input.if_contains("Tags"),
                        "Instance profile");
      !s)
    return s.error();
  return json::object{};
}

Result<json::value> untag_instance_profile(Call& call) {
  auto p = load_profile(call.tx, call.account(), call.str("InstanceProfileName"));
  if (!p) return p.error();
  if (auto s = remove_tags(call.tx, "iam_instance_profile_tags", "instance_profile_id", p->id, call.input.if_contains("TagKeys")); !s)
    return s.error();
  return json::object{};
}

Result<json::value> list_instance_profile_tags(Call& call) {
  auto p = load_profile(call.tx, call.account(), call.str("InstanceProfileName"));
  if (!p) return p.error();
  auto tags = read_tags(call.tx, "iam_instance_profile_tags", "instance_profile_id", p->id);
  if (!tags) return tags.error();
  return tags_page(call, *tags);
}

// What authorizes an operation on instance profile InstanceProfileName: its ARN (stored path, or
// "/"), its tags as aws:ResourceTag/KEY, and the tags a Tag/Untag call sets or removes.
AuthzRequest profile_authz(std::string action, const RequestContext& ctx, const json::object& input, store::Tx& tx) {
  const std::string& account = ctx.principal->account_id;
  std::string name = input_str(input, "InstanceProfileName");
  auto p = load_profile(tx, account, name);
  AuthzRequest req{std::move(action), {p ? p->arn : instance_profile_arn(account, "/", name)}, {}};
  if (p)
    if (auto tags = tx.query("SELECT tag_key, tag_value FROM iam_instance_profile_tags WHERE instance_profile_id = ?", {p->id}))
      for (auto& t : *tags) req.condition_keys["aws:ResourceTag/" + t.str(0)] = t.str(1);
  for (auto& [k, v] : tag_condition_keys(input, "Tags")) req.condition_keys[k] = v;
  for (auto& [k, v] : tag_condition_keys(input, "TagKeys")) req.condition_keys[k] = v;
  return req;
}

}  // namespace

Result<json::array> instance_profiles_of_role(store::Tx& tx, const std::string& account, const std::string& role_id) {
  auto rows = tx.query(std::string("SELECT ") + kProfileColumns +
                           " FROM iam_instance_profile_roles ipr JOIN iam_instance_profiles ip "
                           "ON ip.instance_profile_id = ipr.instance_profile_id WHERE ipr.role_id = ? AND ip.account_id = ? "
                           "ORDER BY ip.name_lc",
                       {role_id, account});
  if (!rows) return rows.error();
  json::array out;
  for (auto& r : *rows) {
    auto o = profile_json(tx, read_profile(r), false);
    if (!o) return o.error();
    out.push_back(std::move(*o));
  }
  return out;
}

void add_instance_profile_operations(std::vector<OperationDef>& ops) {
  auto def = [&](const char* name, bool ro, Handler h) {
    ops.push_back(OperationDef{name, ro, false,
                               [name](const RequestContext& c, const json::object& i, store::Tx& tx) {
                                 return profile_authz(std::string("iam:") + name, c, i, tx);
                               },
                               std::move(h)});
  };
  ops.push_back(OperationDef{"CreateInstanceProfile", false, false,
                             [](const RequestContext& c, const json::object& i, store::Tx&) {
                               std::string path = i.contains("Path") ? input_str(i, "Path") : "/";
                               return AuthzRequest{"iam:CreateInstanceProfile",
                                                   {instance_profile_arn(c.principal->account_id, path, input_str(i, "InstanceProfileName"))},
                                                   tag_condition_keys(i, "Tags")};
                             },
                             create_instance_profile});
  def("GetInstanceProfile", true, get_instance_profile);
  ops.push_back(OperationDef{"ListInstanceProfiles", true, false,
                             [](const RequestContext& c, const json::object&, store::Tx&) {
                               return AuthzRequest{"iam:ListInstanceProfiles",
                                                   {"arn:aws:iam::" + c.principal->account_id + ":instance-profile/*"}, {}};
                             },
                             list_instance_profiles});
  def("DeleteInstanceProfile", false, delete_instance_profile);
  def("AddRoleToInstanceProfile", false, add_role_to_instance_profile);
  def("RemoveRoleFromInstanceProfile", false, remove_role_from_instance_profile);
  def("TagInstanceProfile", false, tag_instance_profile);
  def("UntagInstanceProfile", false, untag_instance_profile);
  def("ListInstanceProfileTags", true, list_instance_profile_tags);
  ops.push_back(OperationDef{"ListInstanceProfilesForRole", true, false,
                             [](const RequestContext& c, const json::object& i, store::Tx& tx) {
                               return role_authz("iam:ListInstanceProfilesForRole", c, i, tx);
                             },
                             list_instance_profiles_for_role});
}

}  // namespace citadel::services::iam
