#include "services/cloudwatch/anomaly_band.h"

#include <algorithm>
#include <cmath>

namespace citadel::services::cloudwatch {

Band anomaly_band(const std::map<int64_t, double>& history, const std::vector<int64_t>& at, double stddevs,
                  const std::vector<std::pair<int64_t, int64_t>>& excluded) {
  // Training points in time order, with prefix sums: each band point is then O(log n).
  std::vector<int64_t> ts;
  std::vector<double> sum{0}, squares{0};
  for (const auto& [t, v] : history) {
    bool skip = std::any_of(excluded.begin(), excluded.end(), [&](const auto& r) { return t >= r.first && t < r.second; });
    if (skip || !std::isfinite(v)) continue;
    ts.push_back(t);
    sum.push_back(sum.back() + v);
    squares.push_back(squares.back() + v * v);
  }
  Band band;
  for (int64_t t : at) {
    auto from = std::lower_bound(ts.begin(), ts.end(), t - kAnomalyTrainingMs) - ts.begin();
    auto to = std::lower_bound(ts.begin(), ts.end(), t) - ts.begin();  // t itself is not training
    auto n = static_cast<size_t>(to - from);
    if (n < kAnomalyMinTraining) continue;
    double mean = (sum[to] - sum[from]) / static_cast<double>(n);
    double variance = std::max(0.0, (squares[to] - squares[from]) / static_cast<double>(n) - mean * mean);
    double sd = std::max(std::sqrt(variance), 0.01 * std::fabs(mean));
    band.lower[t] = mean - stddevs * sd;
    band.upper[t] = mean + stddevs * sd;
  }
  return band;
}

}  // namespace citadel::services::cloudwatch
