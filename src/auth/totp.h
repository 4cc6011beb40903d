#pragma once
// Time-based one-time passwords (RFC 6238, HMAC-SHA1, 30-second steps, 6 digits) as virtual MFA
// devices use them, and the Base32 (RFC 4648) text IAM gives out for the seed.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace citadel::auth {

// The code for one time step (RFC 4226's HOTP over the step counter).
std::string totp_code(std::string_view seed, uint64_t step, int digits = 6);
uint64_t totp_step(int64_t unix_ms);

// Accepts a code within ±1 step of `unix_ms` (AWS's window for clock drift) whose step is after
// `last_used_step`, so that a code is never accepted twice. Returns the matching step.
std::optional<uint64_t> totp_verify(std::string_view seed, std::string_view code, int64_t unix_ms,
                                    std::optional<uint64_t> last_used_step);

std::string base32_encode(std::string_view bytes);
std::optional<std::string> base32_decode(std::string_view text);

}  // namespace citadel::auth
