#pragma once
// Where metrics and their samples live (tables cw_metrics and cw_samples), per account and region.
// A sample is one datum of one PutMetricData call: its count, sum, minimum and maximum, and its
// raw values when it came with any (for percentiles). Reads merge samples into periods.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "services/cloudwatch/cw_common.h"
#include "services/cloudwatch/statistics.h"

namespace citadel::services::cloudwatch {

struct MetricKey {
  std::string account, region, ns, name;
  Dimensions dims;
};

struct Sample {
  int64_t ts_ms = 0;
  int resolution = 60;  // StorageResolution: 1 (high resolution) or 60 seconds
  std::string unit = "None";
  double count = 0, sum = 0, min = 0, max = 0;
  std::string values;  // pack_values(), "" when sent as StatisticValues
};

// The metric's id, created on first use; its last-put time is advanced to `now_ms`.
Result<int64_t> upsert_metric(store::Tx& tx, const MetricKey& key, int64_t now_ms);
Status insert_sample(store::Tx& tx, int64_t metric_id, const Sample& s);
// Puts one sample at `s.ts_ms` to the metric, creating it: what a service publishing its own
// metrics does (EC2 instances, S3 storage, API usage).
Status put_sample(store::Tx& tx, const MetricKey& key, const Sample& s, int64_t now_ms);
// The same for a single value.
Status put_value(store::Tx& tx, const MetricKey& key, const std::string& unit, double value, int64_t ts_ms, int64_t now_ms);
// The metric's id, or nullopt when nothing was ever put to it.
Result<std::optional<int64_t>> find_metric(store::Tx& tx, const MetricKey& key);

// Samples of [start_ms, end_ms) merged into periods of `period_s` seconds aligned to the epoch,
// keyed by period start; only samples of `unit` when it is not empty. `with_values` also loads
// raw values (needed for percentiles only, so the common reads skip them).
using Periods = std::map<int64_t, Aggregate>;
Result<Periods> read_periods(store::Tx& tx, int64_t metric_id, int64_t start_ms, int64_t end_ms, int64_t period_s,
                             const std::string& unit, bool with_values);
// The unit of the metric's latest sample in the range ("" when none), for GetMetricStatistics.
Result<std::string> latest_unit(store::Tx& tx, int64_t metric_id, int64_t start_ms, int64_t end_ms);

struct ListedMetric {
  int64_t id = 0;
  std::string ns, name;
  Dimensions dims;
};
// Metrics of the account and region with a put since `since_ms`, id > `after_id`, at most `limit`,
// by id; namespace and name filters when not empty.
Result<std::vector<ListedMetric>> list_metrics(store::Tx& tx, const std::string& account, const std::string& region,
                                               const std::string& ns, const std::string& name, int64_t since_ms,
                                               int64_t after_id, int64_t limit);

// CloudWatch's retention: data of periods under a minute kept 3 hours, then rolled up into
// 1-minute periods kept 15 days, then 5-minute periods kept 63 days, then 1-hour periods kept
// 455 days, then removed. Rolls up and removes whatever `now_ms` says is due.
Status apply_retention(store::Tx& tx, int64_t now_ms);

std::vector<store::Migration> metric_migrations();

}  // namespace citadel::services::cloudwatch
