#include "policy/text.h"

namespace policy {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a == b) return true;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i] != b[i] && ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  return true;
}

bool iequals_prefix(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

std::string to_glob(std::string_view pattern, bool fold) {
  std::string out;
  out.reserve(pattern.size());
  for (char c : pattern) {
    if (c == '*') out.push_back(kStar);
    else if (c == '?') out.push_back(kQuestion);
    else out.push_back(fold ? ascii_lower(c) : c);
  }
  return out;
}

bool glob_match(std::string_view p, std::string_view s, bool icase) {
  std::size_t pi = 0, si = 0, star = std::string_view::npos, mark = 0;
  while (si < s.size()) {
    if (pi < p.size()) {
      const char pc = p[pi];
      if (pc == kStar) {
        star = pi++;
        mark = si;
        continue;
      }
      const char sc = icase ? ascii_lower(s[si]) : s[si];
      if (pc == kQuestion || pc == sc) {
        ++pi;
        ++si;
        continue;
      }
    }
    if (star == std::string_view::npos) return false;
    pi = star + 1;
    si = ++mark;
  }
  while (pi < p.size() && p[pi] == kStar) ++pi;
  return pi == p.size();
}

bool split_arn(std::string_view s, ArnParts* out) {
  if (s.size() < 4 || s.substr(0, 4) != "arn:") return false;
  std::string_view parts[5];
  std::size_t start = 0;
  for (int i = 0; i < 5; ++i) {
    std::size_t c = s.find(':', start);
    if (c == std::string_view::npos) return false;
    parts[i] = s.substr(start, c - start);
    start = c + 1;
  }
  out->partition = parts[1];
  out->service = parts[2];
  out->region = parts[3];
  out->account = parts[4];
  out->resource = s.substr(start);
  return true;
}

namespace {
// Splits a (possibly marker-carrying) string at its first five colons.
int split6(std::string_view s, std::string_view parts[6]) {
  std::size_t start = 0;
  for (int i = 0; i < 5; ++i) {
    std::size_t c = s.find(':', start);
    if (c == std::string_view::npos) return i;
    parts[i] = s.substr(start, c - start);
    start = c + 1;
  }
  parts[5] = s.substr(start);
  return 6;
}
}  // namespace

bool arn_glob_match(std::string_view pattern, std::string_view arn, bool six_parts) {
  std::string_view pp[6], ap[6];
  if (split6(pattern, pp) == 6 && split6(arn, ap) == 6) {
    for (int i = 0; i < 6; ++i)
      if (!glob_match(pp[i], ap[i], false)) return false;
    return true;
  }
  if (six_parts) return pattern.size() == 1 && pattern[0] == kStar;
  return glob_match(pattern, arn, false);
}

}  // namespace policy
