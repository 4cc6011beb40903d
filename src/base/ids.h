#pragma once
// Identifiers in AWS's formats.
#include <cstdint>
#include <optional>
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
// A lowercase RFC 4122 version-4 UUID, used for request ids.
std::string uuid4();
// A lowercase RFC 9562 version-7 UUID: the time in milliseconds, then 74 random bits. CloudTrail
// event ids are these: they look like any UUID to a client, and carry the event's time, through
// which LookupEvents finds an event by id without an index of its own.
std::string uuid7(int64_t unix_ms);
// The time a version-7 UUID in uuid7()'s text form carries; nullopt for any other text.
std::optional<int64_t> uuid7_time_ms(std::string_view id);

}  // namespace citadel::ids
