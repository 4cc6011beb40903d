#pragma once
// Console sessions, kept server-side in the store (table console_sessions) so that signing out
// ends them everywhere and every node of a deployment sees them. The browser holds only a random
// 256-bit id in an HttpOnly cookie; the store holds its SHA-256, so a copy of the database does
// not hold usable session ids. Each session has its own CSRF token for the requests it makes.
#include <optional>
#include <string>
#include <vector>

#include "auth/principal.h"
#include "base/error.h"
#include "store/store.h"

namespace citadel::server::console {

struct ConsoleSession {
  // Temporary, as AWS's console sessions are: issued at sign-in, with whether MFA was used (what
  // aws:MultiFactorAuthPresent and aws:MultiFactorAuthAge see), and an ASIA id for the trail.
  auth::Principal principal;
  std::string csrf_token;
  int64_t expires_ms = 0;
};

inline constexpr int64_t kSessionLifetimeMs = 12 * 3600 * 1000;  // AWS's default console session

std::vector<store::Migration> session_migrations();

// Starts a session for `p` in `tx` (the sign-in's transaction) and returns the id to put in the
// cookie; `out` receives the session. Expired sessions are removed on the way.
Result<std::string> create_session(store::Tx& tx, const auth::Principal& p, bool mfa, int64_t now_ms, ConsoleSession& out);
// The live session with this id, or nullopt (unknown, expired, or its IAM user deleted since).
Result<std::optional<ConsoleSession>> find_session(store::Store& store, const std::string& id, int64_t now_ms);
Status end_session(store::Store& store, const std::string& id);

}  // namespace citadel::server::console
