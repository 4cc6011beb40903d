#include "services/cloudwatch/statistics.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>

namespace citadel::services::cloudwatch {

void Aggregate::add(double c, double s, double mn, double mx) {
  if (count == 0) {
    min = mn;
    max = mx;
  } else {
    min = std::min(min, mn);
    max = std::max(max, mx);
  }
  count += c;
  sum += s;
}

void Aggregate::add_values(std::string_view packed) {
  size_t i = 0;
  while (i < packed.size()) {
    size_t end = packed.find(',', i);
    if (end == std::string_view::npos) end = packed.size();
    std::string item(packed.substr(i, end - i));
    char* rest = nullptr;
    double v = std::strtod(item.c_str(), &rest);
    double c = *rest == '*' ? std::strtod(rest + 1, nullptr) : 1.0;
    if (c > 0) values.emplace_back(v, c);
    i = end + 1;
  }
}

std::string pack_values(const std::vector<std::pair<double, double>>& values) {
  std::string out;
  char buf[64];
  for (const auto& [v, c] : values) {
    if (!out.empty()) out += ',';
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
    if (c != 1.0) {
      out += '*';
      r = std::to_chars(buf, buf + sizeof buf, c);
      out.append(buf, r.ptr);
    }
  }
  return out;
}

bool is_basic_statistic(std::string_view s) {
  return s == "SampleCount" || s == "Average" || s == "Sum" || s == "Minimum" || s == "Maximum";
}

bool is_percentile(std::string_view s) {
  if (s.size() < 2 || s[0] != 'p') return false;
  auto num = s.substr(1);
  auto dot = num.find('.');
  std::string_view whole = num.substr(0, dot);
  if (whole.empty() || whole.size() > 3) return false;
  for (char c : whole)
    if (c < '0' || c > '9') return false;
  if (dot != std::string_view::npos) {
    auto frac = num.substr(dot + 1);
    if (frac.empty() || frac.size() > 2) return false;
    for (char c : frac)
      if (c < '0' || c > '9') return false;
  }
  double p = std::strtod(std::string(num).c_str(), nullptr);
  return p >= 0 && p <= 100;
}

bool is_statistic(std::string_view s) { return is_basic_statistic(s) || is_percentile(s); }

std::optional<double> statistic(Aggregate& a, std::string_view stat) {
  if (a.count <= 0) return std::nullopt;
  if (stat == "SampleCount") return a.count;
  if (stat == "Sum") return a.sum;
  if (stat == "Average") return a.sum / a.count;
  if (stat == "Minimum") return a.min;
  if (stat == "Maximum") return a.max;
  if (!is_percentile(stat) || a.values.empty()) return std::nullopt;
  // Nearest rank over the weighted values: the smallest value at or below which p% of the
  // samples lie.
  double p = std::strtod(std::string(stat.substr(1)).c_str(), nullptr);
  std::sort(a.values.begin(), a.values.end());
  double total = 0;
  for (const auto& [v, c] : a.values) total += c;
  double rank = std::max(1.0, std::ceil(p / 100.0 * total));
  double seen = 0;
  for (const auto& [v, c] : a.values) {
    seen += c;
    if (seen >= rank) return v;
  }
  return a.values.back().first;
}

}  // namespace citadel::services::cloudwatch
