// Conformance table: Action/NotAction and Resource/NotResource matching, policy variables in
// Resource. Each row is one identity policy statement
//   {Effect: Allow, <action element>: A, <resource element>: R}
// evaluated for one action and resource.
// Doc: IAM User Guide, "IAM JSON policy elements: Action" (ACT), "NotAction" (NA), "Resource" (RES),
// "NotResource" (NR), "IAM policy elements: Variables and tags" (VAR), "Version" (VER).
#include <gtest/gtest.h>

#include "test_util.h"

namespace {

struct MatchCase {
  const char* doc;
  const char* action_elem;  // "Action" or "NotAction"
  const char* actions;      // JSON
  const char* resource_elem;
  const char* resources;    // JSON
  const char* action;
  const char* resource;
  const char* context;      // JSON object
  const char* version;
  bool allowed;
};

const char* V12 = "2012-10-17";
const char* V08 = "2008-10-17";

const MatchCase kCases[] = {
    // --- Action (ACT) ---
    {"ACT exact action", "Action", R"("s3:GetObject")", "Resource", R"("*")", "s3:GetObject", "arn:aws:s3:::b/k", "{}", V12, true},
    {"ACT other action", "Action", R"("s3:GetObject")", "Resource", R"("*")", "s3:PutObject", "arn:aws:s3:::b/k", "{}", V12, false},
    {"ACT action names are case-insensitive (policy)", "Action", R"("S3:GETOBJECT")", "Resource", R"("*")", "s3:GetObject", "arn:aws:s3:::b/k", "{}", V12, true},
    {"ACT action names are case-insensitive (request)", "Action", R"("s3:getobject")", "Resource", R"("*")", "S3:GetObject", "arn:aws:s3:::b/k", "{}", V12, true},
    {"ACT service prefix is case-insensitive", "Action", R"("IAM:ListUsers")", "Resource", R"("*")", "iam:listusers", "*", "{}", V12, true},
    {"ACT * matches every action", "Action", R"("*")", "Resource", R"("*")", "ec2:RunInstances", "*", "{}", V12, true},
    {"ACT service wildcard s3:*", "Action", R"("s3:*")", "Resource", R"("*")", "s3:DeleteBucket", "arn:aws:s3:::b", "{}", V12, true},
    {"ACT service wildcard does not cross services", "Action", R"("s3:*")", "Resource", R"("*")", "s3express:CreateSession", "*", "{}", V12, false},
    {"ACT prefix wildcard Get*", "Action", R"("s3:Get*")", "Resource", R"("*")", "s3:GetBucketPolicy", "*", "{}", V12, true},
    {"ACT prefix wildcard no match", "Action", R"("s3:Get*")", "Resource", R"("*")", "s3:PutObject", "*", "{}", V12, false},
    {"ACT inner wildcard", "Action", R"("ec2:*Instances")", "Resource", R"("*")", "ec2:TerminateInstances", "*", "{}", V12, true},
    {"ACT ? matches one character", "Action", R"("iam:?etUser")", "Resource", R"("*")", "iam:GetUser", "*", "{}", V12, true},
    {"ACT ? needs exactly one character", "Action", R"("iam:?User")", "Resource", R"("*")", "iam:GetUser", "*", "{}", V12, false},
    {"ACT wildcard in service prefix", "Action", R"("s*:List*")", "Resource", R"("*")", "sqs:ListQueues", "*", "{}", V12, true},
    {"ACT list of actions is ORed", "Action", R"(["s3:PutObject","s3:GetObject"])", "Resource", R"("*")", "s3:GetObject", "*", "{}", V12, true},
    {"ACT list of actions none match", "Action", R"(["s3:PutObject","s3:DeleteObject"])", "Resource", R"("*")", "s3:GetObject", "*", "{}", V12, false},
    {"ACT mixed services", "Action", R"(["sqs:SendMessage","s3:GetObject"])", "Resource", R"("*")", "sqs:SendMessage", "*", "{}", V12, true},
    {"ACT whole action must match", "Action", R"("s3:Get")", "Resource", R"("*")", "s3:GetObject", "*", "{}", V12, false},
    {"ACT action with hyphenated service", "Action", R"("access-analyzer:ValidatePolicy")", "Resource", R"("*")", "access-analyzer:validatepolicy", "*", "{}", V12, true},
    // --- NotAction (NA) ---
    {"NA allow everything except listed", "NotAction", R"("iam:*")", "Resource", R"("*")", "s3:GetObject", "*", "{}", V12, true},
    {"NA listed action is not allowed", "NotAction", R"("iam:*")", "Resource", R"("*")", "iam:CreateUser", "*", "{}", V12, false},
    {"NA case-insensitive", "NotAction", R"("IAM:*")", "Resource", R"("*")", "iam:CreateUser", "*", "{}", V12, false},
    {"NA list", "NotAction", R"(["iam:*","organizations:*"])", "Resource", R"("*")", "organizations:ListAccounts", "*", "{}", V12, false},
    {"NA list other service", "NotAction", R"(["iam:*","organizations:*"])", "Resource", R"("*")", "ec2:RunInstances", "*", "{}", V12, true},
    {"NA specific action only", "NotAction", R"("s3:DeleteBucket")", "Resource", R"("*")", "s3:DeleteObject", "*", "{}", V12, true},
    // --- Resource (RES) ---
    {"RES * matches every resource", "Action", R"("s3:*")", "Resource", R"("*")", "s3:GetObject", "arn:aws:s3:::any/key", "{}", V12, true},
    {"RES exact ARN", "Action", R"("s3:*")", "Resource", R"("arn:aws:s3:::bucket/key")", "s3:GetObject", "arn:aws:s3:::bucket/key", "{}", V12, true},
    {"RES ARNs are case-sensitive", "Action", R"("s3:*")", "Resource", R"("arn:aws:s3:::Bucket/key")", "s3:GetObject", "arn:aws:s3:::bucket/key", "{}", V12, false},
    {"RES trailing wildcard", "Action", R"("s3:*")", "Resource", R"("arn:aws:s3:::bucket/*")", "s3:GetObject", "arn:aws:s3:::bucket/a/b/c", "{}", V12, true},
    {"RES bucket/* does not match the bucket", "Action", R"("s3:*")", "Resource", R"("arn:aws:s3:::bucket/*")", "s3:ListBucket", "arn:aws:s3:::bucket", "{}", V12, false},
    {"RES bucket* matches bucket and objects", "Action", R"("s3:*")", "Resource", R"("arn:aws:s3:::bucket*")", "s3:ListBucket", "arn:aws:s3:::bucket", "{}", V12, true},
    {"RES ? wildcard", "Action", R"("s3:*")", "Resource", R"("arn:aws:s3:::bucket/file?.txt")", "s3:GetObject", "arn:aws:s3:::bucket/file1.txt", "{}", V12, true},
    {"RES ? exactly one", "Action", R"("s3:*")", "Resource", R"("arn:aws:s3:::bucket/file?.txt")", "s3:GetObject", "arn:aws:s3:::bucket/file10.txt", "{}", V12, false},
    {"RES wildcard region segment", "Action", R"("ec2:*")", "Resource", R"("arn:aws:ec2:*:111122223333:instance/*")", "ec2:StopInstances", "arn:aws:ec2:eu-west-1:111122223333:instance/i-1", "{}", V12, true},
    {"RES wildcard does not cross ARN segments", "Action", R"("ec2:*")", "Resource", R"("arn:aws:ec2:*::instance/*")", "ec2:StopInstances", "arn:aws:ec2:eu-west-1:111122223333:instance/i-1", "{}", V12, false},
    {"RES account segment must match", "Action", R"("ec2:*")", "Resource", R"("arn:aws:ec2:*:444455556666:instance/*")", "ec2:StopInstances", "arn:aws:ec2:eu-west-1:111122223333:instance/i-1", "{}", V12, false},
    {"RES resource part may contain colons", "Action", R"("logs:*")", "Resource", R"("arn:aws:logs:us-east-1:111122223333:log-group:app:*")", "logs:PutLogEvents", "arn:aws:logs:us-east-1:111122223333:log-group:app:log-stream:s1", "{}", V12, true},
    {"RES list is ORed", "Action", R"("s3:*")", "Resource", R"(["arn:aws:s3:::a/*","arn:aws:s3:::b/*"])", "s3:GetObject", "arn:aws:s3:::b/k", "{}", V12, true},
    {"RES list none", "Action", R"("s3:*")", "Resource", R"(["arn:aws:s3:::a/*","arn:aws:s3:::b/*"])", "s3:GetObject", "arn:aws:s3:::c/k", "{}", V12, false},
    {"RES wildcard service segment", "Action", R"("*")", "Resource", R"("arn:aws:*:*:111122223333:*")", "sqs:SendMessage", "arn:aws:sqs:us-east-1:111122223333:q", "{}", V12, true},
    {"RES IAM user path", "Action", R"("iam:*")", "Resource", R"("arn:aws:iam::111122223333:user/division/*")", "iam:GetUser", "arn:aws:iam::111122223333:user/division/alice", "{}", V12, true},
    // --- NotResource (NR) ---
    {"NR everything except listed", "Action", R"("s3:*")", "NotResource", R"("arn:aws:s3:::secret/*")", "s3:GetObject", "arn:aws:s3:::public/k", "{}", V12, true},
    {"NR listed resource not allowed", "Action", R"("s3:*")", "NotResource", R"("arn:aws:s3:::secret/*")", "s3:GetObject", "arn:aws:s3:::secret/k", "{}", V12, false},
    {"NR list", "Action", R"("s3:*")", "NotResource", R"(["arn:aws:s3:::a/*","arn:aws:s3:::b/*"])", "s3:GetObject", "arn:aws:s3:::b/k", "{}", V12, false},
    {"NR with NotAction", "NotAction", R"("iam:*")", "NotResource", R"("arn:aws:s3:::secret/*")", "s3:GetObject", "arn:aws:s3:::other/k", "{}", V12, true},
    // --- Variables in Resource (VAR) ---
    {"VAR aws:username in Resource", "Action", R"("s3:*")", "Resource", R"("arn:aws:s3:::home/${aws:username}/*")", "s3:GetObject", "arn:aws:s3:::home/tester/a", "{}", V12, true},
    {"VAR aws:username other user's folder", "Action", R"("s3:*")", "Resource", R"("arn:aws:s3:::home/${aws:username}/*")", "s3:GetObject", "arn:aws:s3:::home/bob/a", "{}", V12, false},
    {"VAR aws:userid in Resource", "Action", R"("s3:*")", "Resource", R"("arn:aws:s3:::home/${aws:userid}/*")", "s3:GetObject", "arn:aws:s3:::home/AIDAEXAMPLE/a", R"({"aws:userid":"AIDAEXAMPLE"})", V12, true},
    {"VAR principal tag in Resource", "Action", R"("s3:*")", "Resource", R"("arn:aws:s3:::team-${aws:PrincipalTag/team}/*")", "s3:GetObject", "arn:aws:s3:::team-blue/a", R"({"aws:PrincipalTag/team":"blue"})", V12, true},
    {"VAR missing variable: resource does not match", "Action", R"("s3:*")", "Resource", R"("arn:aws:s3:::team-${aws:PrincipalTag/team}/*")", "s3:GetObject", "arn:aws:s3:::team-/a", "{}", V12, false},
    {"VAR default value in Resource", "Action", R"("s3:*")", "Resource", R"("arn:aws:s3:::team-${aws:PrincipalTag/team, 'shared'}/*")", "s3:GetObject", "arn:aws:s3:::team-shared/a", "{}", V12, true},
    {"VAR any context key, e.g. s3:prefix", "Action", R"("s3:*")", "Resource", R"("arn:aws:s3:::b/${s3:prefix}")", "s3:GetObject", "arn:aws:s3:::b/docs", R"({"s3:prefix":"docs"})", V12, true},
    {"VAR value's own * stays literal", "Action", R"("s3:*")", "Resource", R"("arn:aws:s3:::b/${aws:PrincipalTag/p}")", "s3:GetObject", "arn:aws:s3:::b/anything", R"({"aws:PrincipalTag/p":"*"})", V12, false},
    {"VAR value's own * matches a literal *", "Action", R"("s3:*")", "Resource", R"("arn:aws:s3:::b/${aws:PrincipalTag/p}")", "s3:GetObject", "arn:aws:s3:::b/*", R"({"aws:PrincipalTag/p":"*"})", V12, true},
    {"VAR ${*} in Resource is a literal *", "Action", R"("s3:*")", "Resource", R"("arn:aws:s3:::b/${*}")", "s3:GetObject", "arn:aws:s3:::b/x", "{}", V12, false},
    {"VAR ${*} matches literal *", "Action", R"("s3:*")", "Resource", R"("arn:aws:s3:::b/${*}")", "s3:GetObject", "arn:aws:s3:::b/*", "{}", V12, true},
    {"VAR ${?} literal", "Action", R"("s3:*")", "Resource", R"("arn:aws:s3:::b/q${?}")", "s3:GetObject", "arn:aws:s3:::b/q?", "{}", V12, true},
    {"VAR ${$} literal", "Action", R"("s3:*")", "Resource", R"("arn:aws:s3:::b/${$}")", "s3:GetObject", "arn:aws:s3:::b/$", "{}", V12, true},
    {"VAR variable with wildcard after it", "Action", R"("s3:*")", "Resource", R"("arn:aws:s3:::b/${aws:username}-*")", "s3:GetObject", "arn:aws:s3:::b/tester-1", "{}", V12, true},
    {"VAR in NotResource: missing variable matches nothing so NotResource applies", "Action", R"("s3:*")", "NotResource", R"("arn:aws:s3:::b/${aws:PrincipalTag/x}")", "s3:GetObject", "arn:aws:s3:::b/", "{}", V12, true},
    {"VER 2008-10-17 takes ${...} literally", "Action", R"("s3:*")", "Resource", R"("arn:aws:s3:::home/${aws:username}/*")", "s3:GetObject", "arn:aws:s3:::home/tester/a", "{}", V08, false},
    {"VER 2008-10-17 literal text matches", "Action", R"("s3:*")", "Resource", R"("arn:aws:s3:::home/${aws:username}/*")", "s3:GetObject", "arn:aws:s3:::home/${aws:username}/a", "{}", V08, true},
    {"VER 2008-10-17 still supports wildcards", "Action", R"("s3:Get*")", "Resource", R"("arn:aws:s3:::b/*")", "s3:GetObject", "arn:aws:s3:::b/k", "{}", V08, true},
};

void PrintTo(const MatchCase& c, std::ostream* os) { *os << c.doc; }

class MatchConformance : public ::testing::TestWithParam<MatchCase> {};

TEST_P(MatchConformance, AllowedAsDocumented) {
  const MatchCase& c = GetParam();
  std::string policy = policy_test::policy1(std::string(R"("Effect":"Allow",")") + c.action_elem + R"(":)" + c.actions +
                                                R"(,")" + c.resource_elem + R"(":)" + c.resources,
                                            c.version);
  std::string req = std::string(R"({"principal":"arn:aws:iam::111122223333:user/tester","action":")") + c.action +
                    R"(","resource":")" + c.resource + R"(","context":)" + c.context +
                    R"(,"identityPolicies":[)" + policy + "]}";
  auto o = policy_test::run(req);
  ASSERT_NE(o.decision, "ERROR") << o.error << "\n" << req;
  EXPECT_EQ(o.decision, c.allowed ? "Allowed" : "ImplicitlyDenied") << c.doc << "\n" << req;
}

INSTANTIATE_TEST_SUITE_P(Table, MatchConformance, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<MatchCase>& info) {
                           return "case" + std::to_string(info.index);
                         });

}  // namespace
