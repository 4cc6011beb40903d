#pragma once
// Wall-clock time as AWS formats it. Timestamps travel inside the product as milliseconds since
// the Unix epoch; protocols format them (ISO 8601 for query/XML, epoch seconds for JSON).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace citadel::timeutil {

int64_t now_ms();
// "2026-11-24T11:15:48Z" (CloudTrail's eventTime) or with milliseconds "2026-11-24T11:15:48.123Z".
std::string iso8601(int64_t ms, bool with_millis = false);
// Parses ISO 8601 ("2026-11-24T11:15:48Z", with optional fraction and offset), or returns nullopt.
std::optional<int64_t> parse_iso8601(std::string_view s);
// HTTP's date form (RFC 7231 IMF-fixdate), as REST headers carry times: "Wed, 02 Dec 2026 08:10:32 GMT".
std::string http_date(int64_t ms);
std::optional<int64_t> parse_http_date(std::string_view s);
// SigV4's basic form "20261124T111548Z".
std::optional<int64_t> parse_amz_date(std::string_view s);

}  // namespace citadel::timeutil
