#pragma once
// MetricDataQueries, as GetMetricData and metric-math alarms take them: each query either reads a
// metric (MetricStat) or computes an expression over the others; results by query, in request
// order.
#include <string>
#include <vector>

#include "services/cloudwatch/metric_math.h"
#include "services/service.h"

namespace citadel::services::cloudwatch {

struct QueryResult {
  std::string id, label;
  bool return_data = true;
  std::vector<Series> series;  // one, or several for an expression that yields an array
};

struct QueryScope {
  std::string account, region;
  int64_t start_ms = 0, end_ms = 0, now_ms = 0;
  std::string where = "MetricDataQueries";  // the member name in errors ("Metrics" for alarms)
  bool allow_search = true;                 // SEARCH expressions (not in alarms, as in CloudWatch)
};

// Checks the queries (ids, one of MetricStat/Expression, statistics, periods) without reading.
Status check_queries(const json::array& queries, const std::string& where);
// Checks, then evaluates every query.
Result<std::vector<QueryResult>> run_queries(store::Tx& tx, const json::array& queries, const QueryScope& scope);

}  // namespace citadel::services::cloudwatch
