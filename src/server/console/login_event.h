#pragma once
// The CloudTrail record of one console sign-in attempt, in the shape AWS documents for
// ConsoleLogin: eventSource signin.amazonaws.com, eventType AwsConsoleSignIn, responseElements
// {"ConsoleLogin": "Success" | "Failure"}, additionalEventData with LoginTo, MobileVersion and
// MFAUsed, and errorMessage "Failed authentication" on failures.
#include <string>

#include "auth/principal.h"
#include "services/cloudtrail/event_store.h"

namespace citadel::server::console {

// An IAM user name that does not exist is not written into the trail (it may be a password typed
// into the wrong field): CloudTrail writes this instead.
inline constexpr const char* kHiddenUserName = "HIDDEN_DUE_TO_SECURITY_REASONS";

struct LoginAttempt {
  auth::Principal principal;  // who the sign-in named (account, type; name and id when known)
  bool known = true;          // false: the user name names no user of the account
  bool success = false;
  bool mfa_used = false;      // the subject has an MFA device, so a code was part of the sign-in
  std::string mfa_serial;     // the device whose code was accepted
  std::string error_message;  // failures: "Failed authentication" (or why it was refused)
  std::string source_ip, user_agent, login_to;
  int64_t now_ms = 0;
};

services::cloudtrail::StoredEvent console_login_event(const LoginAttempt& a);

}  // namespace citadel::server::console
