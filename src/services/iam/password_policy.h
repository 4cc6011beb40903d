#pragma once
// The account password policy: what it holds, how a password is checked against it, and IAM's
// default policy for accounts that have not set one.
#include <string>

#include "services/service.h"

namespace citadel::services::iam {

struct PasswordPolicy {
  bool custom = false;  // false: the account has none and AWS's default applies
  int64_t minimum_length = 8;
  bool require_symbols = false, require_numbers = false, require_uppercase = false, require_lowercase = false;
  bool allow_users_to_change_password = false;
  int64_t max_password_age = 0;           // days; 0 = passwords never expire
  int64_t password_reuse_prevention = 0;  // how many earlier passwords may not be reused
  bool hard_expiry = false;
};

Result<PasswordPolicy> load_password_policy(store::Tx& tx, const std::string& account);
Status store_password_policy(store::Tx& tx, const std::string& account, const PasswordPolicy& p);
// PasswordPolicyViolation naming each rule the password breaks. Without a custom policy, AWS's
// default: 8 to 128 characters, three of the four character classes, not the user's name.
Status check_password(const PasswordPolicy& policy, const std::string& password, const std::string& user_name);
json::object password_policy_json(const PasswordPolicy& p);
AwsError no_password_policy(const std::string& account);

}  // namespace citadel::services::iam
