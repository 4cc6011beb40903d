#pragma once
// Identifiers in AWS's formats.
#include <string>
#include <string_view>

namespace citadel::ids {

// A random 12-digit account id that does not start with 0.
std::string account_id();
// AWS unique ids: a 4-letter prefix (AIDA user, AROA role, AKIA/ASIA access key, ...) then 16
// characters of [A-Z2-7] — the alphabet IAM's ids are drawn from.
std::string unique_id(std::string_view prefix, size_t length = 16);
// 40 characters of base64-like text, as AWS secret access keys are.
std::string secret_access_key();
// A lowercase RFC 4122 version-4 UUID, used for request ids and event ids.
std::string uuid4();

}  // namespace citadel::ids
