#pragma once
// Percent-encoding as SigV4 and the AWS protocols use it (RFC 3986 unreserved set).
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace citadel::uri {

// Encodes every byte outside A-Z a-z 0-9 - _ . ~ ; keeps '/' when `keep_slash`.
std::string encode(std::string_view s, bool keep_slash = false);
// Decodes %XX; when `plus_is_space`, '+' becomes ' ' (form bodies). Invalid escapes pass through.
std::string decode(std::string_view s, bool plus_is_space = false);
// Splits "a=1&b=2" into decoded pairs, in order.
std::vector<std::pair<std::string, std::string>> parse_query(std::string_view q,
                                                             bool plus_is_space = false);

}  // namespace citadel::uri
