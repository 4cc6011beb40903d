// Event selection by basic and advanced event selectors, on records shaped as CloudTrail writes them.
#include <gtest/gtest.h>

#include "services/cloudtrail/event_selectors.h"

namespace citadel::services::cloudtrail {
namespace {

EventFacts management(const char* name, bool read_only, const char* source = "iam.amazonaws.com") {
  EventFacts e;
  e.event_name = name;
  e.event_source = source;
  e.read_only = read_only;
  return e;
}

EventFacts object_event(const char* name, bool read_only, const char* arn) {
  EventFacts e = management(name, read_only, "s3.amazonaws.com");
  e.management = false;
  e.resources = {{"AWS::S3::Object", arn}, {"AWS::S3::Bucket", "arn:aws:s3:::b"}};
  return e;
}

EventSelection selection(const char* input_json) {
  auto sel = selectors_from_input(json::parse(input_json).as_object());
  EXPECT_TRUE(sel) << (sel ? "" : sel.error().message);
  return EventSelection::parse(sel ? *sel : default_selectors_json());
}

TEST(EventSelectors, TheDefaultLogsEveryManagementEventAndNoDataEvent) {
  auto s = EventSelection::parse(default_selectors_json());
  EXPECT_TRUE(s.selects(management("CreateUser", false)));
  EXPECT_TRUE(s.selects(management("GetUser", true)));
  EXPECT_FALSE(s.selects(object_event("PutObject", false, "arn:aws:s3:::b/k")));
}

TEST(EventSelectors, ReadWriteTypeAndExcludedSources) {
  auto s = selection(R"({"EventSelectors":[{"ReadWriteType":"WriteOnly","ExcludeManagementEventSources":["kms.amazonaws.com"]}]})");
  EXPECT_TRUE(s.selects(management("CreateUser", false)));
  EXPECT_FALSE(s.selects(management("GetUser", true)));
  EXPECT_FALSE(s.selects(management("CreateKey", false, "kms.amazonaws.com")));
}

TEST(EventSelectors, DataResourcesMatchByArnPrefix) {
  auto s = selection(R"({"EventSelectors":[{"IncludeManagementEvents":false,
      "DataResources":[{"Type":"AWS::S3::Object","Values":["arn:aws:s3:::b/logs/"]}]}]})");
  EXPECT_TRUE(s.selects(object_event("PutObject", false, "arn:aws:s3:::b/logs/a.txt")));
  EXPECT_FALSE(s.selects(object_event("PutObject", false, "arn:aws:s3:::b/other.txt")));
  EXPECT_FALSE(s.selects(management("CreateUser", false)));
  auto all = selection(R"({"EventSelectors":[{"DataResources":[{"Type":"AWS::S3::Object","Values":["arn:aws:s3"]}]}]})");
  EXPECT_TRUE(all.selects(object_event("GetObject", true, "arn:aws:s3:::any/x")));
}

TEST(EventSelectors, AdvancedSelectorsNeedEveryFieldAndAnySelector) {
  auto s = selection(R"({"AdvancedEventSelectors":[
      {"FieldSelectors":[{"Field":"eventCategory","Equals":["Data"]},{"Field":"resources.type","Equals":["AWS::S3::Object"]},
                         {"Field":"eventName","NotEquals":["GetObject"]},
                         {"Field":"resources.ARN","StartsWith":["arn:aws:s3:::b/"],"NotEndsWith":[".tmp"]}]},
      {"FieldSelectors":[{"Field":"eventCategory","Equals":["Management"]},{"Field":"readOnly","Equals":["false"]}]}]})");
  EXPECT_TRUE(s.selects(object_event("PutObject", false, "arn:aws:s3:::b/k.txt")));
  EXPECT_FALSE(s.selects(object_event("PutObject", false, "arn:aws:s3:::b/k.tmp")));
  EXPECT_FALSE(s.selects(object_event("GetObject", true, "arn:aws:s3:::b/k.txt")));
  EXPECT_FALSE(s.selects(object_event("PutObject", false, "arn:aws:s3:::c/k.txt")));
  EXPECT_TRUE(s.selects(management("CreateUser", false)));
  EXPECT_FALSE(s.selects(management("GetUser", true)));
}

TEST(EventSelectors, InvalidInputGetsAwsErrors) {
  auto code = [](const char* input) {
    auto r = selectors_from_input(json::parse(input).as_object());
    return r ? std::string("ok") : r.error().code;
  };
  EXPECT_EQ(code(R"({"EventSelectors":[{"DataResources":[{"Type":"AWS::S3::Bucket","Values":["arn:aws:s3:::b/"]}]}]})"),
            "InvalidEventSelectorsException");
  EXPECT_EQ(code(R"({"EventSelectors":[{"DataResources":[{"Type":"AWS::S3::Object","Values":["b/"]}]}]})"),
            "InvalidEventSelectorsException");
  EXPECT_EQ(code(R"({"EventSelectors":[{},{},{},{},{},{}]})"), "InvalidEventSelectorsException");
  EXPECT_EQ(code(R"({"AdvancedEventSelectors":[{"FieldSelectors":[{"Field":"readOnly","Equals":["true"]}]}]})"),
            "InvalidEventSelectorsException");
  EXPECT_EQ(code(R"({"AdvancedEventSelectors":[{"FieldSelectors":[{"Field":"eventCategory"}]}]})"),
            "InvalidEventSelectorsException");
  EXPECT_EQ(code(R"({"EventSelectors":[],"AdvancedEventSelectors":[]})"), "InvalidParameterCombinationException");
  EXPECT_EQ(code(R"({"EventSelectors":[{"ReadWriteType":"ReadOnly"}]})"), "ok");
}

TEST(EventSelectors, FactsComeFromTheRecord) {
  auto record = json::parse(R"({"eventSource":"s3.amazonaws.com","eventName":"PutObject","readOnly":false,
      "eventCategory":"Data","awsRegion":"eu-west-1","userIdentity":{"arn":"arn:aws:iam::111122223333:user/u"},
      "resources":[{"type":"AWS::S3::Object","ARN":"arn:aws:s3:::b/k"}]})").as_object();
  auto e = event_facts(record);
  EXPECT_FALSE(e.management);
  EXPECT_FALSE(e.read_only);
  EXPECT_EQ(e.region, "eu-west-1");
  EXPECT_EQ(e.identity_arn, "arn:aws:iam::111122223333:user/u");
  ASSERT_EQ(e.resources.size(), 1u);
  EXPECT_EQ(e.resources[0].second, "arn:aws:s3:::b/k");
}

}  // namespace
}  // namespace citadel::services::cloudtrail
