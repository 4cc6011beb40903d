#pragma once
// Console passwords: stored as Argon2id hashes (PHC string form, with a random salt), verified in
// constant time by libargon2.
#include <optional>
#include <string>
#include <string_view>

namespace citadel::auth {

// "$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>" (OWASP's minimum parameters for Argon2id).
std::optional<std::string> hash_password(std::string_view password);
bool verify_password(std::string_view password, const std::string& encoded);

}  // namespace citadel::auth
