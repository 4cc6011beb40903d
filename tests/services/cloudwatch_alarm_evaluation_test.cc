// Alarm evaluation as CloudWatch documents it ("Evaluating an alarm", "Configuring how CloudWatch
// alarms treat missing data"): AWS's table of missing-data cases row by row, M-of-N alarms whose
// breaching datapoints are not consecutive, and the reasons an alarm gives.
#include <gtest/gtest.h>

#include "services/cloudwatch/alarm_evaluation.h"

using namespace citadel::services::cloudwatch;

namespace {

constexpr int64_t kNow = 1'800'000'000'000;
constexpr int64_t kPeriod = 60'000;

// "0 - X - X": oldest first; 0 = not breaching (value 1), X = breaching (value 10), - = missing.
// The threshold is 5, GreaterThanThreshold.
std::vector<PeriodValue> range(std::string_view pattern) {
  std::vector<PeriodValue> out;
  int64_t ts = kNow - 10 * kPeriod;
  for (char c : pattern) {
    if (c == ' ') continue;
    out.push_back({ts, c == '0' ? std::optional<double>(1.0) : c == 'X' ? std::optional<double>(10.0) : std::nullopt});
    ts += kPeriod;
  }
  return out;
}

AlarmRule rule(int n, int m, TreatMissing t) {
  AlarmRule r;
  r.evaluation_periods = n;
  r.datapoints_to_alarm = m;
  r.threshold = 5;
  r.comparison = Comparison::Greater;
  r.treat_missing = t;
  r.statistic = "Average";
  return r;
}

std::string state_of(const char* pattern, TreatMissing t, int n = 3, int m = 3, const char* current = "OK") {
  auto e = evaluate_alarm(rule(n, m, t), range(pattern), current, kNow);
  return e.kept ? std::string("retained ") + e.state : e.state;
}

}  // namespace

// AWS's table: EvaluationPeriods 3, DatapointsToAlarm 3, an evaluation range of 5 periods; the
// columns are TreatMissingData missing, ignore, breaching, notBreaching.
TEST(AlarmEvaluation, AwsMissingDataTable) {
  struct Row {
    const char* points;
    int filled;  // how many of the 3 needed datapoints are filled in by the treatment
    const char* missing;
    const char* ignore;
    const char* breaching;
    const char* not_breaching;
  };
  const Row table[] = {
      {"0 - X - X", 0, "OK", "OK", "OK", "OK"},
      {"- - - - 0", 2, "OK", "OK", "OK", "OK"},
      {"- - - - -", 3, "INSUFFICIENT_DATA", "retained OK", "ALARM", "OK"},
      {"0 X X - X", 0, "ALARM", "ALARM", "ALARM", "ALARM"},
      {"- - X - -", 2, "ALARM", "retained OK", "ALARM", "OK"},
  };
  for (const auto& r : table) {
    SCOPED_TRACE(r.points);
    EXPECT_EQ(evaluation_range(rule(3, 3, TreatMissing::Missing)), 5);
    EXPECT_EQ(static_cast<int>(range(r.points).size()), 5);
    EXPECT_EQ(state_of(r.points, TreatMissing::Missing), r.missing);
    EXPECT_EQ(state_of(r.points, TreatMissing::Ignore), r.ignore);
    EXPECT_EQ(state_of(r.points, TreatMissing::Breaching), r.breaching);
    EXPECT_EQ(state_of(r.points, TreatMissing::NotBreaching), r.not_breaching);
  }
}

TEST(AlarmEvaluation, IgnoreRetainsWhateverTheStateWas) {
  EXPECT_EQ(state_of("- - - - -", TreatMissing::Ignore, 3, 3, "ALARM"), "retained ALARM");
  EXPECT_EQ(state_of("- - X - -", TreatMissing::Ignore, 3, 3, "INSUFFICIENT_DATA"), "retained INSUFFICIENT_DATA");
}

TEST(AlarmEvaluation, MOfNNeedNotBeConsecutive) {
  // 2 out of 3: breaching, not, breaching is enough.
  EXPECT_EQ(state_of("- - X 0 X", TreatMissing::Missing, 3, 2), "ALARM");
  EXPECT_EQ(state_of("- - 0 X 0", TreatMissing::Missing, 3, 2), "OK");
  // Only the 3 most recent real datapoints count: the breaching ones further back are ignored.
  EXPECT_EQ(state_of("X X 0 0 X", TreatMissing::Missing, 3, 2), "OK");
  // Missing periods inside the range are skipped over: the 3 most recent real ones are X X 0.
  EXPECT_EQ(state_of("X X - 0 -", TreatMissing::Breaching, 3, 2), "ALARM");
}

TEST(AlarmEvaluation, NotBreachingFillsAsGood) {
  EXPECT_EQ(state_of("- - - X X", TreatMissing::NotBreaching, 3, 2), "ALARM");
  EXPECT_EQ(state_of("- - - - X", TreatMissing::NotBreaching, 3, 2), "OK");
  EXPECT_EQ(state_of("- - - - X", TreatMissing::Breaching, 3, 2), "ALARM");
}

TEST(AlarmEvaluation, ComparisonOperatorsAtTheThreshold) {
  auto at = [](Comparison c) {
    AlarmRule r = rule(1, 1, TreatMissing::Missing);
    r.comparison = c;
    return evaluate_alarm(r, {{kNow, 5.0}}, "OK", kNow).state;
  };
  EXPECT_EQ(at(Comparison::GreaterOrEqual), "ALARM");
  EXPECT_EQ(at(Comparison::Greater), "OK");
  EXPECT_EQ(at(Comparison::LessOrEqual), "ALARM");
  EXPECT_EQ(at(Comparison::Less), "OK");
}

TEST(AlarmEvaluation, ReasonsAndReasonDataSayWhatWasSeen) {
  AlarmRule r = rule(3, 2, TreatMissing::Missing);
  // 2026-12-02T11:40:00Z and the two minutes after.
  const int64_t t0 = 1'796'211'600'000;
  auto e = evaluate_alarm(r, {{t0, 10.0}, {t0 + kPeriod, 1.0}, {t0 + 2 * kPeriod, 12.5}}, "OK", t0 + 2 * kPeriod + 1000);
  EXPECT_EQ(e.state, "ALARM");
  EXPECT_EQ(e.reason,
            "Threshold Crossed: 2 out of the last 3 datapoints [12.5 (02/12/26 11:42:00), 1.0 (02/12/26 11:41:00), "
            "10.0 (02/12/26 11:40:00)] were greater than the threshold (5.0) (minimum 2 datapoints for OK -> ALARM transition).");
  EXPECT_EQ(e.data.at("statistic"), "Average");
  EXPECT_EQ(e.data.at("threshold").as_double(), 5.0);
  EXPECT_EQ(e.data.at("recentDatapoints").as_array().size(), 3u);
  EXPECT_EQ(e.data.at("evaluatedDatapoints").as_array().front().at("timestamp"), "2026-12-02T11:42:00.000+0000");

  auto ok = evaluate_alarm(rule(1, 1, TreatMissing::Missing), {{t0, 1.0}}, "ALARM", t0);
  EXPECT_EQ(ok.reason,
            "Threshold Crossed: 1 out of the last 1 datapoints [1.0 (02/12/26 11:40:00)] was not greater than the threshold (5.0) "
            "(minimum 1 datapoint for ALARM -> OK transition).");
  auto none = evaluate_alarm(rule(2, 2, TreatMissing::Missing), {{t0, std::nullopt}}, "OK", t0);
  EXPECT_EQ(none.reason, "Insufficient Data: 2 datapoints were unknown.");
}

TEST(AlarmEvaluation, NamesOfTreatmentsAndComparisons) {
  EXPECT_EQ(treat_missing_from("notBreaching"), TreatMissing::NotBreaching);
  EXPECT_FALSE(treat_missing_from("NotBreaching"));
  EXPECT_EQ(comparison_from("LessThanOrEqualToThreshold"), Comparison::LessOrEqual);
  EXPECT_EQ(comparison_from("GreaterThanUpperThreshold"), Comparison::AboveBand);
  EXPECT_FALSE(comparison_from("GreaterThanUpper"));
  EXPECT_EQ(reason_number(90), "90.0");
  EXPECT_EQ(reason_number(99.5), "99.5");
}

// Anomaly detection alarms compare each value with the band at its period.
TEST(AlarmEvaluation, BandComparisonsUseEachPeriodsBounds) {
  const int64_t t0 = 1'796'211'600'000;
  AlarmRule r = rule(2, 2, TreatMissing::Missing);
  r.comparison = Comparison::OutsideBand;
  PeriodValue inside{t0, 10.0, 5, 15}, above{t0 + 60000, 20.0, 5, 15}, below{t0 + 120000, 1.0, 5, 15};
  EXPECT_EQ(evaluate_alarm(r, {inside, above}, "OK", t0).state, "OK");
  EXPECT_EQ(evaluate_alarm(r, {above, below}, "OK", t0).state, "ALARM");
  r.comparison = Comparison::AboveBand;
  EXPECT_EQ(evaluate_alarm(r, {above, below}, "OK", t0).state, "OK");
  auto e = evaluate_alarm(r, {above, above}, "OK", t0);
  EXPECT_EQ(e.state, "ALARM");
  EXPECT_NE(e.reason.find("greater than the upper bound of the anomaly detection band"), std::string::npos) << e.reason;
}
