#include "services/iam/iam_common.h"

#include "base/crypto.h"

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

}  // namespace citadel::services::iam
