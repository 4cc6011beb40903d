#pragma once
// Console sign-in: an IAM user (account id or alias, user name, password, and a code from its MFA
// device when it has one) or an account's root user (its email and password). Every attempt whose
// account is known is a ConsoleLogin event in that account's trail, failures included; repeated
// failures are throttled (signin_throttle.h). A success starts a session (sessions.h) in the same
// transaction that records it.
#include <string>

#include "server/audit_journal.h"
#include "server/console/sessions.h"
#include "server/console/signin_throttle.h"
#include "store/secret_box.h"

namespace citadel::server::console {

struct SignInRequest {
  std::string kind;  // "iam" or "root"
  std::string account, user_name;  // kind "iam": account id or alias
  std::string email;               // kind "root"
  std::string password, mfa_code;
  std::string source_ip, user_agent;
  std::string login_to;  // the page the sign-in leads to (LoginTo in the record)
  int64_t now_ms = 0;
};

struct SignInOutcome {
  bool success = false;
  int64_t retry_after_ms = 0;  // > 0: refused by the throttle without looking at the password
  std::string message;         // what the sign-in page tells the user on failure
  std::string session_id;      // on success: the cookie's value
  ConsoleSession session;
};

class SignIn {
 public:
  SignIn(store::Store& store, const store::SecretBox& secrets, AuditJournal& audit, SignInThrottle::Limits limits);
  // Errors only when the store or the audit journal fails (the attempt is then not recorded).
  Result<SignInOutcome> attempt(const SignInRequest& r);

 private:
  store::Store& store_;
  const store::SecretBox& secrets_;
  AuditJournal& audit_;
  SignInThrottle throttle_;
  std::string decoy_hash_;  // verified against when nobody matches, so timing does not tell who exists
};

}  // namespace citadel::server::console
