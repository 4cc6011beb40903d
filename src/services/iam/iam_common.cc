#include "services/iam/iam_common.h"

#include "base/crypto.h"
#include "base/uri.h"

namespace citadel::services::iam {

std::string user_arn(const std::string& account, const std::string& path, const std::string& name) {
  return "arn:aws:iam::" + account + ":user" + path + name;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string target_user(const RequestContext& ctx, const json::object& input) {
  if (const auto* v = input.if_contains("UserName"); v && v->is_string()) return std::string(v->as_string());
  return ctx.principal->user_name;
}

std::string target_user(const Call& call) { return target_user(call.ctx, call.input); }

std::string target_user_arn(const RequestContext& ctx, const json::object& input, store::Tx& tx) {
  std::string name = target_user(ctx, input);
  if (name.empty()) return ctx.principal->arn;
  auto u = load_user(tx, ctx.principal->account_id, name);
  return user_arn(ctx.principal->account_id, u ? u->path : "/", u ? u->name : name);
}

AuthzRequest user_authz(std::string action, const RequestContext& ctx, const json::object& input, store::Tx& tx,
                        bool boundary_key) {
  AuthzRequest req{std::move(action), {}, {}};
  const std::string& account = ctx.principal->account_id;
  std::string name = target_user(ctx, input);
  if (name.empty()) {
    req.resources.push_back(ctx.principal->arn);
    return req;
  }
  auto u = load_user(tx, account, name);
  req.resources.push_back(user_arn(account, u ? u->path : "/", u ? u->name : name));
  if (!u) return req;
  if (boundary_key && !u->boundary.empty()) req.condition_keys["iam:PermissionsBoundary"] = u->boundary;
  if (auto tags = tx.query("SELECT tag_key, tag_value FROM iam_user_tags WHERE account_id = ? AND name_lc = ?", {account, lower(u->name)}))
    for (auto& t : *tags) req.condition_keys["aws:ResourceTag/" + t.str(0)] = t.str(1);
  return req;
}

AuthzRequest policy_authz(std::string action, const RequestContext& ctx, const json::object& input, store::Tx& tx) {
  std::string arn = input_str(input, "PolicyArn");
  AuthzRequest req{std::move(action), {arn}, {}};
  if (auto tags = tx.query("SELECT t.tag_key, t.tag_value FROM iam_policies p JOIN iam_policy_tags t ON t.policy_id = p.policy_id "
                           "WHERE p.arn = ? AND p.account_id IN (?, ?)",
                           {arn, ctx.principal->account_id, std::string(kAwsAccount)}))
    for (auto& t : *tags) req.condition_keys["aws:ResourceTag/" + t.str(0)] = t.str(1);
  return req;
}

AwsError no_such_user(const std::string& name) {
  return AwsError::sender("NoSuchEntity", "The user with name " + name + " cannot be found.", 404);
}

Result<UserRow> load_user(store::Tx& tx, const std::string& account, const std::string& name) {
  auto rows = tx.query("SELECT user_name, user_id, path, COALESCE(permissions_boundary, ''), created_ms FROM iam_users "
                       "WHERE account_id = ? AND name_lc = ?",
                       {account, lower(name)});
  if (!rows) return rows.error();
  if (rows->empty()) return no_such_user(name);
  const auto& r = rows->front();
  return UserRow{r.str(0), r.str(1), r.str(2), r.str(3), r.i64(4)};
}

Status check_path(const std::string& path, const char* member) {
  bool ok = !path.empty() && path.size() <= 512 && path.front() == '/' && path.back() == '/';
  for (unsigned char c : path) ok = ok && c >= 0x21 && c <= 0x7e;
  if (!ok)
    return AwsError::validation(std::string("The specified value for ") + member +
                                " is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters.");
  return Ok{};
}

Result<Page> read_page(const Call& call) {
  Page p;
  if (const auto* m = call.input.if_contains("MaxItems"); m && m->is_int64()) p.max_items = m->as_int64();
  if (std::string marker = call.str("Marker"); !marker.empty()) {
    auto raw = crypto::base64_decode(marker);
    if (!raw || raw->rfind("m1:", 0) != 0) return AwsError::sender("InvalidInput", "Invalid Marker.", 400);
    p.after = raw->substr(3);
  }
  return p;
}

std::string make_marker(const std::string& sort_key) { return crypto::base64_encode("m1:" + sort_key); }

Result<json::value> tags_page(const Call& call, const json::array& tags) {
  auto page = read_page(call);
  if (!page) return page.error();
  std::vector<const json::object*> rest;
  for (const auto& t : tags) {
    const auto& o = t.as_object();
    if (page->after.empty() || std::string_view(o.at("Key").as_string()) > page->after) rest.push_back(&o);
  }
  json::object out;
  size_t n = finish_page(*page, rest, [](const json::object* o) { return std::string(o->at("Key").as_string()); }, out);
  json::array kept;
  for (size_t i = 0; i < n; ++i) kept.push_back(*rest[i]);
  out["Tags"] = std::move(kept);
  return out;
}

std::string policy_arn(const std::string& account, const std::string& path, const std::string& name) {
  return "arn:aws:iam::" + account + ":policy" + path + name;
}

std::string group_arn(const std::string& account, const std::string& path, const std::string& name) {
  return "arn:aws:iam::" + account + ":group" + path + name;
}

std::string version_id(int64_t version) { return "v" + std::to_string(version); }

int64_t parse_version_id(std::string_view id) {
  if (id.size() < 2 || id.size() > 10 || id[0] != 'v' || id[1] == '0') return 0;
  int64_t n = 0;
  for (char c : id.substr(1)) {
    if (c < '0' || c > '9') return 0;
    n = n * 10 + (c - '0');
  }
  return n;
}

PolicyRow read_policy(const store::Row& r, size_t i) {
  return PolicyRow{r.str(i),      r.str(i + 1),     r.str(i + 2),     r.str(i + 3),     r.str(i + 4),
                   r.str(i + 5),  r.i64(i + 6),     r.i64(i + 7),     r.i64(i + 8),     r.i64(i + 9)};
}

namespace {

// A policy ARN is arn:aws:iam::ACCOUNT:policy/PATH/NAME.
bool is_policy_arn(const std::string& arn) {
  if (arn.rfind("arn:aws:iam::", 0) != 0) return false;
  auto colon = arn.find(':', 13);
  return colon != std::string::npos && arn.compare(colon + 1, 7, "policy/") == 0 && arn.size() > colon + 8;
}

Result<std::optional<PolicyRow>> find_policy(store::Tx& tx, const std::string& account, const std::string& arn) {
  if (!is_policy_arn(arn)) return AwsError::sender("InvalidInput", "ARN " + arn + " is not valid.", 400);
  auto rows = tx.query(std::string("SELECT ") + kPolicyColumns + " FROM iam_policies p WHERE p.arn = ? AND p.account_id IN (?, ?)",
                       {arn, account, std::string(kAwsAccount)});
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<PolicyRow>();
  return std::optional<PolicyRow>(read_policy(rows->front()));
}

}  // namespace

Result<PolicyRow> load_policy(store::Tx& tx, const std::string& account, const std::string& arn) {
  auto p = find_policy(tx, account, arn);
  if (!p) return p.error();
  if (!*p) return AwsError::sender("NoSuchEntity", "Policy " + arn + " was not found.", 404);
  return std::move(**p);
}

Result<PolicyRow> load_attachable_policy(store::Tx& tx, const std::string& account, const std::string& arn) {
  auto p = find_policy(tx, account, arn);
  if (!p) return p.error();
  if (!*p) return AwsError::sender("NoSuchEntity", "Policy " + arn + " does not exist or is not attachable.", 404);
  return std::move(**p);
}

Status check_customer_managed(const PolicyRow& p) {
  if (p.aws_managed())
    return AwsError::sender("InvalidInput", "Policy " + p.arn + " is an AWS managed policy and cannot be modified.", 400);
  return Ok{};
}

Result<std::string> default_document(store::Tx& tx, const PolicyRow& p) {
  auto rows = tx.query("SELECT document FROM iam_policy_versions WHERE policy_id = ? AND version = ?",
                       {p.policy_id, p.default_version});
  if (!rows) return rows.error();
  if (rows->empty()) return AwsError::internal("policy " + p.arn + " has no default version");
  return rows->front().str(0);
}

Result<int64_t> attachment_count(store::Tx& tx, const std::string& account, const std::string& policy_id) {
  auto n = tx.query("SELECT COUNT(*) FROM iam_policy_attachments WHERE policy_id = ? AND account_id = ?", {policy_id, account});
  if (!n) return n.error();
  return n->front().i64(0);
}

Result<int64_t> boundary_usage_count(store::Tx& tx, const std::string& account, const std::string& arn) {
  auto n = tx.query("SELECT (SELECT COUNT(*) FROM iam_users WHERE account_id = ? AND permissions_boundary = ?) + "
                    "(SELECT COUNT(*) FROM iam_roles WHERE account_id = ? AND permissions_boundary = ?)",
                    {account, arn, account, arn});
  if (!n) return n.error();
  return n->front().i64(0);
}

AwsError no_such_group(const std::string& name) {
  return AwsError::sender("NoSuchEntity", "The group with name " + name + " cannot be found.", 404);
}

Result<GroupRow> load_group(store::Tx& tx, const std::string& account, const std::string& name) {
  auto rows = tx.query("SELECT group_name, group_id, path, created_ms FROM iam_groups WHERE account_id = ? AND name_lc = ?",
                       {account, lower(name)});
  if (!rows) return rows.error();
  if (rows->empty()) return no_such_group(name);
  const auto& r = rows->front();
  return GroupRow{r.str(0), r.str(1), r.str(2), r.i64(3)};
}

json::object group_json(const std::string& account, const GroupRow& g) {
  return json::object{{"Path", g.path},
                      {"GroupName", g.name},
                      {"GroupId", g.group_id},
                      {"Arn", group_arn(account, g.path, g.name)},
                      {"CreateDate", g.created_ms}};
}

std::string target_group_arn(const RequestContext& ctx, const json::object& input, store::Tx& tx) {
  std::string name = input_str(input, "GroupName");
  auto g = load_group(tx, ctx.principal->account_id, name);
  return group_arn(ctx.principal->account_id, g ? g->path : "/", g ? g->name : name);
}

Status check_document(std::string_view document, policy::PolicyKind kind) {
  auto parsed = policy::parse(document, kind);
  if (!parsed) {
    const auto& e = parsed.error();
    return AwsError::sender(e.code, e.message, e.http_status);
  }
  return Ok{};
}

std::string encode_document(std::string_view document) { return uri::encode(document); }

Result<json::array> read_tags(store::Tx& tx, const char* table, const char* id_column, const std::string& id) {
  auto rows = tx.query(std::string("SELECT tag_key, tag_value FROM ") + table + " WHERE " + id_column + " = ? ORDER BY tag_key", {id});
  if (!rows) return rows.error();
  json::array tags;
  for (auto& r : *rows) tags.push_back(json::object{{"Key", r.str(0)}, {"Value", r.str(1)}});
  return tags;
}

Status put_tags(store::Tx& tx, const char* table, const char* id_column, const std::string& id, const json::value* tags,
                const char* entity_word) {
  if (!tags || !tags->is_array()) return Ok{};
  const std::string where = std::string(" WHERE ") + id_column + " = ?";
  for (auto& t : tags->as_array()) {
    const auto& o = t.as_object();
    std::string key(o.at("Key").as_string());
    std::string value = o.contains("Value") ? std::string(o.at("Value").as_string()) : "";
    if (lower(key).rfind("aws:", 0) == 0)
      return AwsError::sender("InvalidInput", std::string(entity_word) + " tags cannot start with the reserved prefix \"aws:\".", 400);
    auto del = tx.exec(std::string("DELETE FROM ") + table + where + " AND lower(tag_key) = ?", {id, lower(key)});
    if (!del) return del.error();
    auto ins = tx.exec(std::string("INSERT INTO ") + table + " (" + id_column + ", tag_key, tag_value) VALUES (?, ?, ?)", {id, key, value});
    if (!ins) return ins.error();
  }
  auto n = tx.query(std::string("SELECT COUNT(*) FROM ") + table + where, {id});
  if (!n) return n.error();
  if (static_cast<size_t>(n->front().i64(0)) > kMaxTags)
    return AwsError::sender("LimitExceeded", "The number of tags has reached the maximum limit.", 409);
  return Ok{};
}

Status remove_tags(store::Tx& tx, const char* table, const char* id_column, const std::string& id, const json::value* keys) {
  if (!keys || !keys->is_array()) return Ok{};
  for (auto& k : keys->as_array()) {
    auto del = tx.exec(std::string("DELETE FROM ") + table + " WHERE " + id_column + " = ? AND lower(tag_key) = ?",
                       {id, lower(k.as_string())});
    if (!del) return del.error();
  }
  return Ok{};
}

std::string role_arn(const std::string& account, const std::string& path, const std::string& name) {
  return "arn:aws:iam::" + account + ":role" + path + name;
}

RoleRow read_role(const store::Row& r, size_t i) {
  RoleRow role{r.str(i),     r.str(i + 1), r.str(i + 2), r.str(i + 3), r.str(i + 4), r.str(i + 5), r.str(i + 6),
               r.i64(i + 7), r.i64(i + 8), std::nullopt, r.str(i + 10)};
  if (!r.is_null(i + 9)) role.last_used_ms = r.i64(i + 9);
  return role;
}

AwsError no_such_role(const std::string& name) {
  return AwsError::sender("NoSuchEntity", "The role with name " + name + " cannot be found.", 404);
}

Result<RoleRow> load_role(store::Tx& tx, const std::string& account, const std::string& name) {
  auto rows = tx.query(std::string("SELECT ") + kRoleColumns + " FROM iam_roles r WHERE r.account_id = ? AND r.name_lc = ?",
                       {account, lower(name)});
  if (!rows) return rows.error();
  if (rows->empty()) return no_such_role(name);
  return read_role(rows->front());
}

AuthzRequest role_authz(std::string action, const RequestContext& ctx, const json::object& input, store::Tx& tx,
                        bool boundary_key) {
  AuthzRequest req{std::move(action), {}, {}};
  const std::string& account = ctx.principal->account_id;
  std::string name = input_str(input, "RoleName");
  auto role = load_role(tx, account, name);
  req.resources.push_back(role ? role->arn : role_arn(account, "/", name));
  if (!role) return req;
  if (boundary_key && !role->boundary.empty()) req.condition_keys["iam:PermissionsBoundary"] = role->boundary;
  if (auto tags = tx.query("SELECT tag_key, tag_value FROM iam_role_tags WHERE role_id = ?", {role->role_id}))
    for (auto& t : *tags) req.condition_keys["aws:ResourceTag/" + t.str(0)] = t.str(1);
  return req;
}

const char* entity_type(EntityKind kind) {
  switch (kind) {
    case EntityKind::User: return "User";
    case EntityKind::Group: return "Group";
    case EntityKind::Role: return "Role";
  }
  return "";
}

const char* name_member(EntityKind kind) {
  switch (kind) {
    case EntityKind::User: return "UserName";
    case EntityKind::Group: return "GroupName";
    case EntityKind::Role: return "RoleName";
  }
  return "";
}

Result<Entity> load_entity(Call& call, EntityKind kind) {
  std::string name = call.str(name_member(kind));
  switch (kind) {
    case EntityKind::User: {
      auto u = load_user(call.tx, call.account(), name);
      if (!u) return u.error();
      return Entity{kind, u->user_id, u->name};
    }
    case EntityKind::Group: {
      auto g = load_group(call.tx, call.account(), name);
      if (!g) return g.error();
      return Entity{kind, g->group_id, g->name};
    }
    case EntityKind::Role: {
      auto r = load_role(call.tx, call.account(), name);
      if (!r) return r.error();
      return Entity{kind, r->role_id, r->name};
    }
  }
  return AwsError::internal("unknown entity kind");
}

AuthzRequest entity_authz(EntityKind kind, std::string action, const RequestContext& ctx, const json::object& input,
                          store::Tx& tx, bool boundary_key) {
  switch (kind) {
    case EntityKind::User: return user_authz(std::move(action), ctx, input, tx, boundary_key);
    case EntityKind::Role: return role_authz(std::move(action), ctx, input, tx, boundary_key);
    case EntityKind::Group: break;
  }
  return AuthzRequest{std::move(action), {target_group_arn(ctx, input, tx)}, {}};
}

}  // namespace citadel::services::iam
