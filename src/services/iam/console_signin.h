#pragma once
// What console sign-in needs from IAM: who a sign-in names (an IAM user of an account given by its
// id or alias, or an account's root user by its email), the password hash to check, the MFA
// devices that must confirm it, and the record of a successful sign-in (the credential report's
// password_last_used). The console (server/console/) decides; this reads and records.
#include <optional>
#include <string>
#include <vector>

#include "auth/principal.h"
#include "services/service.h"

namespace citadel::services::iam {

struct SignInSubject {
  auth::Principal principal;       // IAMUser or Root; no access key yet
  std::string user_id;             // AIDA... of an IAM user, "" for the root user (whose MFA devices count)
  std::string password_hash;       // "" when the subject has no console password
  bool password_reset_required = false;
  bool password_expired = false;   // older than the account policy's MaxPasswordAge
  std::vector<std::string> mfa_serials;  // enabled MFA devices: a code from one of them is required
};

// The account an "account ID or alias" names, or nullopt.
Result<std::optional<std::string>> account_for_signin(store::Tx& tx, const std::string& id_or_alias);
// The IAM user `user_name` (case-insensitive) of `account`, or nullopt.
Result<std::optional<SignInSubject>> user_signin(store::Tx& tx, const std::string& account, const std::string& user_name,
                                                 int64_t now_ms);
// The root user whose console email is `email` (case-insensitive), or nullopt.
Result<std::optional<SignInSubject>> root_signin(store::Tx& tx, const std::string& email);
// Accepts `code` from one of the subject's MFA devices and consumes it (no code is accepted twice);
// returns the device's serial number.
Result<std::string> verify_signin_mfa(store::Tx& tx, const store::SecretBox& secrets, const SignInSubject& subject, const std::string& code,
                         int64_t now_ms);
// A successful sign-in: password_last_used in the credential report.
Status record_signin(store::Tx& tx, const SignInSubject& subject, int64_t now_ms);
// The root user's password_last_used, if it ever signed in.
Result<std::optional<int64_t>> root_password_last_used(store::Tx& tx, const std::string& account);

// Gives an account's root user a console sign-in: its email (unique across the deployment) and an
// Argon2id hash of `password`, which must satisfy AWS's default password rules.
Status set_root_login(store::Tx& tx, const std::string& account, const std::string& email, const std::string& password,
                      int64_t now_ms);

std::vector<store::Migration> root_login_migrations();

}  // namespace citadel::services::iam
