#pragma once
// CloudWatch metric math (pure): parses and evaluates an expression such as
// "SUM(METRICS()) / 60", "IF(m1 > 90, 1, 0)" or "FILL(RATE(m1), 0)" over time series that the
// caller supplies by id. Supported: + - * / ^, comparisons (== != < <= > >=) and AND/OR (&&, ||)
// giving 1 or 0, unary minus, [a, b] arrays, and the functions SUM AVG MIN MAX (of an array:
// a series; of a series: a scalar), METRICS(["label part"]), FILL(x, value|REPEAT|LINEAR), RATE,
// DIFF, IF(cond, a[, b]), ABS, CEIL, FLOOR, ANOMALY_DETECTION_BAND(metric id[, standard deviations]),
// SEARCH('{schema} terms', 'stat'[, period]).
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace citadel::services::cloudwatch {

struct Series {
  std::string label;
  int64_t period_s = 60;
  std::map<int64_t, double> points;  // timestamp ms -> value; missing periods are absent
};

struct MathValue {
  enum class Kind { Scalar, Series, Array } kind = Kind::Scalar;
  double scalar = 0;
  std::vector<Series> series;  // one for Series, any number for Array
};

struct MathContext {
  // The value of another query by its id (nullopt: no such id). May evaluate that query.
  std::function<Result<std::optional<MathValue>>(const std::string& id)> lookup;
  // METRICS(): the series of every MetricStat query of the request.
  std::function<Result<std::vector<Series>>()> all_metrics;
  // ANOMALY_DETECTION_BAND(id, k): the band of the MetricStat query `id` (anomaly_band.h), as an
  // array of two series, the lower bound then the upper.
  std::function<Result<MathValue>(const std::string& id, double stddevs)> anomaly_band;
  // SEARCH(search, stat[, period]): the series of the metrics the search finds (metric_search.h),
  // as an array; unset where searches are not allowed (alarms).
  std::function<Result<MathValue>(const std::string& search, const std::string& stat, int64_t period_s)> search;
  int64_t start_ms = 0, end_ms = 0;  // the request's range, for FILL and scalars
  int64_t period_s = 60;             // the period of results that have none of their own
};

// Errors are ValidationError with "Error in expression ID: ..." messages.
Result<MathValue> evaluate_expression(const std::string& id, std::string_view expression, const MathContext& ctx);

// Whether `expression` calls the function `function` (e.g. "SEARCH"), as evaluation would read it.
bool expression_calls(std::string_view expression, std::string_view function);

// A result as the series it is returned as: a scalar repeats at every period of the range.
std::vector<Series> as_series(const MathValue& v, const MathContext& ctx);

}  // namespace citadel::services::cloudwatch
