// Small allocation-free text helpers shared by the parser, the compiler and the evaluator:
// ASCII case folding, wildcard globbing and ARN splitting.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace policy {

// Compiled patterns mark wildcards with these bytes, so that a literal '*' coming from a
// policy variable (or "${*}") stays literal.
inline constexpr char kStar = '\x01';
inline constexpr char kQuestion = '\x02';

constexpr char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

bool iequals(std::string_view a, std::string_view b);

// FNV-1a over the ASCII-lower-cased bytes: equal for strings that iequals() says are equal.
// Used to compare context keys and service prefixes quickly before comparing text.
constexpr uint64_t fold_hash(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (char c : s) {
    h ^= static_cast<unsigned char>(ascii_lower(c));
    h *= 1099511628211ull;
  }
  return h;
}
// A cheap case-insensitive fingerprint of a context key (length and last bytes), used only to
// skip keys that cannot be equal before iequals() decides.
constexpr uint64_t key_fingerprint(std::string_view s) {
  uint64_t h = s.size();
  const std::size_t n = s.size() < 8 ? s.size() : 8;
  for (std::size_t i = s.size() - n; i < s.size(); ++i) h = (h << 8) ^ static_cast<unsigned char>(ascii_lower(s[i]));
  return h;
}

bool iequals_prefix(std::string_view s, std::string_view prefix);
std::string to_lower(std::string_view s);

// Turns '*' and '?' into kStar / kQuestion (and lower-cases when fold is set).
std::string to_glob(std::string_view pattern, bool fold);

// Matches s against a kStar/kQuestion pattern. icase: the pattern is already lower-case and
// s is folded while matching.
bool glob_match(std::string_view pattern, std::string_view s, bool icase);

// The six colon-separated parts of an ARN; resource keeps any further colons.
struct ArnParts {
  std::string_view partition, service, region, account, resource;
};
// True when s has the "arn:" prefix and at least five colons.
bool split_arn(std::string_view s, ArnParts* out);

// ARN-aware glob: when both sides have six parts each part is matched on its own (a wildcard
// never crosses a part boundary); otherwise the whole strings are globbed, unless six_parts is
// set (the Arn* condition operators), in which case they do not match.
bool arn_glob_match(std::string_view pattern, std::string_view arn, bool six_parts = false);

}  // namespace policy
