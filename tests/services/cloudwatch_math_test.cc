// Statistics over a period (percentiles included) and metric math over series supplied by id.
#include <gtest/gtest.h>

#include <cmath>

#include "services/cloudwatch/cw_common.h"
#include "services/cloudwatch/anomaly_band.h"
#include "services/cloudwatch/metric_math.h"
#include "services/cloudwatch/statistics.h"

using namespace citadel;
using namespace citadel::services::cloudwatch;

namespace {

constexpr int64_t kT = 1'800'000'000'000 - (1'800'000'000'000 % 60'000);  // a minute boundary
constexpr int64_t kM = 60'000;

Series series(std::initializer_list<std::pair<int, double>> points, const char* label = "") {
  Series s{label, 60, {}};
  for (auto [k, v] : points) s.points[kT + k * kM] = v;
  return s;
}

MathValue one(Series s) {
  MathValue v;
  v.kind = MathValue::Kind::Series;
  v.series.push_back(std::move(s));
  return v;
}

struct Fixture {
  std::map<std::string, Series> by_id{{"m1", series({{0, 1}, {1, 2}, {2, 4}}, "cpu")},
                                      {"m2", series({{0, 10}, {2, 30}}, "mem")}};
  MathContext ctx() {
    MathContext c;
    c.start_ms = kT;
    c.end_ms = kT + 3 * kM;
    c.lookup = [this](const std::string& id) -> Result<std::optional<MathValue>> {
      auto it = by_id.find(id);
      if (it == by_id.end()) return std::optional<MathValue>();
      return std::optional<MathValue>(one(it->second));
    };
    c.all_metrics = [this]() -> Result<std::vector<Series>> { return std::vector<Series>{by_id["m1"], by_id["m2"]}; };
    return c;
  }
  MathValue eval(const char* expr) {
    auto c = ctx();
    auto v = evaluate_expression("e1", expr, c);
    EXPECT_TRUE(v.ok()) << expr << ": " << (v.ok() ? "" : v.error().message);
    return v.ok() ? *v : MathValue{};
  }
  std::map<int64_t, double> points(const char* expr) {
    auto v = eval(expr);
    EXPECT_EQ(v.kind, MathValue::Kind::Series) << expr;
    return v.series.empty() ? std::map<int64_t, double>{} : v.series.front().points;
  }
};

std::map<int64_t, double> at(std::initializer_list<std::pair<int, double>> p) { return series(p).points; }

}  // namespace

TEST(Statistics, BasicStatisticsAndPercentiles) {
  Aggregate a;
  a.add(4, 10, 1, 4);
  a.add_values(pack_values({{1, 1}, {2, 1}, {3, 1}, {4, 1}}));
  EXPECT_EQ(*statistic(a, "SampleCount"), 4);
  EXPECT_EQ(*statistic(a, "Average"), 2.5);
  EXPECT_EQ(*statistic(a, "Minimum"), 1);
  EXPECT_EQ(*statistic(a, "Maximum"), 4);
  EXPECT_EQ(*statistic(a, "p50"), 2);
  EXPECT_EQ(*statistic(a, "p100"), 4);
  EXPECT_EQ(*statistic(a, "p99.9"), 4);
  EXPECT_EQ(*statistic(a, "p0"), 1);
}

TEST(Statistics, CountsWeighValuesAndStatisticSetsHaveNoPercentiles) {
  Aggregate a;
  a.add(100, 109, 1, 10);
  a.add_values(pack_values({{1, 99}, {10, 1}}));
  EXPECT_EQ(*statistic(a, "p99"), 1);
  EXPECT_EQ(*statistic(a, "p100"), 10);
  Aggregate sets;
  sets.add(5, 50, 1, 20);
  EXPECT_FALSE(statistic(sets, "p90"));
  EXPECT_EQ(*statistic(sets, "Average"), 10);
  Aggregate empty;
  EXPECT_FALSE(statistic(empty, "Sum"));
}

TEST(Statistics, NamesOfStatistics) {
  EXPECT_TRUE(is_statistic("p99.99"));
  EXPECT_TRUE(is_statistic("SampleCount"));
  EXPECT_FALSE(is_statistic("p101"));
  EXPECT_FALSE(is_statistic("p99.999"));
  EXPECT_FALSE(is_statistic("average"));
  EXPECT_FALSE(is_statistic("p"));
}

TEST(MetricMath, ArithmeticOnSeriesAndScalars) {
  Fixture f;
  EXPECT_EQ(f.points("m1 * 2 + 1"), at({{0, 3}, {1, 5}, {2, 9}}));
  EXPECT_EQ(f.points("m2 - m1"), at({{0, 9}, {2, 26}}));  // only where both have data
  EXPECT_EQ(f.points("-m1 ^ 2"), at({{0, -1}, {1, -4}, {2, -16}}));
  EXPECT_EQ(f.points("(m1 + m2) / m1"), at({{0, 11}, {2, 8.5}}));
  EXPECT_EQ(f.points("m1 / 0"), at({}));  // no value where the division has none
  EXPECT_EQ(f.eval("2 * (3 + 4)").scalar, 14);
}

TEST(MetricMath, AggregatesOfASeriesAreScalarsOfAnArraySeries) {
  Fixture f;
  EXPECT_EQ(f.eval("SUM(m1)").kind, MathValue::Kind::Scalar);
  EXPECT_EQ(f.eval("SUM(m1)").scalar, 7);
  EXPECT_EQ(f.eval("AVG(m2)").scalar, 20);
  EXPECT_EQ(f.eval("MAX(m1)").scalar, 4);
  EXPECT_EQ(f.points("SUM(METRICS())"), at({{0, 11}, {1, 2}, {2, 34}}));
  EXPECT_EQ(f.points("MIN([m1, m2])"), at({{0, 1}, {1, 2}, {2, 4}}));
  EXPECT_EQ(f.points("AVG(METRICS(\"mem\"))"), at({{0, 10}, {2, 30}}));
  EXPECT_EQ(f.eval("METRICS()").series.size(), 2u);
  EXPECT_EQ(f.eval("METRICS() * 2").series.size(), 2u);
}

TEST(MetricMath, FillRateDiffAndIf) {
  Fixture f;
  EXPECT_EQ(f.points("FILL(m2, 0)"), at({{0, 10}, {1, 0}, {2, 30}}));
  EXPECT_EQ(f.points("FILL(m2, REPEAT)"), at({{0, 10}, {1, 10}, {2, 30}}));
  EXPECT_EQ(f.points("FILL(m2, LINEAR)"), at({{0, 10}, {1, 20}, {2, 30}}));
  EXPECT_EQ(f.points("DIFF(m1)"), at({{1, 1}, {2, 2}}));
  EXPECT_EQ(f.points("RATE(m2)"), at({{2, 20.0 / 120.0}}));
  EXPECT_EQ(f.points("IF(m1 > 1, m1, 0)"), at({{0, 0}, {1, 2}, {2, 4}}));
  EXPECT_EQ(f.points("IF(m1 >= 2 AND m1 < 4, 1)"), at({{1, 1}}));
  EXPECT_EQ(f.points("IF(m1 == 1 || m1 == 4, m2)"), at({{0, 10}, {2, 30}}));
  EXPECT_EQ(f.points("ABS(m1 - 3)"), at({{0, 2}, {1, 1}, {2, 1}}));
}

TEST(MetricMath, ScalarResultsRepeatOverTheRange) {
  Fixture f;
  auto c = f.ctx();
  auto s = as_series(f.eval("AVG(m1) * 3"), c);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s.front().points, at({{0, 7}, {1, 7}, {2, 7}}));
}

TEST(MetricMath, BadExpressionsAreValidationErrors) {
  Fixture f;
  for (const char* bad : {"m1 +", "FOO(m1)", "m3 * 2", "(m1", "m1 $ 2", "FILL(m1, SIDEWAYS)", "RATE(2)", "[m1, 2]",
                          "METRICS() + METRICS()", "SUM(m1, m2)", "\"unterminated"}) {
    auto c = f.ctx();
    auto v = evaluate_expression("e1", bad, c);
    ASSERT_FALSE(v.ok()) << bad;
    EXPECT_EQ(v.error().code, "ValidationError") << bad;
    EXPECT_EQ(v.error().message.rfind("Error in expression e1: ", 0), 0u) << v.error().message;
  }
}

TEST(MetricMath, DeepNestingDoesNotCrash) {
  Fixture f;
  std::string deep(1000, '(');
  deep += "1";
  deep += std::string(1000, ')');
  auto c = f.ctx();
  EXPECT_TRUE(evaluate_expression("e1", deep, c).ok());
}

TEST(JsonText, NumbersAsCloudWatchWritesThem) {
  boost::json::value v = boost::json::parse(R"({"threshold":5.0,"recent":[1.5,2,1e300],"name":"a\"b","ok":true})");
  EXPECT_EQ(json_text(v), R"({"threshold":5.0,"recent":[1.5,2,1e+300],"name":"a\"b","ok":true})");
}

// The documented band model: trailing 14 days, mean ± k standard deviations, at least 5 values.
TEST(AnomalyBand, TrailingMeanPlusMinusStandardDeviations) {
  std::map<int64_t, double> history;
  const int64_t minute = 60000, t = 1000 * minute;
  for (int i = 1; i <= 10; ++i) history[t - i * minute] = i % 2 ? 10 : 20;  // mean 15, sd 5
  history[t] = 1000;                                                         // t itself does not train
  Band b = anomaly_band(history, {t}, 2);
  ASSERT_EQ(b.lower.count(t), 1u);
  EXPECT_DOUBLE_EQ(b.lower[t], 5);
  EXPECT_DOUBLE_EQ(b.upper[t], 25);
  // Too little history: no band; excluded ranges leave values out of training.
  EXPECT_TRUE(anomaly_band(history, {t - 6 * minute}, 2).lower.empty());
  Band excluded = anomaly_band(history, {t}, 2, {{t - 10 * minute, t - 4 * minute}});
  EXPECT_TRUE(excluded.lower.empty());  // only 4 values left
  // A flat history still has a band: sd is floored at 1% of the mean.
  std::map<int64_t, double> flat;
  for (int i = 1; i <= 10; ++i) flat[t - i * minute] = 100;
  Band f = anomaly_band(flat, {t}, 3);
  EXPECT_DOUBLE_EQ(f.lower[t], 97);
  EXPECT_DOUBLE_EQ(f.upper[t], 103);
}

TEST(MetricMath, ExpressionCallsSeesCallsAsEvaluationReadsThem) {
  EXPECT_TRUE(expression_calls("MAX(SEARCH('{AWS/EC2,InstanceId} CPU', 'Average', 60))", "SEARCH"));
  EXPECT_TRUE(expression_calls("SEARCH ('CPU', 'Average')", "SEARCH"));  // a space before the parenthesis
  EXPECT_FALSE(expression_calls("m1 * 2", "SEARCH"));
  EXPECT_FALSE(expression_calls("FILL(m1, 0)", "SEARCH"));
  EXPECT_FALSE(expression_calls("SEARCH + 1", "SEARCH"));       // a name, not a call
  EXPECT_FALSE(expression_calls("'SEARCH(' == 1", "SEARCH"));   // inside a string
}
