#include "server/console/signin.h"

#include "auth/password.h"
#include "base/crypto.h"
#include "server/console/login_event.h"
#include "services/iam/console_signin.h"

namespace citadel::server::console {

namespace {

constexpr const char* kWrongCredentials = "Your authentication information is incorrect. Please try again.";

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

SignIn::SignIn(store::Store& store, const store::SecretBox& secrets, AuditJournal& audit, SignInThrottle::Limits limits)
    : store_(store), secrets_(secrets), audit_(audit), throttle_(limits),
      decoy_hash_(auth::hash_password(crypto::random_bytes(16)).value_or("")) {}

Result<SignInOutcome> SignIn::attempt(const SignInRequest& r) {
  SignInOutcome out;
  bool root = r.kind == "root";
  // Failures count against the name typed, whoever it turns out to be.
  std::string name_key = root ? "root:" + lower(r.email) : "iam:" + lower(r.account) + "/" + lower(r.user_name);

  // Who the sign-in names: read first, so that the slow password hash is checked outside any transaction.
  std::optional<services::iam::SignInSubject> subject;
  std::optional<std::string> account;
  auto read = store_.read([&](store::Tx& tx) -> Status {
    if (root) {
      auto s = services::iam::root_signin(tx, r.email);
      if (!s) return s.error();
      subject = std::move(*s);
      if (subject) account = subject->principal.account_id;
      return Ok{};
    }
    auto a = services::iam::account_for_signin(tx, r.account);
    if (!a) return a.error();
    account = *a;
    if (!account) return Ok{};
    auto s = services::iam::user_signin(tx, *account, r.user_name, r.now_ms);
    if (!s) return s.error();
    subject = std::move(*s);
    return Ok{};
  });
  if (!read) return read.error();

  LoginAttempt attempt;
  attempt.source_ip = r.source_ip;
  attempt.user_agent = r.user_agent;
  attempt.login_to = r.login_to;
  attempt.now_ms = r.now_ms;
  if (subject) {
    attempt.principal = subject->principal;
    attempt.mfa_used = !subject->mfa_serials.empty();
  } else if (account) {
    attempt.known = false;
    attempt.principal.type = auth::PrincipalType::IAMUser;
    attempt.principal.account_id = *account;
  }

  out.retry_after_ms = throttle_.retry_after_ms(name_key, r.source_ip, r.now_ms);
  bool ok = false;
  if (out.retry_after_ms > 0) {
    out.message = "Too many failed sign-in attempts. Try again in " + std::to_string((out.retry_after_ms + 59999) / 60000) +
                  " minutes.";
  } else {
    const std::string& hash = subject && !subject->password_hash.empty() ? subject->password_hash : decoy_hash_;
    ok = auth::verify_password(r.password, hash) && subject && !subject->password_hash.empty();
    out.message = kWrongCredentials;
    if (ok && attempt.mfa_used && r.mfa_code.empty()) {
      ok = false;
      out.message = "This user has an MFA device: enter the code it shows.";
    } else if (ok && (subject->password_reset_required || subject->password_expired)) {
      // Citadel's console has no page to choose a new password: ChangePassword with an access key, or
      // an administrator's UpdateLoginProfile, sets one.
      ok = false;
      attempt.error_message = "Password change required";
      out.message = "Your password must be changed before you sign in (ChangePassword, or ask an administrator).";
    }
  }

  // The MFA code is checked and consumed, the sign-in recorded and the session started, all in one
  // transaction with the attempt's ConsoleLogin record. An attempt naming no account has no trail
  // to be recorded in.
  auto write = store_.write([&](store::Tx& tx) -> Status {
    if (ok && attempt.mfa_used) {
      auto mfa = services::iam::verify_signin_mfa(tx, secrets_, *subject, r.mfa_code, r.now_ms);
      if (mfa) {
        attempt.mfa_serial = *mfa;
      } else if (mfa.error().code != "AccessDenied") {
        return mfa.error();
      } else {
        ok = false;
        out.message = kWrongCredentials;
      }
    }
    if (ok) {
      if (auto s = services::iam::record_signin(tx, *subject, r.now_ms); !s) return s;
      auto id = create_session(tx, subject->principal, attempt.mfa_used, r.now_ms, out.session);
      if (!id) return id.error();
      out.session_id = std::move(*id);
    }
    attempt.success = ok;
    if (!account) return Ok{};
    return audit_.append_in_transaction(tx, console_login_event(attempt));
  });
  if (!write) return write.error();
  out.success = ok;
  if (out.retry_after_ms > 0) return out;
  if (ok) throttle_.succeeded(name_key);
  else throttle_.failed(name_key, r.source_ip, r.now_ms);
  return out;
}

}  // namespace citadel::server::console
