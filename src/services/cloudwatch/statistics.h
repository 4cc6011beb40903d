#pragma once
// Statistics over the samples of one period (pure): SampleCount, Sum, Average, Minimum, Maximum
// and percentiles (pNN, pNN.NN) as CloudWatch defines them.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace citadel::services::cloudwatch {

// Every sample that fell into one period, merged.
struct Aggregate {
  double count = 0, sum = 0, min = 0, max = 0;
  // Raw values with their counts, kept for percentiles. Samples sent as StatisticValues carry
  // none: a period made only of those has no percentiles, as in CloudWatch.
  std::vector<std::pair<double, double>> values;

  void add(double c, double s, double mn, double mx);
  void add_values(std::string_view packed);  // see pack_values
};

// "v" or "v*c" items joined by ',': the compact text form of Values/Counts kept per sample.
std::string pack_values(const std::vector<std::pair<double, double>>& values);

// The value of `stat` ("Average", "p99", "p99.9", ...) over `a`; nullopt when it has none.
std::optional<double> statistic(Aggregate& a, std::string_view stat);

bool is_basic_statistic(std::string_view s);     // SampleCount, Average, Sum, Minimum, Maximum
bool is_percentile(std::string_view s);          // p0 .. p100 with up to two decimals
bool is_statistic(std::string_view s);           // either

}  // namespace citadel::services::cloudwatch
