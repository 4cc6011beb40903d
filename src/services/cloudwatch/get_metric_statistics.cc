// GetMetricStatistics: the statistics of one metric per period over a time range.
#include "services/cloudwatch/cloudwatch_operations.h"
#include "services/cloudwatch/metric_store.h"
#include "services/cloudwatch/period_rules.h"

namespace citadel::services::cloudwatch {

namespace {

constexpr int64_t kMaxDatapoints = 1440;

Result<json::value> get_metric_statistics(Call& call) {
  const auto& in = call.input;
  int64_t start = *integer(in, "StartTime"), end = *integer(in, "EndTime"), period = *integer(in, "Period");
  if (auto s = check_period(period, "Period"); !s) return s.error();
  if (auto s = check_range(start, end); !s) return s.error();
  const auto* stats = array(in, "Statistics");
  const auto* extended = array(in, "ExtendedStatistics");
  if ((!stats || stats->empty()) && (!extended || extended->empty()))
    return missing_parameter("Must specify either Statistics or ExtendedStatistics.");
  if (stats && !stats->empty() && extended && !extended->empty())
    return invalid_combination("The parameters Statistics and ExtendedStatistics are mutually exclusive and you have specified both.");
  if (extended)
    for (const auto& e : *extended)
      if (!e.is_string() || !is_percentile(e.as_string()))
        return invalid_value("The value " + (e.is_string() ? std::string(e.as_string()) : std::string()) +
                             " for parameter ExtendedStatistics is not a valid percentile (p0.0 to p100).");
  // Periods are aligned to the epoch: the range covers whole periods.
  int64_t p = period * 1000;
  int64_t first = (start / p) * p, count = (end - first + p - 1) / p;
  if (count > kMaxDatapoints)
    return invalid_combination("You have requested up to " + std::to_string(count) + " datapoints, which exceeds the limit of " +
                               std::to_string(kMaxDatapoints) + ". You may reduce the datapoints requested by increasing Period, or decreasing the time range.");
  auto dims = read_dimensions(in.if_contains("Dimensions"), "Dimensions");
  if (!dims) return dims.error();
  MetricKey key{call.account(), call.ctx.region, call.str("Namespace"), call.str("MetricName"), std::move(*dims)};
  json::object out{{"Label", key.name}, {"Datapoints", json::array{}}};
  auto id = find_metric(call.tx, key);
  if (!id) return id.error();
  if (!*id || period < coarsest_grain_s(start, call.ctx.now_ms)) return out;
  std::string unit = call.str("Unit");
  auto periods = read_periods(call.tx, **id, first, end, period, unit, extended != nullptr);
  if (!periods) return periods.error();
  std::string shown_unit = unit;
  if (shown_unit.empty()) {
    auto u = latest_unit(call.tx, **id, first, end);
    if (!u) return u.error();
    shown_unit = *u;
  }
  auto& points = out["Datapoints"].as_array();
  for (auto& [ts, agg] : *periods) {
    json::object dp{{"Timestamp", ts}, {"Unit", shown_unit.empty() ? "None" : shown_unit}};
    if (stats)
      for (const auto& s : *stats)
        if (s.is_string())
          if (auto v = statistic(agg, s.as_string())) dp[s.as_string()] = *v;
    if (extended) {
      json::object ext;
      for (const auto& e : *extended)
        if (auto v = statistic(agg, e.as_string())) ext[e.as_string()] = *v;
      dp["ExtendedStatistics"] = std::move(ext);
    }
    points.push_back(std::move(dp));
  }
  return out;
}

}  // namespace

void add_get_metric_statistics(std::vector<OperationDef>& ops) {
  ops.push_back(cw_op("GetMetricStatistics", true, Resource::None, get_metric_statistics));
}

}  // namespace citadel::services::cloudwatch
