#include "services/cloudwatch/alarm_evaluation.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <ctime>

#include "base/time.h"

namespace citadel::services::cloudwatch {

namespace json = boost::json;

std::optional<TreatMissing> treat_missing_from(std::string_view s) {
  if (s == "missing") return TreatMissing::Missing;
  if (s == "ignore") return TreatMissing::Ignore;
  if (s == "breaching") return TreatMissing::Breaching;
  if (s == "notBreaching") return TreatMissing::NotBreaching;
  return std::nullopt;
}

std::optional<Comparison> comparison_from(std::string_view s) {
  if (s == "GreaterThanOrEqualToThreshold") return Comparison::GreaterOrEqual;
  if (s == "GreaterThanThreshold") return Comparison::Greater;
  if (s == "LessThanThreshold") return Comparison::Less;
  if (s == "LessThanOrEqualToThreshold") return Comparison::LessOrEqual;
  if (s == "LessThanLowerOrGreaterThanUpperThreshold") return Comparison::OutsideBand;
  if (s == "LessThanLowerThreshold") return Comparison::BelowBand;
  if (s == "GreaterThanUpperThreshold") return Comparison::AboveBand;
  return std::nullopt;
}

bool is_band_comparison(Comparison c) { return c == Comparison::OutsideBand || c == Comparison::BelowBand || c == Comparison::AboveBand; }

int evaluation_range(const AlarmRule& r) { return r.evaluation_periods + 2; }

std::string reason_number(double v) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  std::string s(buf, res.ptr);
  if (s.find_first_of(".en") == std::string::npos) s += ".0";
  return s;
}

namespace {

bool breaches(const AlarmRule& r, const PeriodValue& p) {
  double v = *p.value;
  switch (r.comparison) {
    case Comparison::GreaterOrEqual: return v >= r.threshold;
    case Comparison::Greater: return v > r.threshold;
    case Comparison::Less: return v < r.threshold;
    case Comparison::LessOrEqual: return v <= r.threshold;
    case Comparison::OutsideBand: return v < p.lower || v > p.upper;
    case Comparison::BelowBand: return v < p.lower;
    case Comparison::AboveBand: return v > p.upper;
  }
  return false;
}

const char* comparison_words(Comparison c) {
  switch (c) {
    case Comparison::GreaterOrEqual: return "greater than or equal to";
    case Comparison::Greater: return "greater than";
    case Comparison::Less: return "less than";
    case Comparison::LessOrEqual: return "less than or equal to";
    case Comparison::OutsideBand: return "outside the band of";
    case Comparison::BelowBand: return "less than the lower bound of";
    case Comparison::AboveBand: return "greater than the upper bound of";
  }
  return "";
}

// "02/12/26 11:40:00", the form of timestamps in reasons.
std::string reason_time(int64_t ms) {
  std::string iso = timeutil::iso8601(ms);  // 2026-12-02T11:40:00Z
  return iso.substr(8, 2) + "/" + iso.substr(5, 2) + "/" + iso.substr(2, 2) + " " + iso.substr(11, 8);
}

std::string query_time(int64_t ms) {
  std::string iso = timeutil::iso8601(ms, true);  // 2026-12-02T11:40:00.000Z
  return iso.substr(0, iso.size() - 1) + "+0000";
}

}  // namespace

Evaluation evaluate_alarm(const AlarmRule& rule, const std::vector<PeriodValue>& range, std::string_view current, int64_t now_ms) {
  const int n = rule.evaluation_periods, m = rule.datapoints_to_alarm;
  std::vector<const PeriodValue*> real;  // newest first
  for (auto it = range.rbegin(); it != range.rend(); ++it)
    if (it->value) real.push_back(&*it);
  Evaluation e;
  e.data = json::object{{"version", "1.0"}, {"queryDate", query_time(now_ms)}};
  if (!range.empty()) e.data["startDate"] = query_time(range.front().ts_ms);
  e.data["statistic"] = rule.statistic;
  e.data["period"] = rule.period_s;
  json::array recent;
  for (const auto& p : range)
    if (p.value) recent.push_back(*p.value);
  e.data["recentDatapoints"] = std::move(recent);
  e.data["threshold"] = rule.threshold;

  const bool latest_missing = range.empty() || !range.back().value;
  if (real.empty() && rule.treat_missing == TreatMissing::Missing) {
    e.state = "INSUFFICIENT_DATA";
    e.reason = "Insufficient Data: " + std::to_string(n) + (n == 1 ? " datapoint was unknown." : " datapoints were unknown.");
    return e;
  }
  if (rule.treat_missing == TreatMissing::Ignore && latest_missing && static_cast<int>(real.size()) < n) {
    e.state = std::string(current);
    e.kept = true;
    e.reason = "Missing data is ignored: the alarm keeps its state.";
    return e;
  }

  if (static_cast<int>(real.size()) > n) real.resize(static_cast<size_t>(n));
  int breaching = 0;
  for (const auto* p : real) breaching += breaches(rule, *p);
  const int filled = n - static_cast<int>(real.size());  // 0 when the range held N real points
  int needed = m;
  if (filled > 0) {
    if (rule.treat_missing == TreatMissing::Breaching) breaching += filled;
    else if (rule.treat_missing != TreatMissing::NotBreaching) needed = std::min(m, static_cast<int>(real.size()));
  }
  const bool alarm = breaching >= needed;
  e.state = alarm ? "ALARM" : "OK";

  // "Threshold Crossed: 2 out of the last 3 datapoints [5.0 (02/12/26 11:40:00), ...] were greater
  // than or equal to the threshold (4.0) (minimum 2 datapoints for OK -> ALARM transition)."
  int shown = static_cast<int>(real.size()) + filled;
  int counted = alarm ? breaching : shown - breaching;
  std::string list;
  json::array evaluated;
  for (const auto* p : real) {
    list += (list.empty() ? "" : ", ") + reason_number(*p->value) + " (" + reason_time(p->ts_ms) + ")";
    json::object point{{"timestamp", query_time(p->ts_ms)}, {"value", *p->value}};
    if (is_band_comparison(rule.comparison)) point["threshold"] = json::array{p->lower, p->upper};
    evaluated.push_back(std::move(point));
  }
  e.data["evaluatedDatapoints"] = std::move(evaluated);
  int minimum = alarm ? needed : std::max(1, shown - needed + 1);
  e.reason = "Threshold Crossed: " + std::to_string(counted) + " out of the last " + std::to_string(shown) + " datapoints [" + list + "] " +
             (counted == 1 ? "was " : "were ") + (alarm ? "" : "not ") + comparison_words(rule.comparison) +
             (is_band_comparison(rule.comparison) ? std::string(" the anomaly detection band")
                                                  : " the threshold (" + reason_number(rule.threshold) + ")") +
             " (minimum " + std::to_string(minimum) + (minimum == 1 ? " datapoint for " : " datapoints for ") +
             (alarm ? "OK -> ALARM" : "ALARM -> OK") + " transition).";
  if (filled > 0) e.reason += " " + std::to_string(filled) + (filled == 1 ? " missing datapoint was" : " missing datapoints were") + " treated as " +
                              (rule.treat_missing == TreatMissing::Breaching ? "breaching." : rule.treat_missing == TreatMissing::NotBreaching ? "not breaching." : "missing.");
  return e;
}

}  // namespace citadel::services::cloudwatch
