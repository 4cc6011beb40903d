#pragma once
// Temporary credentials (STS): the session token carries the whole credential — the ASIA key id,
// its secret, the principal, the issue and expiry times — sealed with AES-256-GCM under the
// master key. Nothing is stored: a token is verified by opening it, and a forged or altered token
// does not open.
#include <cstdint>
#include <optional>
#include <string>

#include "auth/principal.h"
#include "store/secret_box.h"

namespace citadel::auth {

struct SessionCredential {
  std::string access_key_id;  // ASIA...
  std::string secret_access_key;
  Principal principal;        // who the session acts as (principal.access_key_id is the ASIA key)
  int64_t issued_ms = 0;
  int64_t expires_ms = 0;
  bool mfa_authenticated = false;
};

// Issues a new temporary credential for `principal`, valid for `duration_s` seconds.
SessionCredential issue_session(const Principal& principal, int64_t now_ms, int64_t duration_s, bool mfa);
std::string seal_session_token(const store::SecretBox& box, const SessionCredential& cred);
// nullopt when the token was not issued by this deployment or was changed.
std::optional<SessionCredential> open_session_token(const store::SecretBox& box, const std::string& token);

}  // namespace citadel::auth
