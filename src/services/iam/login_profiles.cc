// Console passwords: CreateLoginProfile, GetLoginProfile, UpdateLoginProfile, DeleteLoginProfile,
// ChangePassword, and the account password policy (Update/Get/DeleteAccountPasswordPolicy) that
// every password set through them must satisfy. Passwords are kept only as Argon2id hashes.
#include "auth/password.h"
#include "services/iam/iam_common.h"
#include "services/iam/iam_operations.h"
#include "services/iam/password_policy.h"

namespace citadel::services::iam {

namespace {

constexpr int64_t kDayMs = 86400000;

AwsError no_login_profile(const std::string& user) {
  return AwsError::sender("NoSuchEntity", "Login Profile for User " + user + " cannot be found.", 404);
}

bool input_bool(const Call& call, std::string_view member, bool fallback) {
  const auto* v = call.input.if_contains(member);
  return v && v->is_bool() ? v->as_bool() : fallback;
}

// The policy's reuse rule needs the hashes a user had before; the current one counts as the first.
Status check_reuse(store::Tx& tx, const PasswordPolicy& policy, const std::string& user_id, const std::string& password) {
  if (policy.password_reuse_prevention <= 0) return Ok{};
  auto rows = tx.query("SELECT password_hash FROM iam_password_history WHERE user_id = ? ORDER BY changed_ms DESC LIMIT ?",
                       {user_id, policy.password_reuse_prevention});
  if (!rows) return rows.error();
  for (auto& r : *rows)
    if (auth::verify_password(password, r.str(0)))
      return AwsError::sender("PasswordPolicyViolation", "Password should not be one of your last " +
                                                             std::to_string(policy.password_reuse_prevention) + " passwords", 400);
  return Ok{};
}

// Checks `password` against the account's policy and history, then stores its hash as the user's
// current password (and in the history the reuse rule reads).
Status set_password(Call& call, const UserRow& user, const std::string& password, bool reset_required, bool create) {
  auto policy = load_password_policy(call.tx, call.account());
  if (!policy) return policy.error();
  if (auto s = check_password(*policy, password, user.name); !s) return s;
  if (auto s = check_reuse(call.tx, *policy, user.user_id, password); !s) return s;
  auto hash = auth::hash_password(password);
  if (!hash) return AwsError::internal("could not hash the password");
  auto w = create ? call.tx.exec("INSERT INTO iam_login_profiles (user_id, account_id, password_hash, password_reset_required, "
                                 "created_ms, changed_ms) VALUES (?, ?, ?, ?, ?, ?)",
                                 {user.user_id, call.account(), *hash, reset_required ? 1 : 0, call.ctx.now_ms, call.ctx.now_ms})
                  : call.tx.exec("UPDATE iam_login_profiles SET password_hash = ?, password_reset_required = ?, changed_ms = ? "
                                 "WHERE user_id = ?",
                                 {*hash, reset_required ? 1 : 0, call.ctx.now_ms, user.user_id});
  if (!w) return w.error();
  auto h = call.tx.exec("INSERT INTO iam_password_history (user_id, password_hash, changed_ms) VALUES (?, ?, ?)",
                        {user.user_id, *hash, call.ctx.now_ms});
  if (!h) return h.error();
  // Keep only as much history as the strictest reuse rule can ask for (24).
  auto trim = call.tx.exec("DELETE FROM iam_password_history WHERE user_id = ? AND rowid NOT IN (SELECT rowid FROM "
                           "iam_password_history WHERE user_id = ? ORDER BY changed_ms DESC LIMIT 24)",
                           {user.user_id, user.user_id});
  if (!trim) return trim.error();
  return Ok{};
}

struct ProfileRow {
  bool exists = false, reset_required = false;
  int64_t created_ms = 0, changed_ms = 0;
  std::string hash;
};

Result<ProfileRow> load_profile(store::Tx& tx, const std::string& user_id) {
  auto rows = tx.query("SELECT password_reset_required, created_ms, changed_ms, password_hash FROM iam_login_profiles WHERE user_id = ?",
                       {user_id});
  if (!rows) return rows.error();
  ProfileRow p;
  if (rows->empty()) return p;
  const auto& r = rows->front();
  return ProfileRow{true, r.i64(0) != 0, r.i64(1), r.i64(2), r.str(3)};
}

json::object profile_json(const UserRow& u, const ProfileRow& p) {
  return json::object{{"UserName", u.name}, {"CreateDate", p.created_ms}, {"PasswordResetRequired", p.reset_required}};
}

Result<json::value> create_login_profile(Call& call) {
  auto u = load_user(call.tx, call.account(), target_user(call));
  if (!u) return u.error();
  auto existing = load_profile(call.tx, u->user_id);
  if (!existing) return existing.error();
  if (existing->exists)
    return AwsError::sender("EntityAlreadyExists", "Login Profile for user " + u->name + " already exists.", 409);
  if (!call.has("Password")) return AwsError::validation("Password is required to create a login profile for an IAM user.");
  bool reset = input_bool(call, "PasswordResetRequired", false);
  if (auto s = set_password(call, *u, call.str("Password"), reset, true); !s) return s.error();
  auto p = load_profile(call.tx, u->user_id);
  if (!p) return p.error();
  return json::object{{"LoginProfile", profile_json(*u, *p)}};
}

Result<json::value> get_login_profile(Call& call) {
  auto u = load_user(call.tx, call.account(), target_user(call));
  if (!u) return u.error();
  auto p = load_profile(call.tx, u->user_id);
  if (!p) return p.error();
  if (!p->exists) return no_login_profile(u->name);
  return json::object{{"LoginProfile", profile_json(*u, *p)}};
}

Result<json::value> update_login_profile(Call& call) {
  auto u = load_user(call.tx, call.account(), call.str("UserName"));
  if (!u) return u.error();
  auto p = load_profile(call.tx, u->user_id);
  if (!p) return p.error();
  if (!p->exists) return no_login_profile(u->name);
  bool reset = input_bool(call, "PasswordResetRequired", p->reset_required);
  if (call.has("Password")) {
    if (auto s = set_password(call, *u, call.str("Password"), reset, false); !s) return s.error();
  } else {
    auto w = call.tx.exec("UPDATE iam_login_profiles SET password_reset_required = ? WHERE user_id = ?", {reset ? 1 : 0, u->user_id});
    if (!w) return w.error();
  }
  return json::object{};
}

Result<json::value> delete_login_profile(Call& call) {
  auto u = load_user(call.tx, call.account(), call.str("UserName"));
  if (!u) return u.error();
  auto p = load_profile(call.tx, u->user_id);
  if (!p) return p.error();
  if (!p->exists) return no_login_profile(u->name);
  auto d = call.tx.exec("DELETE FROM iam_login_profiles WHERE user_id = ?", {u->user_id});
  if (!d) return d.error();
  return json::object{};
}

// The calling IAM user changes its own password, proving the old one.
Result<json::value> change_password(Call& call) {
  const auto& p = *call.ctx.principal;
  if (p.type != auth::PrincipalType::IAMUser)
    return AwsError::sender("InvalidUserType", "Only IAM users can change their own password with ChangePassword.", 400);
  auto u = load_user(call.tx, call.account(), p.user_name);
  if (!u) return u.error();
  auto profile = load_profile(call.tx, u->user_id);
  if (!profile) return profile.error();
  if (!profile->exists) return no_login_profile(u->name);
  if (!auth::verify_password(call.str("OldPassword"), profile->hash))
    return AwsError::sender("AccessDenied", "The old password is incorrect.", 403);
  auto policy = load_password_policy(call.tx, call.account());
  if (!policy) return policy.error();
  // A password past its age under HardExpiry can only be reset by an administrator.
  if (policy->hard_expiry && policy->max_password_age > 0 &&
      call.ctx.now_ms >= profile->changed_ms + policy->max_password_age * kDayMs)
    return AwsError::sender("EntityTemporarilyUnmodifiable",
                            "The password of user " + u->name + " has expired and can only be reset by an administrator.", 409);
  if (auto s = set_password(call, *u, call.str("NewPassword"), false, false); !s) return s.error();
  return json::object{};
}

// ---- The account password policy ----------------------------------------------------------------

Result<json::value> update_account_password_policy(Call& call) {
  PasswordPolicy p;
  p.custom = true;
  auto num = [&](std::string_view m, int64_t fallback) {
    const auto* v = call.input.if_contains(m);
    return v && v->is_number() ? v->to_number<int64_t>() : fallback;
  };
  // Members left out take IAM's documented values, not the previous policy's.
  p.minimum_length = num("MinimumPasswordLength", 6);
  p.require_symbols = input_bool(call, "RequireSymbols", false);
  p.require_numbers = input_bool(call, "RequireNumbers", false);
  p.require_uppercase = input_bool(call, "RequireUppercaseCharacters", false);
  p.require_lowercase = input_bool(call, "RequireLowercaseCharacters", false);
  p.allow_users_to_change_password = input_bool(call, "AllowUsersToChangePassword", false);
  p.max_password_age = num("MaxPasswordAge", 0);
  p.password_reuse_prevention = num("PasswordReusePrevention", 0);
  p.hard_expiry = input_bool(call, "HardExpiry", false);
  if (auto s = store_password_policy(call.tx, call.account(), p); !s) return s.error();
  return json::object{};
}

Result<json::value> get_account_password_policy(Call& call) {
  auto p = load_password_policy(call.tx, call.account());
  if (!p) return p.error();
  if (!p->custom) return no_password_policy(call.account());
  return json::object{{"PasswordPolicy", password_policy_json(*p)}};
}

Result<json::value> delete_account_password_policy(Call& call) {
  auto p = load_password_policy(call.tx, call.account());
  if (!p) return p.error();
  if (!p->custom) return no_password_policy(call.account());
  auto d = call.tx.exec("DELETE FROM iam_password_policies WHERE account_id = ?", {call.account()});
  if (!d) return d.error();
  return json::object{};
}

AuthzRequest on_account(const char* action) { return AuthzRequest{std::string("iam:") + action, {"*"}, {}}; }

}  // namespace

void add_login_profile_operations(std::vector<OperationDef>& ops) {
  auto on_user = [&](const char* name, bool ro, Handler h) {
    ops.push_back(OperationDef{name, ro, false,
                               [name](const RequestContext& c, const json::object& i, store::Tx& tx) {
                                 return user_authz(std::string("iam:") + name, c, i, tx);
                               },
                               std::move(h)});
  };
  on_user("CreateLoginProfile", false, create_login_profile);
  on_user("GetLoginProfile", true, get_login_profile);
  on_user("UpdateLoginProfile", false, update_login_profile);
  on_user("DeleteLoginProfile", false, delete_login_profile);
  // ChangePassword acts on the caller's own user.
  on_user("ChangePassword", false, change_password);
  auto on_acct = [&](const char* name, bool ro, Handler h) {
    ops.push_back(OperationDef{name, ro, false,
                               [name](const RequestContext&, const json::object&, store::Tx&) { return on_account(name); },
                               std::move(h)});
  };
  on_acct("UpdateAccountPasswordPolicy", false, update_account_password_policy);
  on_acct("GetAccountPasswordPolicy", true, get_account_password_policy);
  on_acct("DeleteAccountPasswordPolicy", false, delete_account_password_policy);
}

}  // namespace citadel::services::iam
