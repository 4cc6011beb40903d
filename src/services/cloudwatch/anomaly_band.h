#pragma once
// The expected range of a metric (ANOMALY_DETECTION_BAND), by a documented model, since AWS
// publishes none of its own (pure).
//
// Model: at each period t, the metric's values (at the query's period and statistic) over the 14
// days before t — t itself excluded, and any excluded time range of the metric's anomaly detector
// — give a mean m and a standard deviation s; the band is m ± k·s (k: the function's second
// argument, default 2). s is floored at 1% of |m| so that a perfectly flat history still has a
// band a real change leaves. With fewer than 5 training values there is no band at t (a graph
// shows none; an alarm sees a missing datapoint). Why this model: it needs no training job, it is
// reproducible from the stored data alone, and it flags what a user of anomaly detection expects —
// a value far from the metric's recent level; it does not model daily or weekly seasonality, so a
// metric with a strong daily cycle gets a band wide enough to hold the cycle.
#include <cstddef>
#include <cstdint>
#include <map>
#include <utility>
#include <vector>

namespace citadel::services::cloudwatch {

inline constexpr int64_t kAnomalyTrainingMs = 14LL * 24 * 3600 * 1000;
inline constexpr size_t kAnomalyMinTraining = 5;

struct Band {
  std::map<int64_t, double> lower, upper;
};

// `history`: the metric's values by period start, reaching kAnomalyTrainingMs before the first of
// `at`. `excluded`: [start, end) ranges left out of training.
Band anomaly_band(const std::map<int64_t, double>& history, const std::vector<int64_t>& at, double stddevs,
                  const std::vector<std::pair<int64_t, int64_t>>& excluded = {});

}  // namespace citadel::services::cloudwatch
