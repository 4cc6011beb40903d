// Dashboard bodies as CloudWatch checks them: AWS's documented examples pass, every kind of
// structural mistake is an error at its JSON pointer, unknown members are warnings.
#include <gtest/gtest.h>

#include "services/cloudwatch/dashboard_body.h"

using namespace citadel::services::cloudwatch;

namespace {

// "path: message" for each error, to compare as one list.
std::vector<std::string> errors(const std::string& body) {
  std::vector<std::string> out;
  for (const auto& e : check_dashboard_body(body).errors) out.push_back(e.data_path + ": " + e.message);
  return out;
}

std::string widget(const std::string& fields) { return R"({"widgets":[{)" + fields + "}]}"; }

}  // namespace

TEST(DashboardBody, AwsDocumentedExampleIsValid) {
  auto c = check_dashboard_body(R"({
    "start": "-PT6H", "periodOverride": "inherit",
    "widgets": [
      {"type":"metric","x":0,"y":0,"width":12,"height":6,
       "properties":{"metrics":[["AWS/EC2","CPUUtilization","InstanceId","i-012345"]],
                     "period":300,"stat":"Average","region":"us-east-1","title":"EC2 Instance CPU",
                     "liveData":false,"legend":{"position":"right"}}},
      {"type":"text","x":0,"y":7,"width":3,"height":3,"properties":{"markdown":"Hello world"}}]})");
  EXPECT_TRUE(c.json_object);
  EXPECT_TRUE(c.errors.empty());
  EXPECT_TRUE(c.warnings.empty());
}

TEST(DashboardBody, EmptyWidgetsArrayIsValidButWidgetsIsRequired) {
  EXPECT_TRUE(errors(R"({"widgets":[]})").empty());
  EXPECT_EQ(errors("{}"), std::vector<std::string>{": Should have required property 'widgets'"});
  EXPECT_EQ(errors(R"({"widgets":{}})"), std::vector<std::string>{"/widgets: Should be array"});
}

TEST(DashboardBody, NotJsonObject) {
  for (const char* body : {"", "not json", "[]", "42", R"({"widgets":[)"}) {
    auto c = check_dashboard_body(body);
    EXPECT_FALSE(c.json_object) << body;
    ASSERT_EQ(c.errors.size(), 1u);
    EXPECT_EQ(invalid_body_message(c), "The field DashboardBody must be a valid JSON object");
  }
}

TEST(DashboardBody, PositionAndSizeRanges) {
  const std::string props = R"("properties":{"markdown":"x"})";
  EXPECT_TRUE(errors(widget(R"("type":"text","x":23,"y":0,"width":24,"height":1000,)" + props)).empty());
  EXPECT_TRUE(errors(widget(R"("type":"text","x":6.0,)" + props)).empty()) << "6.0 is an integer to JSON Schema";
  EXPECT_EQ(errors(widget(R"("type":"text","x":24,)" + props)), std::vector<std::string>{"/widgets/0/x: Should be <= 23"});
  EXPECT_EQ(errors(widget(R"("type":"text","y":-1,)" + props)), std::vector<std::string>{"/widgets/0/y: Should be >= 0"});
  EXPECT_EQ(errors(widget(R"("type":"text","width":0,)" + props)), std::vector<std::string>{"/widgets/0/width: Should be >= 1"});
  EXPECT_EQ(errors(widget(R"("type":"text","height":1001,)" + props)),
            std::vector<std::string>{"/widgets/0/height: Should be <= 1000"});
  EXPECT_EQ(errors(widget(R"("type":"text","x":"1",)" + props)), std::vector<std::string>{"/widgets/0/x: Should be integer"});
  EXPECT_EQ(errors(widget(R"("type":"text","x":1.5,)" + props)), std::vector<std::string>{"/widgets/0/x: Should be integer"});
}

TEST(DashboardBody, TypeAndPropertiesAreRequired) {
  EXPECT_EQ(errors(R"({"widgets":[{}]})"), (std::vector<std::string>{"/widgets/0: Should have required property 'type'",
                                                                      "/widgets/0: Should have required property 'properties'"}));
  EXPECT_EQ(errors(widget(R"("type":"chart","properties":{})")),
            std::vector<std::string>{"/widgets/0/type: Should be equal to one of the allowed values"});
  EXPECT_EQ(errors(R"({"widgets":[7]})"), std::vector<std::string>{"/widgets/0: Should be object"});
  EXPECT_EQ(errors(widget(R"("type":"text","properties":{})")),
            std::vector<std::string>{"/widgets/0/properties: Should have required property 'markdown'"});
}

TEST(DashboardBody, MetricsAreArraysOfStringsWithAnOptionalRendererLast) {
  auto metric = [](const std::string& metrics) { return widget(R"("type":"metric","properties":{"metrics":)" + metrics + "}"); };
  EXPECT_TRUE(errors(metric(R"([["NS","M","Dim","v",{"stat":"Sum","color":"#1f77b4","label":"x","id":"m1"}],[".","M2"]])")).empty());
  EXPECT_TRUE(errors(metric(R"j([[{"expression":"SUM(METRICS())","label":"total","id":"e1"}]])j")).empty());
  EXPECT_EQ(errors(metric(R"([{"namespace":"NS"}])")),
            (std::vector<std::string>{"/widgets/0/properties/metrics/0: Should be array",
                                      "/widgets/0/properties/metrics/0: Field \"metrics\" has to be an array of array of strings, "
                                      "with an optional metricRenderer object as last element"}));
  EXPECT_EQ(errors(metric(R"([["NS",{"stat":"Sum"},"M"]])")).front(), "/widgets/0/properties/metrics/0/1: Should be string");
  EXPECT_EQ(errors(metric(R"([["NS","M",{"color":"red"}]])")),
            std::vector<std::string>{"/widgets/0/properties/metrics/0/2/color: Should match pattern \"^#([0-9a-fA-F]{6})$\""});
  EXPECT_EQ(errors(metric(R"([["NS","M",{"yAxis":"top"}]])")),
            std::vector<std::string>{"/widgets/0/properties/metrics/0/2/yAxis: Should be equal to one of the allowed values"});
  EXPECT_EQ(errors(metric(R"([[{"label":"no expression"}]])")),
            std::vector<std::string>{"/widgets/0/properties/metrics/0/0: Should have required property 'expression'"});
  EXPECT_EQ(errors(widget(R"("type":"metric","properties":{"view":"chart"})")),
            (std::vector<std::string>{"/widgets/0/properties: Should have required property 'metrics'",
                                      "/widgets/0/properties/view: Should be equal to one of the allowed values"}));
}

TEST(DashboardBody, AlarmWidgetsNameAlarmArns) {
  auto c = check_dashboard_body(widget(
      R"("type":"alarm","properties":{"alarms":["arn:aws:cloudwatch:us-east-1:111122223333:alarm:cpu"],"states":["ALARM"]})"));
  EXPECT_TRUE(c.errors.empty());
  ASSERT_EQ(c.alarm_arns.size(), 1u);
  EXPECT_EQ(c.alarm_arns[0].data_path, "/widgets/0/properties/alarms/0");
  EXPECT_EQ(c.alarm_arns[0].message, "arn:aws:cloudwatch:us-east-1:111122223333:alarm:cpu");
  EXPECT_EQ(errors(widget(R"("type":"alarm","properties":{"alarms":[]})")),
            std::vector<std::string>{"/widgets/0/properties/alarms: Should NOT have fewer than 1 items"});
  // An alarm graph: a metric widget drawing one alarm needs no metrics.
  auto graph = check_dashboard_body(widget(
      R"("type":"metric","properties":{"annotations":{"alarms":["arn:aws:cloudwatch:us-east-1:111122223333:alarm:cpu"]}})"));
  EXPECT_TRUE(graph.errors.empty());
  EXPECT_EQ(graph.alarm_arns.size(), 1u);
}

TEST(DashboardBody, TooManyWidgets) {
  std::string body = R"({"widgets":[)";
  for (int i = 0; i < 501; ++i) body += std::string(i ? "," : "") + R"({"type":"text","properties":{"markdown":"x"}})";
  EXPECT_EQ(errors(body + "]}"), std::vector<std::string>{"/widgets: Should NOT have more than 500 items"});
}

TEST(DashboardBody, UnknownMembersAreWarnings) {
  auto c = check_dashboard_body(R"({"widgets":[{"type":"text","colour":"x","properties":{"markdown":"x"}}],"theme":"dark"})");
  EXPECT_TRUE(c.errors.empty());
  ASSERT_EQ(c.warnings.size(), 2u);
  EXPECT_EQ(c.warnings[0].data_path, "");
  EXPECT_EQ(c.warnings[0].message, "Unknown property \"theme\" is ignored");
  EXPECT_EQ(c.warnings[1].data_path, "/widgets/0");
}

TEST(DashboardBody, InvalidBodyMessageListsEveryError) {
  auto c = check_dashboard_body(R"({"widgets":[{"type":"text","x":30,"properties":{}}]})");
  EXPECT_EQ(invalid_body_message(c),
            "The dashboard body is invalid, there are 2 validation errors:\n[\n  {\n    \"dataPath\": \"/widgets/0/x\",\n"
            "    \"message\": \"Should be <= 23\"\n  },\n  {\n    \"dataPath\": \"/widgets/0/properties\",\n"
            "    \"message\": \"Should have required property 'markdown'\"\n  }\n]");
}
