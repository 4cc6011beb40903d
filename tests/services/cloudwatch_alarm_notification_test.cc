// The message CloudWatch publishes to SNS when an alarm changes state, in AWS's format.
#include <gtest/gtest.h>

#include "services/cloudwatch/alarm_notification.h"

using namespace citadel::services::cloudwatch;
namespace json = boost::json;

namespace {

AlarmRow cpu_alarm() {
  AlarmRow a;
  a.account = "123456789012";
  a.region = "us-east-1";
  a.name = "cpu high";
  a.config = json::object{{"AlarmName", "cpu high"},
                          {"MetricName", "CPUUtilization"},
                          {"Namespace", "AWS/EC2"},
                          {"Statistic", "Average"},
                          {"Dimensions", json::array{json::object{{"Name", "InstanceId"}, {"Value", "i-0123"}}}},
                          {"Period", 300},
                          {"EvaluationPeriods", 2},
                          {"Threshold", 80},
                          {"ComparisonOperator", "GreaterThanThreshold"},
                          {"AlarmActions", json::array{"arn:aws:sns:us-east-1:123456789012:ops"}}};
  a.state = "ALARM";
  a.reason = "Threshold Crossed: 2 out of the last 2 datapoints were greater than the threshold (80.0).";
  a.state_updated_ms = 1'700'000'000'123;
  a.config_updated_ms = 1'699'999'000'000;
  return a;
}

}  // namespace

TEST(AlarmNotification, SubjectNamesStateAlarmAndRegion) {
  auto n = alarm_notification(cpu_alarm(), "OK");
  EXPECT_EQ(n.subject, "ALARM: \"cpu high\" in US East (N. Virginia)");
  AlarmRow far = cpu_alarm();
  far.region = "xx-nowhere-9";
  far.name = std::string(150, 'a');
  auto clipped = alarm_notification(far, "OK").subject;
  EXPECT_EQ(clipped.size(), 99u);  // a subject stays under 100 characters
}

TEST(AlarmNotification, MessageHasAwsMembers) {
  auto n = alarm_notification(cpu_alarm(), "OK");
  json::value v = json::parse(n.message);
  const auto& m = v.as_object();
  EXPECT_EQ(m.at("AlarmName"), "cpu high");
  EXPECT_TRUE(m.at("AlarmDescription").is_null());
  EXPECT_EQ(m.at("AWSAccountId"), "123456789012");
  EXPECT_EQ(m.at("NewStateValue"), "ALARM");
  EXPECT_EQ(m.at("OldStateValue"), "OK");
  EXPECT_EQ(m.at("StateChangeTime"), "2023-11-14T22:13:20.123+0000");
  EXPECT_EQ(m.at("Region"), "US East (N. Virginia)");
  EXPECT_EQ(m.at("AlarmArn"), "arn:aws:cloudwatch:us-east-1:123456789012:alarm:cpu high");
  EXPECT_EQ(m.at("AlarmActions"), (json::array{"arn:aws:sns:us-east-1:123456789012:ops"}));
  EXPECT_EQ(m.at("OKActions"), json::array{});
  const auto& t = m.at("Trigger").as_object();
  EXPECT_EQ(t.at("MetricName"), "CPUUtilization");
  EXPECT_EQ(t.at("StatisticType"), "Statistic");
  EXPECT_EQ(t.at("Statistic"), "AVERAGE");
  EXPECT_EQ(t.at("Dimensions"), (json::array{json::object{{"value", "i-0123"}, {"name", "InstanceId"}}}));
  EXPECT_EQ(t.at("Period"), 300);
  EXPECT_EQ(t.at("DatapointsToAlarm"), 2);
  EXPECT_TRUE(t.at("Unit").is_null());
  // Thresholds are written as CloudWatch writes numbers.
  EXPECT_NE(n.message.find("\"Threshold\":80.0"), std::string::npos) << n.message;
}

TEST(AlarmNotification, CompositeAlarmsCarryTheirRule) {
  AlarmRow a = cpu_alarm();
  a.config = json::object{{"AlarmName", "both"}, {"AlarmRule", "ALARM(cpu) AND ALARM(disk)"}, {"AlarmDescription", "two things"}};
  json::value v = json::parse(alarm_notification(a, "INSUFFICIENT_DATA").message);
  EXPECT_EQ(v.at("AlarmRule"), "ALARM(cpu) AND ALARM(disk)");
  EXPECT_EQ(v.at("AlarmDescription"), "two things");
  EXPECT_FALSE(v.as_object().contains("Trigger"));
}
