#include "services/cloudwatch/alarm_config.h"

#include "services/cloudwatch/alarm_actions.h"
#include "services/cloudwatch/metric_math.h"
#include "services/cloudwatch/metric_queries.h"
#include "services/cloudwatch/period_rules.h"
#include "services/cloudwatch/statistics.h"

namespace citadel::services::cloudwatch {

namespace {

constexpr int64_t kMaxEvaluationSeconds = 7 * 24 * 3600;  // Period x EvaluationPeriods
constexpr size_t kMaxActions = 5;

// A metric-math alarm: exactly one query returns data, and that one is the alarm's series (an
// anomaly detection alarm's band, ThresholdMetricId, returns data besides it).
Status check_metrics(const json::array& metrics, const std::string& band_id) {
  if (auto s = check_queries(metrics, "Metrics"); !s) return s;
  for (const auto& q : metrics)  // CloudWatch alarms cannot watch a search's changing set of metrics
    if (expression_calls(text(q.as_object(), "Expression"), "SEARCH"))
      return invalid_value("SEARCH expressions are not supported in alarms.");
  int returning = 0;
  for (const auto& q : metrics) {
    const auto* rd = q.as_object().if_contains("ReturnData");
    if (!band_id.empty() && text(q.as_object(), "Id") == band_id) continue;
    returning += !rd || !rd->is_bool() || rd->as_bool();
  }
  if (returning != 1) return invalid_value("Exactly one element of the Metrics list must return data.");
  return Ok{};
}

}  // namespace

Status check_alarm_config(const json::object& in, const std::string& region) {
  const auto* metrics = array(in, "Metrics");
  bool single = in.contains("MetricName") || in.contains("Namespace") || in.contains("Statistic") ||
                in.contains("ExtendedStatistic") || in.contains("Dimensions") || in.contains("Period") || in.contains("Unit");
  if (metrics && !metrics->empty()) {
    if (single)
      return invalid_combination("The parameters MetricName, Namespace, Statistic, ExtendedStatistic, Dimensions, Period and Unit must not be specified with Metrics.");
    if (auto s = check_metrics(*metrics, text(in, "ThresholdMetricId")); !s) return s;
  } else {
    if (!in.contains("MetricName")) return missing_parameter("The parameter MetricName is required.");
    if (!in.contains("Namespace")) return missing_parameter("The parameter Namespace is required.");
    bool stat = in.contains("Statistic"), ext = in.contains("ExtendedStatistic");
    if (stat == ext) return invalid_combination("Exactly one element of the Statistic and ExtendedStatistic parameters must be specified.");
    if (ext && !is_percentile(text(in, "ExtendedStatistic")))
      return invalid_value("The value " + text(in, "ExtendedStatistic") + " for parameter ExtendedStatistic is not a valid percentile.");
    auto period = integer(in, "Period");
    if (!period) return missing_parameter("The parameter Period is required.");
    // Alarms on high-resolution metrics may use 10 or 30 seconds; otherwise multiples of a minute.
    if (!(*period == 10 || *period == 30 || *period % 60 == 0))
      return invalid_value("The parameter Period must be 10, 30 or a multiple of 60.");
    if (auto d = read_dimensions(in.if_contains("Dimensions"), "Dimensions"); !d) return d.error();
  }
  auto n = integer(in, "EvaluationPeriods");
  if (!n) return missing_parameter("The parameter EvaluationPeriods is required.");
  if (auto m = integer(in, "DatapointsToAlarm"); m && *m > *n)
    return invalid_value("DatapointsToAlarm must be less than or equal to EvaluationPeriods.");
  AlarmRule r = alarm_rule(in);
  if (r.period_s * *n > kMaxEvaluationSeconds)
    return invalid_value("The evaluation period (Period x EvaluationPeriods) must not exceed 7 days.");
  std::string cmp = text(in, "ComparisonOperator");
  if (cmp.empty()) return missing_parameter("The parameter ComparisonOperator is required.");
  auto comparison = comparison_from(cmp);
  if (!comparison) return invalid_value("The value " + cmp + " for parameter ComparisonOperator is not valid.");
  if (std::string band = text(in, "ThresholdMetricId"); !band.empty()) {
    // An anomaly detection alarm: the band is one of its Metrics, an ANOMALY_DETECTION_BAND expression.
    if (in.contains("Threshold")) return invalid_combination("Threshold and ThresholdMetricId cannot both be specified.");
    if (!is_band_comparison(*comparison))
      return invalid_value("ComparisonOperator must be LessThanLowerOrGreaterThanUpperThreshold, LessThanLowerThreshold or "
                           "GreaterThanUpperThreshold when ThresholdMetricId is specified.");
    const json::object* found = nullptr;
    if (const auto* metrics = array(in, "Metrics"))
      for (const auto& q : *metrics)
        if (q.is_object() && text(q.as_object(), "Id") == band) found = &q.as_object();
    if (!found || text(*found, "Expression").find("ANOMALY_DETECTION_BAND") == std::string::npos)
      return invalid_value("ThresholdMetricId " + band + " must be the Id of an ANOMALY_DETECTION_BAND expression in Metrics.");
  } else {
    if (is_band_comparison(*comparison))
      return missing_parameter("The comparison operator " + cmp + " needs ThresholdMetricId, the Id of an anomaly detection band.");
    if (!in.contains("Threshold")) return missing_parameter("The parameter Threshold is required.");
  }
  if (std::string t = text(in, "TreatMissingData"); !t.empty() && !treat_missing_from(t))
    return invalid_value("The value " + t + " for parameter TreatMissingData is invalid. Valid values are breaching, notBreaching, ignore and missing.");
  if (std::string e = text(in, "EvaluateLowSampleCountPercentile"); !e.empty() && e != "evaluate" && e != "ignore")
    return invalid_value("The value " + e + " for parameter EvaluateLowSampleCountPercentile is invalid.");
  for (const char* member : {"AlarmActions", "OKActions", "InsufficientDataActions"}) {
    const auto* actions = array(in, member);
    if (!actions) continue;
    if (actions->size() > kMaxActions)
      return invalid_value("The collection " + std::string(member) + " must not have a size greater than " + std::to_string(kMaxActions) + ".");
    size_t i = 0;
    for (const auto& a : *actions)
      if (auto s = check_action(a.is_string() ? std::string(a.as_string()) : "", region, in,
                                std::string(member) + ".member." + std::to_string(++i));
          !s)
        return s;
  }
  return Ok{};
}

AlarmRule alarm_rule(const json::object& c) {
  AlarmRule r;
  r.evaluation_periods = static_cast<int>(integer(c, "EvaluationPeriods").value_or(1));
  r.datapoints_to_alarm = static_cast<int>(integer(c, "DatapointsToAlarm").value_or(r.evaluation_periods));
  r.threshold = number(c, "Threshold").value_or(0);
  r.comparison = comparison_from(text(c, "ComparisonOperator")).value_or(Comparison::GreaterOrEqual);
  r.treat_missing = treat_missing_from(text(c, "TreatMissingData")).value_or(TreatMissing::Missing);
  r.statistic = c.contains("ExtendedStatistic") ? text(c, "ExtendedStatistic") : text(c, "Statistic");
  r.period_s = integer(c, "Period").value_or(60);
  const auto* metrics = array(c, "Metrics");
  if (!metrics || metrics->empty()) return r;
  // A metric-math alarm evaluates the query that returns data: a MetricStat's own period and
  // statistic, or an expression's Period, else the smallest period of the metrics it reads.
  int64_t smallest = 0;
  for (const auto& q : *metrics)
    if (const auto* ms = q.as_object().if_contains("MetricStat"); ms && ms->is_object()) {
      int64_t p = integer(ms->as_object(), "Period").value_or(60);
      if (smallest == 0 || p < smallest) smallest = p;
    }
  for (const auto& q : *metrics) {
    const auto& o = q.as_object();
    const auto* rd = o.if_contains("ReturnData");
    if (rd && rd->is_bool() && !rd->as_bool()) continue;
    if (text(o, "Id") == text(c, "ThresholdMetricId")) continue;  // the band, not the alarm's metric
    if (const auto* ms = o.if_contains("MetricStat"); ms && ms->is_object()) {
      r.period_s = integer(ms->as_object(), "Period").value_or(60);
      r.statistic = text(ms->as_object(), "Stat");
    } else {
      r.period_s = integer(o, "Period").value_or(smallest ? smallest : 60);
      r.statistic.clear();
    }
  }
  return r;
}

}  // namespace citadel::services::cloudwatch
