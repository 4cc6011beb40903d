#pragma once
// How a metric alarm decides its state (pure: values in, state out; the caller supplies the clock
// and the data). CloudWatch's method, from "Evaluating an alarm" and "Configuring how CloudWatch
// alarms treat missing data":
//  - the alarm looks at an evaluation range of periods longer than EvaluationPeriods (N), so that
//    it can reach back past missing periods;
//  - with at least N real datapoints in the range, the N most recent ones decide: ALARM when at
//    least DatapointsToAlarm (M) of them breach, else OK; TreatMissingData plays no part;
//  - with fewer, missing periods are filled as few times as possible (N minus the real count)
//    by TreatMissingData: breaching counts them as breaching, notBreaching as not; missing
//    decides on the real datapoints alone (ALARM when all of at least min(M, real) breach) and
//    goes INSUFFICIENT_DATA when the range holds none; ignore keeps the current state when the
//    most recent period is missing, and otherwise decides as missing does.
#include <boost/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace citadel::services::cloudwatch {

enum class TreatMissing { Missing, Ignore, Breaching, NotBreaching };
std::optional<TreatMissing> treat_missing_from(std::string_view s);  // "missing", "ignore", ...

// The last three compare with an anomaly detection band (PeriodValue's lower and upper).
enum class Comparison { GreaterOrEqual, Greater, Less, LessOrEqual, OutsideBand, BelowBand, AboveBand };
std::optional<Comparison> comparison_from(std::string_view s);  // "GreaterThanOrEqualToThreshold", ...
bool is_band_comparison(Comparison c);

struct AlarmRule {
  int evaluation_periods = 1;   // N
  int datapoints_to_alarm = 1;  // M
  double threshold = 0;
  Comparison comparison = Comparison::GreaterOrEqual;
  TreatMissing treat_missing = TreatMissing::Missing;
  int64_t period_s = 60;
  std::string statistic;  // for StateReasonData
};

// How many periods, ending with the current one, the alarm reads.
int evaluation_range(const AlarmRule& r);

struct PeriodValue {
  int64_t ts_ms = 0;
  std::optional<double> value;  // nullopt: no data in that period
  double lower = 0, upper = 0;  // the band at that period (band comparisons, which need one to have a value)
};

struct Evaluation {
  std::string state;         // OK, ALARM or INSUFFICIENT_DATA; the current one when kept
  bool kept = false;         // TreatMissingData=ignore left the state as it was
  std::string reason;        // StateReason
  boost::json::object data;  // StateReasonData
};

// `range` holds the evaluation range, oldest period first.
Evaluation evaluate_alarm(const AlarmRule& rule, const std::vector<PeriodValue>& range, std::string_view current_state, int64_t now_ms);

// Numbers as CloudWatch writes them in reasons: "90.0", "99.5".
std::string reason_number(double v);

}  // namespace citadel::services::cloudwatch
