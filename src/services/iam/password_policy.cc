#include "services/iam/password_policy.h"

#include <cctype>

namespace citadel::services::iam {

namespace {

// The symbols IAM counts as such.
constexpr std::string_view kSymbols = "!@#$%^&*()_+-=[]{}|'";
constexpr size_t kMaxPasswordLength = 128;

}  // namespace

Result<PasswordPolicy> load_password_policy(store::Tx& tx, const std::string& account) {
  auto rows = tx.query(
      "SELECT minimum_length, require_symbols, require_numbers, require_uppercase, require_lowercase, "
      "allow_users_to_change_password, max_password_age, password_reuse_prevention, hard_expiry "
      "FROM iam_password_policies WHERE account_id = ?",
      {account});
  if (!rows) return rows.error();
  PasswordPolicy p;
  if (rows->empty()) return p;
  const auto& r = rows->front();
  p.custom = true;
  p.minimum_length = r.i64(0);
  p.require_symbols = r.i64(1) != 0;
  p.require_numbers = r.i64(2) != 0;
  p.require_uppercase = r.i64(3) != 0;
  p.require_lowercase = r.i64(4) != 0;
  p.allow_users_to_change_password = r.i64(5) != 0;
  p.max_password_age = r.i64(6);
  p.password_reuse_prevention = r.i64(7);
  p.hard_expiry = r.i64(8) != 0;
  return p;
}

Status store_password_policy(store::Tx& tx, const std::string& account, const PasswordPolicy& p) {
  auto w = tx.exec(
      "INSERT INTO iam_password_policies (account_id, minimum_length, require_symbols, require_numbers, require_uppercase, "
      "require_lowercase, allow_users_to_change_password, max_password_age, password_reuse_prevention, hard_expiry) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (account_id) DO UPDATE SET minimum_length = excluded.minimum_length, "
      "require_symbols = excluded.require_symbols, require_numbers = excluded.require_numbers, "
      "require_uppercase = excluded.require_uppercase, require_lowercase = excluded.require_lowercase, "
      "allow_users_to_change_password = excluded.allow_users_to_change_password, max_password_age = excluded.max_password_age, "
      "password_reuse_prevention = excluded.password_reuse_prevention, hard_expiry = excluded.hard_expiry",
      {account, p.minimum_length, p.require_symbols ? 1 : 0, p.require_numbers ? 1 : 0, p.require_uppercase ? 1 : 0,
       p.require_lowercase ? 1 : 0, p.allow_users_to_change_password ? 1 : 0, p.max_password_age, p.password_reuse_prevention,
       p.hard_expiry ? 1 : 0});
  if (!w) return w.error();
  return Ok{};
}

Status check_password(const PasswordPolicy& policy, const std::string& password, const std::string& user_name) {
  bool upper = false, lower = false, digit = false, symbol = false;
  for (unsigned char c : password) {
    upper = upper || std::isupper(c);
    lower = lower || std::islower(c);
    digit = digit || std::isdigit(c);
    symbol = symbol || kSymbols.find(static_cast<char>(c)) != std::string_view::npos;
  }
  std::vector<std::string> broken;
  if (password.size() < static_cast<size_t>(policy.minimum_length))
    broken.push_back("Password should have a minimum length of " + std::to_string(policy.minimum_length));
  if (password.size() > kMaxPasswordLength) broken.push_back("Password should have a maximum length of 128");
  if (policy.custom) {
    if (policy.require_uppercase && !upper) broken.push_back("Password should have at least one uppercase letter");
    if (policy.require_lowercase && !lower) broken.push_back("Password should have at least one lowercase letter");
    if (policy.require_numbers && !digit) broken.push_back("Password should have at least one number");
    if (policy.require_symbols && !symbol) broken.push_back("Password should have at least one symbol");
  } else {
    if (int(upper) + int(lower) + int(digit) + int(symbol) < 3)
      broken.push_back("Password should have at least three of: uppercase letters, lowercase letters, numbers, symbols");
    if (!user_name.empty() && password == user_name) broken.push_back("Password should not be the user name");
  }
  if (broken.empty()) return Ok{};
  std::string msg;
  for (auto& b : broken) msg += (msg.empty() ? "" : "\n") + b;
  return AwsError::sender("PasswordPolicyViolation", msg, 400);
}

json::object password_policy_json(const PasswordPolicy& p) {
  json::object o{{"MinimumPasswordLength", p.minimum_length},
                 {"RequireSymbols", p.require_symbols},
                 {"RequireNumbers", p.require_numbers},
                 {"RequireUppercaseCharacters", p.require_uppercase},
                 {"RequireLowercaseCharacters", p.require_lowercase},
                 {"AllowUsersToChangePassword", p.allow_users_to_change_password},
                 {"ExpirePasswords", p.max_password_age > 0}};
  if (p.max_password_age > 0) o["MaxPasswordAge"] = p.max_password_age;
  if (p.password_reuse_prevention > 0) o["PasswordReusePrevention"] = p.password_reuse_prevention;
  o["HardExpiry"] = p.hard_expiry;
  return o;
}

AwsError no_password_policy(const std::string& account) {
  return AwsError::sender("NoSuchEntity", "The Password Policy with domain name " + account + " cannot be found.", 404);
}

}  // namespace citadel::services::iam
