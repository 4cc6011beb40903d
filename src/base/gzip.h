#pragma once
// gzip (RFC 1952) over zlib, for files AWS services deliver compressed (CloudTrail's log and
// digest files).
#include <optional>
#include <string>
#include <string_view>

namespace citadel::gzip {

std::string compress(std::string_view data);
// nullopt when `data` is not a complete gzip stream.
std::optional<std::string> decompress(std::string_view data);

}  // namespace citadel::gzip
