// CloudWatch against a real SQLite store: a bad datum stores nothing, statistics come back per
// period, retention rolls high-resolution data up into minutes, and the evaluator moves an alarm
// through its states with history, driven by an injected clock.
#include <gtest/gtest.h>

#include "services/cloudwatch/alarm_evaluator.h"
#include "services/cloudwatch/alarm_store.h"
#include "services/cloudwatch/cloudwatch_service.h"
#include "services/cloudwatch/metric_store.h"
#include "temp_store.h"

using namespace citadel;
using namespace citadel::services;
using namespace citadel::services::cloudwatch;

namespace {

constexpr int64_t kNow = 1'800'000'000'000 - (1'800'000'000'000 % 3'600'000);  // an hour boundary
const std::string kAccount = "111122223333";

class CloudWatchStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(store_.migrated());
    env_.store = store_.get();
    principal_.type = auth::PrincipalType::Root;
    principal_.account_id = kAccount;
    for (auto& op : CloudWatchService().operations()) ops_.emplace(op.name, op);
  }
  // Runs an operation's handler as the pipeline would (one transaction, rolled back on error).
  Result<json::value> call(const std::string& op, json::object input, int64_t now = kNow) {
    RequestContext ctx;
    ctx.principal = &principal_;
    ctx.now_ms = now;
    Result<json::value> out = json::value();
    const auto& def = ops_.at(op);
    auto s = store_->write([&](store::Tx& tx) -> Status {
      Call c{ctx, input, tx, env_, {}};
      out = def.handler(c);
      if (!out) return out.error();
      return Ok{};
    });
    if (!s) return s.error();
    return out;
  }
  int64_t count(const std::string& sql) {
    int64_t n = -1;
    store_->read([&](store::Tx& tx) -> Status {
      n = tx.query(sql)->front().i64(0);
      return Ok{};
    });
    return n;
  }
  static json::object datum(const char* name, double value, int64_t ts, int resolution = 60) {
    return json::object{{"MetricName", name}, {"Value", value}, {"Timestamp", ts}, {"StorageResolution", resolution},
                        {"Dimensions", json::array{json::object{{"Name", "InstanceId"}, {"Value", "i-1"}}}}};
  }

  citadel::testing::TempStore store_{"cw", CloudWatchService().migrations()};
  Env env_;
  auth::Principal principal_;
  std::map<std::string, OperationDef> ops_;
};

}  // namespace

TEST_F(CloudWatchStoreTest, ABadDatumStoresNothing) {
  json::object bad = datum("CPU", 1, kNow);
  bad["StatisticValues"] = json::object{{"SampleCount", 1.0}, {"Sum", 1.0}, {"Minimum", 1.0}, {"Maximum", 1.0}};
  auto r = call("PutMetricData", {{"Namespace", "App"}, {"MetricData", json::array{datum("CPU", 1, kNow), bad}}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "InvalidParameterCombination");
  EXPECT_EQ(r.error().message,
            "The parameters MetricData.member.2.Value and MetricData.member.2.StatisticValues are mutually exclusive and you have specified both.");
  EXPECT_EQ(count("SELECT COUNT(*) FROM cw_samples"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM cw_metrics"), 0);

  auto aws = call("PutMetricData", {{"Namespace", "AWS/EC2"}, {"MetricData", json::array{datum("CPU", 1, kNow)}}});
  EXPECT_EQ(aws.error().code, "InvalidParameterValue");
  auto old = call("PutMetricData", {{"Namespace", "App"}, {"MetricData", json::array{datum("CPU", 1, kNow - 15LL * 86'400'000)}}});
  EXPECT_EQ(old.error().code, "InvalidParameterValue");
  json::object mismatched{{"MetricName", "L"}, {"Values", json::array{1.0, 2.0}}, {"Counts", json::array{1.0}}};
  EXPECT_EQ(call("PutMetricData", {{"Namespace", "App"}, {"MetricData", json::array{mismatched}}}).error().code, "InvalidParameterValue");
  EXPECT_EQ(call("PutMetricData", {{"Namespace", "App"}, {"MetricData", json::array{json::object{{"MetricName", "L"}}}}}).error().code,
            "MissingParameter");
  json::object res = datum("CPU", 1, kNow, 5);
  EXPECT_EQ(call("PutMetricData", {{"Namespace", "App"}, {"MetricData", json::array{res}}}).error().code, "InvalidParameterValue");
}

TEST_F(CloudWatchStoreTest, StatisticsPerPeriodFromValuesCountsAndStatisticSets) {
  json::object values{{"MetricName", "Latency"}, {"Timestamp", kNow + 1000}, {"Values", json::array{1.0, 2.0, 3.0}},
                      {"Counts", json::array{1.0, 1.0, 2.0}}, {"Unit", "Milliseconds"}};
  json::object set{{"MetricName", "Latency"}, {"Timestamp", kNow + 61'000}, {"Unit", "Milliseconds"},
                   {"StatisticValues", json::object{{"SampleCount", 10.0}, {"Sum", 100.0}, {"Minimum", 5.0}, {"Maximum", 20.0}}}};
  ASSERT_TRUE(call("PutMetricData", {{"Namespace", "App"}, {"MetricData", json::array{values, set}}}).ok());
  auto r = call("GetMetricStatistics", {{"Namespace", "App"}, {"MetricName", "Latency"}, {"StartTime", kNow}, {"EndTime", kNow + 120'000},
                                        {"Period", 60}, {"Statistics", json::array{"Average", "SampleCount", "Maximum"}}});
  ASSERT_TRUE(r.ok()) << r.error().message;
  const auto& pts = r->at("Datapoints").as_array();
  ASSERT_EQ(pts.size(), 2u);
  EXPECT_EQ(pts[0].at("Timestamp").as_int64(), kNow);
  EXPECT_EQ(pts[0].at("Average").as_double(), 9.0 / 4.0);
  EXPECT_EQ(pts[0].at("SampleCount").as_double(), 4.0);
  EXPECT_EQ(pts[1].at("Average").as_double(), 10.0);
  EXPECT_EQ(pts[1].at("Maximum").as_double(), 20.0);
  EXPECT_EQ(pts[1].at("Unit"), "Milliseconds");

  auto p = call("GetMetricStatistics", {{"Namespace", "App"}, {"MetricName", "Latency"}, {"StartTime", kNow}, {"EndTime", kNow + 60'000},
                                        {"Period", 60}, {"ExtendedStatistics", json::array{"p50", "p100"}}});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->at("Datapoints").as_array()[0].at("ExtendedStatistics").at("p50").as_double(), 2.0);
  EXPECT_EQ(p->at("Datapoints").as_array()[0].at("ExtendedStatistics").at("p100").as_double(), 3.0);

  auto too_many = call("GetMetricStatistics", {{"Namespace", "App"}, {"MetricName", "Latency"}, {"StartTime", kNow},
                                               {"EndTime", kNow + 1441'000}, {"Period", 1}, {"Statistics", json::array{"Sum"}}});
  EXPECT_EQ(too_many.error().code, "InvalidParameterCombination");
  auto bad_period = call("GetMetricStatistics", {{"Namespace", "App"}, {"MetricName", "Latency"}, {"StartTime", kNow},
                                                 {"EndTime", kNow + 60'000}, {"Period", 45}, {"Statistics", json::array{"Sum"}}});
  EXPECT_EQ(bad_period.error().code, "InvalidParameterValue");
}

TEST_F(CloudWatchStoreTest, HighResolutionDataRollsUpIntoMinutesAfterThreeHours) {
  json::array data;
  for (int s = 0; s < 10; ++s) data.push_back(datum("Hot", s, kNow + s * 1000, 1));
  ASSERT_TRUE(call("PutMetricData", {{"Namespace", "App"}, {"MetricData", data}}).ok());
  auto per_second = [&](int64_t now) {
    return call("GetMetricStatistics", {{"Namespace", "App"}, {"MetricName", "Hot"}, {"StartTime", kNow}, {"EndTime", kNow + 60'000},
                                        {"Period", 1}, {"Statistics", json::array{"Sum"}},
                                        {"Dimensions", json::array{json::object{{"Name", "InstanceId"}, {"Value", "i-1"}}}}},
                now);
  };
  EXPECT_EQ(per_second(kNow + 60'000)->at("Datapoints").as_array().size(), 10u);
  ASSERT_TRUE(store_->write([&](store::Tx& tx) { return apply_retention(tx, kNow + 4 * 3'600'000); }).ok());
  EXPECT_EQ(count("SELECT COUNT(*) FROM cw_samples"), 1);
  EXPECT_EQ(count("SELECT grain FROM cw_samples"), 60);
  EXPECT_EQ(per_second(kNow + 4 * 3'600'000)->at("Datapoints").as_array().size(), 0u);  // 1-second periods are gone
  auto minute = call("GetMetricStatistics", {{"Namespace", "App"}, {"MetricName", "Hot"}, {"StartTime", kNow}, {"EndTime", kNow + 60'000},
                                             {"Period", 60}, {"Statistics", json::array{"Sum", "SampleCount"}},
                                             {"Dimensions", json::array{json::object{{"Name", "InstanceId"}, {"Value", "i-1"}}}}},
                     kNow + 4 * 3'600'000);
  ASSERT_EQ(minute->at("Datapoints").as_array().size(), 1u);
  EXPECT_EQ(minute->at("Datapoints").as_array()[0].at("Sum").as_double(), 45.0);
  EXPECT_EQ(minute->at("Datapoints").as_array()[0].at("SampleCount").as_double(), 10.0);
  ASSERT_TRUE(store_->write([&](store::Tx& tx) { return apply_retention(tx, kNow + 456LL * 86'400'000); }).ok());
  EXPECT_EQ(count("SELECT COUNT(*) FROM cw_samples"), 0);
}

TEST_F(CloudWatchStoreTest, EvaluatorMovesTheAlarmAndRecordsHistory) {
  json::object alarm{{"AlarmName", "busy"}, {"Namespace", "App"}, {"MetricName", "CPU"}, {"Statistic", "Maximum"}, {"Period", 60},
                     {"EvaluationPeriods", 2}, {"DatapointsToAlarm", 1}, {"Threshold", 80.0},
                     {"ComparisonOperator", "GreaterThanThreshold"},
                     {"Dimensions", json::array{json::object{{"Name", "InstanceId"}, {"Value", "i-1"}}}}};
  ASSERT_TRUE(call("PutMetricAlarm", alarm).ok());
  ASSERT_TRUE(call("PutMetricData", {{"Namespace", "App"}, {"MetricData", json::array{datum("CPU", 95, kNow + 5000)}}}).ok());
  auto moved = evaluate_all_alarms(*store_, kNow + 10'000);
  ASSERT_TRUE(moved.ok());
  EXPECT_EQ(*moved, 1);
  auto d = call("DescribeAlarms", {{"AlarmNames", json::array{"busy"}}});
  const auto& a = d->at("MetricAlarms").as_array()[0];
  EXPECT_EQ(a.at("StateValue"), "ALARM");
  EXPECT_NE(a.at("StateReason").as_string().find("1 out of the last 2 datapoints [95.0"), std::string::npos);
  EXPECT_EQ(*evaluate_all_alarms(*store_, kNow + 20'000), 0);  // no change, no new history

  // Five minutes later the datapoint has left the evaluation range: missing data, INSUFFICIENT_DATA.
  EXPECT_EQ(*evaluate_all_alarms(*store_, kNow + 5 * 60'000), 1);
  auto h = call("DescribeAlarmHistory", {{"AlarmName", "busy"}, {"HistoryItemType", "StateUpdate"}});
  const auto& items = h->at("AlarmHistoryItems").as_array();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].at("HistorySummary"), "Alarm updated from ALARM to INSUFFICIENT_DATA");
  EXPECT_EQ(items[1].at("HistorySummary"), "Alarm updated from INSUFFICIENT_DATA to ALARM");
  EXPECT_EQ(count("SELECT COUNT(*) FROM cw_alarm_history WHERE item_type = 'ConfigurationUpdate'"), 1);
}

TEST_F(CloudWatchStoreTest, AlarmConfigurationIsCheckedWhole) {
  json::object base{{"AlarmName", "a"}, {"Namespace", "App"}, {"MetricName", "CPU"}, {"Statistic", "Average"}, {"Period", 60},
                    {"EvaluationPeriods", 2}, {"Threshold", 1.0}, {"ComparisonOperator", "GreaterThanThreshold"}};
  auto with = [&](const char* k, json::value v) {
    auto o = base;
    o[k] = std::move(v);
    return call("PutMetricAlarm", o);
  };
  EXPECT_EQ(with("ExtendedStatistic", "p90").error().code, "InvalidParameterCombination");
  EXPECT_EQ(with("DatapointsToAlarm", 3).error().code, "InvalidParameterValue");
  EXPECT_EQ(with("TreatMissingData", "sometimes").error().code, "InvalidParameterValue");
  EXPECT_EQ(with("Period", 45).error().code, "InvalidParameterValue");
  EXPECT_EQ(with("AlarmActions", json::array{"arn:aws:automate:us-east-1:ec2:stop"}).error().code, "InvalidParameterValue");
  EXPECT_EQ(with("Metrics", json::array{json::object{{"Id", "e1"}, {"Expression", "1"}}}).error().code, "InvalidParameterCombination");
  EXPECT_EQ(count("SELECT COUNT(*) FROM cw_alarms"), 0);
  EXPECT_TRUE(call("PutMetricAlarm", base).ok());
  EXPECT_EQ(call("DeleteAlarms", {{"AlarmNames", json::array{"a", "nope"}}}).error().code, "ResourceNotFound");
  EXPECT_EQ(count("SELECT COUNT(*) FROM cw_alarms"), 1);
}

TEST_F(CloudWatchStoreTest, CompositeAlarmFollowsTheAlarmsItNames) {
  for (const char* name : {"cpu", "disk"})
    ASSERT_TRUE(call("PutMetricAlarm", {{"AlarmName", name}, {"Namespace", "App"}, {"MetricName", name}, {"Statistic", "Average"},
                                        {"Period", 60}, {"EvaluationPeriods", 1}, {"Threshold", 1.0},
                                        {"ComparisonOperator", "GreaterThanThreshold"}, {"TreatMissingData", "ignore"}})
                    .ok());
  ASSERT_TRUE(call("PutCompositeAlarm", {{"AlarmName", "host"}, {"AlarmRule", "ALARM(cpu) OR ALARM(\"arn:aws:cloudwatch:us-east-1:" + kAccount + ":alarm:disk\")"}}).ok());
  EXPECT_EQ(call("PutCompositeAlarm", {{"AlarmName", "self"}, {"AlarmRule", "ALARM(self)"}}).error().code, "InvalidParameterValue");
  EXPECT_EQ(call("PutCompositeAlarm", {{"AlarmName", "cpu"}, {"AlarmRule", "TRUE"}}).error().code, "InvalidParameterCombination");
  EXPECT_EQ(call("PutCompositeAlarm", {{"AlarmName", "bad"}, {"AlarmRule", "ALARM(cpu"}}).error().code, "InvalidParameterValue");

  // Both children are INSUFFICIENT_DATA: the rule is false.
  ASSERT_TRUE(evaluate_all_alarms(*store_, kNow).ok());
  auto composite = [&] {
    return call("DescribeAlarms", {{"AlarmNames", json::array{"host"}}, {"AlarmTypes", json::array{"CompositeAlarm"}}})
        ->at("CompositeAlarms").as_array()[0].as_object();
  };
  EXPECT_EQ(composite().at("StateValue"), "OK");
  ASSERT_TRUE(call("SetAlarmState", {{"AlarmName", "disk"}, {"StateValue", "ALARM"}, {"StateReason", "full"}}).ok());
  ASSERT_TRUE(evaluate_all_alarms(*store_, kNow + 1000).ok());
  EXPECT_EQ(composite().at("StateValue"), "ALARM");
  EXPECT_NE(composite().at("StateReasonData").as_string().find(":alarm:disk"), std::string::npos);

  // Without AlarmTypes only metric alarms are described; parents and children by name.
  EXPECT_EQ(call("DescribeAlarms", {})->at("CompositeAlarms").as_array().size(), 0u);
  auto children = call("DescribeAlarms", {{"ChildrenOfAlarmName", "host"}});
  EXPECT_EQ(children->at("MetricAlarms").as_array().size(), 2u);
  auto parents = call("DescribeAlarms", {{"ParentsOfAlarmName", "disk"}});
  ASSERT_EQ(parents->at("CompositeAlarms").as_array().size(), 1u);
  EXPECT_EQ(parents->at("CompositeAlarms").as_array()[0].at("AlarmRule").as_string().subview().substr(0, 10), "ALARM(cpu)");
  auto history = call("DescribeAlarmHistory", {{"AlarmTypes", json::array{"CompositeAlarm"}}, {"HistoryItemType", "StateUpdate"}});
  EXPECT_EQ(history->at("AlarmHistoryItems").as_array()[0].at("AlarmType"), "CompositeAlarm");
}
