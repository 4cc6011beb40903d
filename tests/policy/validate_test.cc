// Validation findings in the style of IAM Access Analyzer ValidatePolicy.
// Doc: IAM UG "IAM Access Analyzer policy check reference".
#include <gtest/gtest.h>

#include <algorithm>

#include "policy/validate.h"

namespace {

using policy::FindingType;
using policy::PolicyKind;

bool has(const std::vector<policy::Finding>& f, const std::string& code, FindingType type) {
  return std::any_of(f.begin(), f.end(), [&](const policy::Finding& x) { return x.issue_code == code && x.type == type; });
}

std::string P(const std::string& stmts) { return R"({"Version":"2012-10-17","Statement":[)" + stmts + "]}"; }

TEST(Validate, CleanPolicyHasNoFindings) {
  auto f = policy::validate(P(R"({"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"]})"),
                            PolicyKind::Identity);
  EXPECT_TRUE(f.empty()) << policy::findings_to_json(f);
}

TEST(Validate, MalformedDocumentIsAnError) {
  auto f = policy::validate(P(R"({"Effect":"Allow","Resource":"*"})"), PolicyKind::Identity);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].issue_code, "MISSING_ACTION");
  EXPECT_EQ(f[0].details, "Policy statement must contain actions.");
  EXPECT_TRUE(has(policy::validate("{", PolicyKind::Identity), "JSON_SYNTAX_ERROR", FindingType::Error));
}

TEST(Validate, PassRoleWithStarResource) {
  auto f = policy::validate(P(R"({"Effect":"Allow","Action":"iam:PassRole","Resource":"*"})"), PolicyKind::Identity);
  EXPECT_TRUE(has(f, "PASS_ROLE_WITH_STAR_IN_RESOURCE", FindingType::SecurityWarning));
  auto g = policy::validate(P(R"({"Effect":"Allow","Action":"iam:*","Resource":"*"})"), PolicyKind::Identity);
  EXPECT_TRUE(has(g, "PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE", FindingType::SecurityWarning));
  auto h = policy::validate(P(R"({"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::111122223333:role/app"})"),
                            PolicyKind::Identity);
  EXPECT_FALSE(has(h, "PASS_ROLE_WITH_STAR_IN_RESOURCE", FindingType::SecurityWarning));
  auto k = policy::validate(P(R"({"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"StringEquals":{"iam:PassedToService":"ec2.amazonaws.com"}}})"),
                            PolicyKind::Identity);
  EXPECT_FALSE(has(k, "PASS_ROLE_WITH_STAR_IN_RESOURCE", FindingType::SecurityWarning));
}

TEST(Validate, ConditionKeyFamilies) {
  auto f = policy::validate(P(R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{
      "s3:ExistingObjectTag/team":"x","aws:ResourceTag/env":"dev","aws:RequestTag/owner":"a"}}})"),
                            PolicyKind::Identity);
  EXPECT_TRUE(f.empty()) << policy::findings_to_json(f);
}

TEST(Validate, AllowWithNotActionAndNotResource) {
  auto f = policy::validate(P(R"({"Effect":"Allow","NotAction":"iam:*","NotResource":"arn:aws:s3:::x"})"), PolicyKind::Identity);
  EXPECT_TRUE(has(f, "ALLOW_WITH_NOT_ACTION", FindingType::SecurityWarning));
  EXPECT_TRUE(has(f, "ALLOW_WITH_NOT_RESOURCE", FindingType::SecurityWarning));
  auto g = policy::validate(P(R"({"Effect":"Deny","NotAction":"iam:*","Resource":"*"})"), PolicyKind::Identity);
  EXPECT_FALSE(has(g, "ALLOW_WITH_NOT_ACTION", FindingType::SecurityWarning));
}

TEST(Validate, UnknownServiceActionAndConditionKey) {
  auto data = policy::ServiceData::embedded();
  ASSERT_FALSE(data->empty());
  auto f = policy::validate(P(R"({"Effect":"Allow","Action":["s4:GetObject","s3:GetObjekt","s3:Get*","s3:Zz*"],"Resource":"*",
      "Condition":{"StringEquals":{"s3:prefixx":"a","aws:SourceIpp":"1"}}})"),
                            PolicyKind::Identity);
  EXPECT_TRUE(has(f, "INVALID_SERVICE_IN_ACTION", FindingType::Error));
  EXPECT_EQ(std::count_if(f.begin(), f.end(), [](const auto& x) { return x.issue_code == "INVALID_ACTION"; }), 2);
  EXPECT_TRUE(has(f, "INVALID_SERVICE_CONDITION_KEY", FindingType::Error));
  EXPECT_TRUE(has(f, "INVALID_GLOBAL_CONDITION_KEY", FindingType::Error));
  auto ok = policy::validate(P(R"({"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"StringLike":{"s3:prefix":"a/*","aws:PrincipalTag/team":"x"}}})"),
                             PolicyKind::Identity);
  EXPECT_TRUE(ok.empty()) << policy::findings_to_json(ok);
}

TEST(Validate, WithoutDataNoExistenceChecks) {
  auto f = policy::validate(P(R"({"Effect":"Allow","Action":"s4:GetObject","Resource":"*"})"), PolicyKind::Identity, nullptr);
  EXPECT_TRUE(f.empty());
}

TEST(Validate, RedundantStatementsActionsResources) {
  auto f = policy::validate(P(R"({"Effect":"Allow","Action":["s3:*","s3:GetObject"],"Resource":["arn:aws:s3:::b/*","arn:aws:s3:::b/k"]},
                                 {"Effect":"Allow","Action":"s3:GetObject","Resource":["arn:aws:s3:::b/*","arn:aws:s3:::b/k"]})"),
                            PolicyKind::Identity);
  EXPECT_TRUE(has(f, "REDUNDANT_ACTION", FindingType::Suggestion));
  EXPECT_TRUE(has(f, "REDUNDANT_RESOURCE", FindingType::Suggestion));
  EXPECT_TRUE(has(f, "REDUNDANT_STATEMENT", FindingType::Suggestion));
}

TEST(Validate, ConditionValueTypesAndQualifiers) {
  auto f = policy::validate(P(R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{
      "DateGreaterThan":{"aws:CurrentTime":"tomorrow"},"IpAddress":{"aws:SourceIp":"300.1.1.1"},
      "ForAllValues:StringEquals":{"aws:SourceIp":"1.2.3.4"},"NullIfExists":{"aws:TokenIssueTime":"true"}}})"),
                            PolicyKind::Identity);
  EXPECT_EQ(std::count_if(f.begin(), f.end(), [](const auto& x) { return x.issue_code == "DATA_TYPE_MISMATCH"; }), 2);
  EXPECT_TRUE(has(f, "FORALLVALUES_WITH_SINGLE_VALUED_KEY", FindingType::SecurityWarning));
  EXPECT_TRUE(has(f, "NULL_WITH_IF_EXISTS", FindingType::Error));
}

TEST(Validate, MissingVersionAndSize) {
  auto f = policy::validate(R"({"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]})", PolicyKind::Identity);
  EXPECT_TRUE(has(f, "MISSING_VERSION", FindingType::Warning));
  std::string big = R"({"Version":"2012-10-17","Statement":[)";
  for (int i = 0; i < 60; ++i) big += std::string(i ? "," : "") + R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b)" + std::to_string(i) + R"("})";
  big += "]}";
  EXPECT_TRUE(has(policy::validate(big, PolicyKind::InlineUser), "POLICY_SIZE_EXCEEDS_QUOTA", FindingType::Error));
}

TEST(Validate, FindingsJsonHasPaths) {
  auto f = policy::validate(P(R"({"Effect":"Allow","Action":"iam:PassRole","Resource":"*"})"), PolicyKind::Identity);
  std::string json = policy::findings_to_json(f);
  EXPECT_NE(json.find(R"("findingType":"SECURITY_WARNING")"), std::string::npos) << json;
  EXPECT_NE(json.find(R"({"value":"Statement"},{"index":0},{"value":"Resource"})"), std::string::npos) << json;
}

}  // namespace
