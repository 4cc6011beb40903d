#include "services/iam/console_signin.h"

#include "auth/password.h"
#include "services/iam/iam_common.h"
#include "services/iam/mfa_devices.h"
#include "services/iam/password_policy.h"

namespace citadel::services::iam {

namespace {

constexpr int64_t kDayMs = 86400000;
constexpr size_t kMinEmail = 6, kMaxEmail = 64;  // Organizations' bounds for an account's email

Result<std::vector<std::string>> enabled_devices(store::Tx& tx, const std::string& account, const std::string& user_id) {
  auto rows = tx.query("SELECT serial_number FROM iam_mfa_devices WHERE account_id = ? AND user_id = ? ORDER BY serial_number",
                       {account, user_id});
  if (!rows) return rows.error();
  std::vector<std::string> out;
  for (const auto& r : *rows) out.push_back(r.str(0));
  return out;
}

bool plausible_email(const std::string& e) {
  auto at = e.find('@');
  if (e.size() < kMinEmail || e.size() > kMaxEmail || at == std::string::npos || at == 0 || at + 1 == e.size()) return false;
  if (e.find('@', at + 1) != std::string::npos) return false;
  for (char c : e)
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) return false;
  return true;
}

}  // namespace

std::vector<store::Migration> root_login_migrations() {
  return {{"iam/005_root_login", R"sql(
-- The root user's console sign-in: its email (unique across the deployment, as an AWS account's
-- email is) and an Argon2id hash of its password.
CREATE TABLE iam_root_logins (
  account_id    TEXT PRIMARY KEY REFERENCES accounts(account_id),
  email_lc      TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  changed_ms    INTEGER NOT NULL,
  last_used_ms  INTEGER
);
)sql"}};
}

Result<std::optional<std::string>> account_for_signin(store::Tx& tx, const std::string& id_or_alias) {
  auto rows = tx.query("SELECT account_id FROM accounts WHERE account_id = ? "
                       "UNION SELECT account_id FROM iam_account_aliases WHERE alias = ?",
                       {id_or_alias, lower(id_or_alias)});
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<std::string>();
  return std::optional<std::string>(rows->front().str(0));
}

Result<std::optional<SignInSubject>> user_signin(store::Tx& tx, const std::string& account, const std::string& user_name,
                                                 int64_t now_ms) {
  auto rows = tx.query("SELECT u.user_name, u.user_id, u.path, l.password_hash, l.password_reset_required, l.changed_ms "
                       "FROM iam_users u LEFT JOIN iam_login_profiles l ON l.user_id = u.user_id "
                       "WHERE u.account_id = ? AND u.name_lc = ?",
                       {account, lower(user_name)});
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<SignInSubject>();
  const auto& r = rows->front();
  SignInSubject s;
  s.principal.type = auth::PrincipalType::IAMUser;
  s.principal.account_id = account;
  s.principal.user_name = r.str(0);
  s.principal.principal_id = r.str(1);
  s.principal.arn = user_arn(account, r.str(2), r.str(0));
  s.user_id = r.str(1);
  s.password_hash = r.str(3);
  s.password_reset_required = r.i64(4) != 0;
  if (!s.password_hash.empty()) {
    auto policy = load_password_policy(tx, account);
    if (!policy) return policy.error();
    s.password_expired = policy->max_password_age > 0 && now_ms >= r.i64(5) + policy->max_password_age * kDayMs;
  }
  auto devices = enabled_devices(tx, account, s.user_id);
  if (!devices) return devices.error();
  s.mfa_serials = std::move(*devices);
  return std::optional<SignInSubject>(std::move(s));
}

Result<std::optional<SignInSubject>> root_signin(store::Tx& tx, const std::string& email) {
  auto rows = tx.query("SELECT account_id, password_hash FROM iam_root_logins WHERE email_lc = ?", {lower(email)});
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<SignInSubject>();
  SignInSubject s;
  s.principal.type = auth::PrincipalType::Root;
  s.principal.account_id = rows->front().str(0);
  s.principal.arn = "arn:aws:iam::" + s.principal.account_id + ":root";
  s.principal.principal_id = s.principal.account_id;
  s.password_hash = rows->front().str(1);
  auto devices = enabled_devices(tx, s.principal.account_id, "");
  if (!devices) return devices.error();
  s.mfa_serials = std::move(*devices);
  return std::optional<SignInSubject>(std::move(s));
}

Result<std::string> verify_signin_mfa(store::Tx& tx, const store::SecretBox& secrets, const SignInSubject& subject,
                                      const std::string& code, int64_t now_ms) {
  Status last = AwsError::sender("AccessDenied", "No MFA device", 403);
  for (const auto& serial : subject.mfa_serials) {
    last = verify_mfa_code(tx, secrets, subject.principal.account_id, subject.user_id, serial, code, now_ms, true);
    if (last) return serial;
  }
  return last.error();
}

Status record_signin(store::Tx& tx, const SignInSubject& subject, int64_t now_ms) {
  auto w = subject.principal.type == auth::PrincipalType::Root
               ? tx.exec("UPDATE iam_root_logins SET last_used_ms = ? WHERE account_id = ?", {now_ms, subject.principal.account_id})
               : tx.exec("UPDATE iam_login_profiles SET last_used_ms = ? WHERE user_id = ?", {now_ms, subject.user_id});
  if (!w) return w.error();
  return Ok{};
}

Result<std::optional<int64_t>> root_password_last_used(store::Tx& tx, const std::string& account) {
  auto rows = tx.query("SELECT last_used_ms FROM iam_root_logins WHERE account_id = ?", {account});
  if (!rows) return rows.error();
  if (rows->empty() || rows->front().is_null(0)) return std::optional<int64_t>();
  return std::optional<int64_t>(rows->front().i64(0));
}

Status set_root_login(store::Tx& tx, const std::string& account, const std::string& email, const std::string& password,
                      int64_t now_ms) {
  if (!plausible_email(email))
    return AwsError::validation("The email address " + email + " is not valid: it must be 6 to 64 characters with one @.");
  // The root user's password follows AWS's rules for it, which are IAM's default policy.
  if (auto s = check_password(PasswordPolicy{}, password, "root"); !s) return s;
  auto taken = tx.query("SELECT account_id FROM iam_root_logins WHERE email_lc = ? AND account_id <> ?", {lower(email), account});
  if (!taken) return taken.error();
  if (!taken->empty())
    return AwsError::sender("EntityAlreadyExists", "The email address " + email + " is already the root email of another account.", 409);
  auto hash = auth::hash_password(password);
  if (!hash) return AwsError::internal("could not hash the password");
  auto w = tx.exec("INSERT INTO iam_root_logins (account_id, email_lc, password_hash, changed_ms) VALUES (?, ?, ?, ?) "
                   "ON CONFLICT(account_id) DO UPDATE SET email_lc = excluded.email_lc, password_hash = excluded.password_hash, "
                   "changed_ms = excluded.changed_ms",
                   {account, lower(email), *hash, now_ms});
  if (!w) return w.error();
  auto a = tx.exec("UPDATE accounts SET email = ? WHERE account_id = ?", {email, account});
  if (!a) return a.error();
  return Ok{};
}

}  // namespace citadel::services::iam
