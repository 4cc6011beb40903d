// Conformance table: parsing and storage-time checks, with AWS's MalformedPolicyDocument /
// LimitExceeded messages.
// Doc: IAM User Guide, "Grammar of the IAM JSON policy language" (GRAM), "IAM JSON policy elements"
// (ELEM: Version, Id, Statement, Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource,
// NotResource, Condition), "IAM and AWS STS quotas" (QUOTA), "Troubleshoot IAM policies" (TS),
// Organizations User Guide "SCP syntax" (SCP) and "RCP syntax" (RCP).
#include <gtest/gtest.h>

#include <string>

#include "policy/compiled.h"
#include "policy/policy.h"

namespace {

using policy::PolicyKind;

struct ParseCase {
  const char* doc;
  PolicyKind kind;
  const char* json;
  const char* error;  // nullptr: accepted; otherwise the exact message
};

constexpr const char* kSyntax = "Syntax errors in policy.";
constexpr const char* kNoActions = "Policy statement must contain actions.";
constexpr const char* kNoResources = "Policy statement must contain resources.";
constexpr const char* kVendor = "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.";
constexpr const char* kDupSid = "Statement IDs (SID) in a single policy must be unique.";
constexpr const char* kSidChars =
    "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*";

const ParseCase kCases[] = {
    // --- Grammar ---
    {"GRAM minimal identity policy", PolicyKind::Identity, R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]})", nullptr},
    {"GRAM Statement may be a single object", PolicyKind::Identity, R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}})", nullptr},
    {"TS invalid JSON", PolicyKind::Identity, R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",}]})", kSyntax},
    {"TS more than one policy object", PolicyKind::Identity, R"({"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}})", kSyntax},
    {"GRAM the document is an object", PolicyKind::Identity, R"([{"Effect":"Allow","Action":"s3:*","Resource":"*"}])", kSyntax},
    {"GRAM Statement is required", PolicyKind::Identity, R"({"Version":"2012-10-17"})", kSyntax},
    {"GRAM Statement array must not be empty", PolicyKind::Identity, R"({"Version":"2012-10-17","Statement":[]})", kSyntax},
    {"GRAM Statement must be object or array", PolicyKind::Identity, R"({"Version":"2012-10-17","Statement":"Allow"})", kSyntax},
    {"GRAM statements are objects", PolicyKind::Identity, R"({"Version":"2012-10-17","Statement":["x"]})", kSyntax},
    {"GRAM unknown top-level element", PolicyKind::Identity, R"({"Version":"2012-10-17","Statements":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]})", kSyntax},
    {"GRAM unknown statement element", PolicyKind::Identity, R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Actions":"x"}]})", kSyntax},
    {"GRAM element names are case-sensitive", PolicyKind::Identity, R"({"Version":"2012-10-17","Statement":[{"effect":"Allow","Action":"s3:*","Resource":"*"}]})", kSyntax},
    {"ELEM Id is an optional string", PolicyKind::Identity, R"({"Version":"2012-10-17","Id":"my-policy","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]})", nullptr},
    {"ELEM Id must be a string", PolicyKind::Identity, R"({"Version":"2012-10-17","Id":5,"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]})", kSyntax},
    // --- Version ---
    {"ELEM Version 2012-10-17", PolicyKind::Identity, R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]})", nullptr},
    {"ELEM Version 2008-10-17", PolicyKind::Identity, R"({"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]})", nullptr},
    {"ELEM Version may be omitted", PolicyKind::Identity, R"({"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]})", nullptr},
    {"ELEM Version: other dates are invalid", PolicyKind::Identity, R"({"Version":"2012-10-18","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]})", kSyntax},
    {"ELEM Version must be a string", PolicyKind::Identity, R"({"Version":2012,"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]})", kSyntax},
    // --- Effect ---
    {"ELEM Effect Deny", PolicyKind::Identity, R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"}]})", nullptr},
    {"ELEM Effect is required", PolicyKind::Identity, R"({"Version":"2012-10-17","Statement":[{"Action":"s3:*","Resource":"*"}]})", kSyntax},
    {"ELEM Effect is case-sensitive", PolicyKind::Identity, R"({"Version":"2012-10-17","Statement":[{"Effect":"allow","Action":"s3:*","Resource":"*"}]})", "The policy failed legacy parsing"},
    {"ELEM Effect only Allow or Deny", PolicyKind::Identity, R"({"Version":"2012-10-17","Statement":[{"Effect":"Permit","Action":"s3:*","Resource":"*"}]})", kSyntax},
    {"ELEM Effect must be a string", PolicyKind::Identity, R"({"Version":"2012-10-17","Statement":[{"Effect":true,"Action":"s3:*","Resource":"*"}]})", kSyntax},
    // --- Sid ---
    {"ELEM Sid optional alphanumeric", PolicyKind::Identity, R"({"Version":"2012-10-17","Statement":[{"Sid":"ReadOnly1","Effect":"Allow","Action":"s3:*","Resource":"*"}]})", nullptr},
    {"ELEM Sid must be unique", PolicyKind::Identity, R"({"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":"s3:*","Resource":"*"},{"Sid":"A","Effect":"Deny","Action":"s3:*","Resource":"*"}]})", kDupSid},
    {"ELEM Sid uniqueness also in resource policies", PolicyKind::Resource, R"({"Version":"2012-10-17","Statement":[{"Sid":"x","Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"},{"Sid":"x","Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]})", kDupSid},
    {"ELEM IAM Sids are alphanumeric", PolicyKind::Identity, R"({"Version":"2012-10-17","Statement":[{"Sid":"read only","Effect":"Allow","Action":"s3:*","Resource":"*"}]})", kSidChars},
    {"ELEM resource-policy Sids may contain spaces", PolicyKind::Resource, R"({"Version":"2012-10-17","Statement":[{"Sid":"Public read","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]})", nullptr},
    {"ELEM empty Sids are not duplicates", PolicyKind::Identity, R"({"Version":"2012-10-17","Statement":[{"Sid":"","Effect":"Allow","Action":"s3:*","Resource":"*"},{"Sid":"","Effect":"Allow","Action":"ec2:*","Resource":"*"}]})", nullptr},
    {"ELEM Sid must be a string", PolicyKind::Identity, R"({"Version":"2012-10-17","Statement":[{"Sid":1,"Effect":"Allow","Action":"s3:*","Resource":"*"}]})", kSyntax},
    // --- Action / NotAction ---
    {"ELEM Action required", PolicyKind::Identity, R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Resource":"*"}]})", kNoActions},
    {"ELEM Action empty list", PolicyKind::Identity, R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":[],"Resource":"*"}]})", kNoActions},
    {"ELEM NotAction instead of Action", PolicyKind::Identity, R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]})", nullptr},
    {"ELEM Action and NotAction together", PolicyKind::Identity, R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","NotAction":"iam:*","Resource":"*"}]})", kSyntax},
    {"ELEM Action needs a vendor prefix", PolicyKind::Identity, R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"GetObject","Resource":"*"}]})", kVendor},
    {"ELEM Action * alone is fine", PolicyKind::Identity, R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})", nullptr},
    {"ELEM Action only one colon", PolicyKind::Identity, R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get:Object","Resource":"*"}]})", "Actions/Condition can contain only one colon."},
    {"ELEM Action vendor characters", PolicyKind::Identity, R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s 3:GetObject","Resource":"*"}]})", "Vendor s 3 is not valid"},
    {"ELEM Action must be string or array of strings", PolicyKind::Identity, R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":{"a":1},"Resource":"*"}]})", kSyntax},
    {"ELEM Action array of non-strings", PolicyKind::Identity, R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":[1],"Resource":"*"}]})", kSyntax},
    {"ELEM NotAction needs a vendor prefix", PolicyKind::Identity, R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"DeleteBucket","Resource":"*"}]})", kVendor},
    // --- Resource / NotResource ---
    {"ELEM Resource required in identity policies", PolicyKind::Identity, R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*"}]})", kNoResources},
    {"ELEM Resource empty list", PolicyKind::Identity, R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":[]}]})", kNoResources},
    {"ELEM NotResource instead of Resource", PolicyKind::Identity, R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","NotResource":"arn:aws:s3:::x"}]})", nullptr},
    {"ELEM Resource and NotResource together", PolicyKind::Identity, R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","NotResource":"arn:aws:s3:::x"}]})", kSyntax},
    {"ELEM Resource must be ARN or *", PolicyKind::Identity, R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"bucket"}]})", "Resource bucket must be in ARN format or \"*\"."},
    {"ELEM Resource ARN with too few parts", PolicyKind::Identity, R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3"}]})", "Resource arn:aws:s3 must be in ARN format or \"*\"."},
    {"ELEM Resource required in SCPs", PolicyKind::SCP, R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*"}]})", kNoResources},
    {"ELEM Resource required in session policies", PolicyKind::Session, R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*"}]})", kNoResources},
    // --- Principal / NotPrincipal per kind ---
    {"ELEM identity policies cannot have Principal", PolicyKind::Identity, R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]})", "Has prohibited field Principal"},
    {"ELEM inline user policies cannot have Principal", PolicyKind::InlineUser, R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:*","Resource":"*"}]})", "Has prohibited field Principal"},
    {"ELEM boundaries cannot have NotPrincipal", PolicyKind::PermissionsBoundary, R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":"111122223333"},"Action":"s3:*","Resource":"*"}]})", "Has prohibited field NotPrincipal"},
    {"SCP SCPs cannot have Principal", PolicyKind::SCP, R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}]})", "Has prohibited field Principal"},
    {"ELEM resource policies need Principal", PolicyKind::Resource, R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]})", "Missing required field Principal"},
    {"ELEM trust policies need Principal", PolicyKind::TrustPolicy, R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]})", "Missing required field Principal"},
    {"ELEM trust policies cannot have Resource", PolicyKind::TrustPolicy, R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole","Resource":"*"}]})", "Has prohibited field Resource"},
    {"ELEM trust policy with service principal", PolicyKind::TrustPolicy, R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]})", nullptr},
    {"ELEM trust policy with federated principal", PolicyKind::TrustPolicy, R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:saml-provider/idp"},"Action":"sts:AssumeRoleWithSAML","Condition":{"StringEquals":{"SAML:aud":"https://signin.aws.amazon.com/saml"}}}]})", nullptr},
    {"ELEM Principal * string", PolicyKind::Resource, R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]})", nullptr},
    {"ELEM Principal AWS account id", PolicyKind::Resource, R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:*","Resource":"*"}]})", nullptr},
    {"ELEM Principal AWS list of ARNs", PolicyKind::Resource, R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:user/alice","arn:aws:iam::111122223333:role/r","arn:aws:sts::111122223333:assumed-role/r/s"]},"Action":"s3:*","Resource":"*"}]})", nullptr},
    {"ELEM Principal CanonicalUser", PolicyKind::Resource, R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"CanonicalUser":"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"},"Action":"s3:*","Resource":"*"}]})", nullptr},
    {"ELEM Principal wildcards inside ARNs are not allowed", PolicyKind::Resource, R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/*"},"Action":"s3:*","Resource":"*"}]})", "Invalid principal in policy: \"AWS\":\"arn:aws:iam::111122223333:user/*\""},
    {"ELEM Principal must be an IAM/STS ARN or account", PolicyKind::Resource, R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"alice"},"Action":"s3:*","Resource":"*"}]})", "Invalid principal in policy: \"AWS\":\"alice\""},
    {"ELEM Principal string other than *", PolicyKind::Resource, R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"111122223333","Action":"s3:*","Resource":"*"}]})", "Invalid principal in policy: \"AWS\":\"111122223333\""},
    {"ELEM Principal unknown type", PolicyKind::Resource, R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"User":"alice"},"Action":"s3:*","Resource":"*"}]})", "Invalid principal in policy: \"User\""},
    {"ELEM Principal and NotPrincipal together", PolicyKind::Resource, R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","NotPrincipal":{"AWS":"111122223333"},"Action":"s3:*","Resource":"*"}]})", kSyntax},
    {"ELEM NotPrincipal in resource policy", PolicyKind::Resource, R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":["111122223333","arn:aws:iam::111122223333:user/alice"]},"Action":"s3:*","Resource":"*"}]})", nullptr},
    {"ELEM Principal unique id of a deleted principal", PolicyKind::Resource, R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"AIDAJQABLZS4A3QDU576Q"},"Action":"s3:*","Resource":"*"}]})", nullptr},
    {"RCP Principal must be *", PolicyKind::RCP, R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"AWS":"111122223333"},"Action":"s3:*","Resource":"*"}]})", "Invalid principal in policy: resource control policies support only \"Principal\": \"*\""},
    {"RCP Allow only as RCPFullAWSAccess", PolicyKind::RCP, R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]})", "Resource control policies support \"Effect\": \"Allow\" only as in RCPFullAWSAccess (all actions on all resources, no conditions)."},
    {"RCP RCPFullAWSAccess itself", PolicyKind::RCP, R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]})", nullptr},
    {"NP NotPrincipal cannot be used in a role trust policy", PolicyKind::TrustPolicy, R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":"111122223333"},"Action":"sts:AssumeRole"}]})", "Has prohibited field NotPrincipal"},
    {"RCP with Principal *", PolicyKind::RCP, R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]})", nullptr},
    // --- Condition ---
    {"ELEM Condition with several operators", PolicyKind::Identity, R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:username":"a"},"IpAddress":{"aws:SourceIp":["10.0.0.0/8"]}}}]})", nullptr},
    {"ELEM Condition unknown operator", PolicyKind::Identity, R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEqualz":{"aws:username":"a"}}}]})", kSyntax},
    {"ELEM Condition empty unknown operator block is ignored", PolicyKind::Identity, R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"Whatever":{}}}]})", nullptr},
    {"ELEM Condition key needs a vendor prefix", PolicyKind::Identity, R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"username":"a"}}}]})", kVendor},
    {"ELEM Condition must be an object", PolicyKind::Identity, R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":"x"}]})", kSyntax},
    {"ELEM Condition operator value must be an object", PolicyKind::Identity, R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":"x"}}]})", kSyntax},
    {"ELEM Condition values are scalars", PolicyKind::Identity, R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:username":{"a":1}}}}]})", kSyntax},
    {"ELEM Condition set operators and IfExists", PolicyKind::Identity, R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"ForAllValues:StringLikeIfExists":{"aws:TagKeys":["a*"]}}}]})", nullptr},
    {"ELEM Condition numbers and booleans as values", PolicyKind::Identity, R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"NumericLessThan":{"s3:max-keys":10},"Bool":{"aws:SecureTransport":true}}}]})", nullptr},
    {"ELEM Condition unknown set qualifier", PolicyKind::Identity, R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"ForSomeValues:StringLike":{"aws:TagKeys":["a*"]}}}]})", kSyntax},
    // --- Quotas (QUOTA: "IAM object quotas" / Organizations "Maximum size of a policy document") ---
    {"QUOTA managed policy 6,144 characters", PolicyKind::Identity, nullptr, "Cannot exceed quota for PolicySize: 6144"},
    {"QUOTA inline user policy 2,048", PolicyKind::InlineUser, nullptr, "Maximum policy size of 2048 bytes exceeded."},
    {"QUOTA inline group policy 5,120", PolicyKind::InlineGroup, nullptr, "Maximum policy size of 5120 bytes exceeded."},
    {"QUOTA inline role policy 10,240", PolicyKind::InlineRole, nullptr, "Maximum policy size of 10240 bytes exceeded."},
    {"QUOTA role trust policy 2,048", PolicyKind::TrustPolicy, nullptr, "Cannot exceed quota for ACLSizePerRole: 2048"},
    {"QUOTA SCP 5,120", PolicyKind::SCP, nullptr, "Policy document exceeds the maximum size of 5120 characters."},
    {"QUOTA RCP 5,120", PolicyKind::RCP, nullptr, "Policy document exceeds the maximum size of 5120 characters."},
};

// A document just over the kind's quota (nullptr json in the table).
std::string oversized(PolicyKind kind) {
  std::string stmt = kind == PolicyKind::TrustPolicy ? R"({"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"})"
                     : kind == PolicyKind::RCP       ? R"({"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"})"
                                                     : R"({"Effect":"Allow","Action":"s3:*","Resource":"*"})";
  std::string doc = R"({"Version":"2012-10-17","Statement":[)" + stmt;
  const std::size_t quota = policy::size_quota(kind);
  while (policy::counted_size(doc) <= quota) doc += "," + stmt;
  return doc + "]}";
}

void PrintTo(const ParseCase& c, std::ostream* os) { *os << c.doc; }

class ParseConformance : public ::testing::TestWithParam<ParseCase> {};

TEST_P(ParseConformance, AcceptedOrRejectedAsDocumented) {
  const ParseCase& c = GetParam();
  const std::string json = c.json ? std::string(c.json) : oversized(c.kind);
  auto r = policy::parse(json, c.kind);
  if (!c.error) {
    EXPECT_TRUE(r.ok()) << c.doc << ": " << (r.ok() ? "" : r.error().message);
    return;
  }
  ASSERT_FALSE(r.ok()) << c.doc;
  EXPECT_EQ(r.error().message, c.error) << c.doc;
  EXPECT_EQ(r.error().code, c.json ? "MalformedPolicyDocument" : "LimitExceeded") << c.doc;
}

INSTANTIATE_TEST_SUITE_P(Table, ParseConformance, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<ParseCase>& info) {
                           return "case" + std::to_string(info.index);
                         });

// QUOTA: "IAM doesn't count white space when calculating the size of a policy".
TEST(ParseQuota, WhitespaceIsNotCounted) {
  std::string stmt = R"({"Effect":"Allow","Action":"s3:*","Resource":"*"})";
  std::string doc = R"({"Version":"2012-10-17","Statement":[)" + stmt;
  while (policy::counted_size(doc) + 60 < 2048) doc += ",\n    " + stmt;
  doc += "]}";
  doc += std::string(5000, ' ');
  EXPECT_GT(doc.size(), 2048u);
  EXPECT_TRUE(policy::parse(doc, PolicyKind::InlineUser).ok());
}

// SCP/RCP: "Every character in your SCP/RCP counts against its maximum size" (whitespace too).
TEST(ParseQuota, OrganizationsCountsWhitespace) {
  std::string doc = R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"}]})";
  doc += std::string(5200, ' ');
  auto r = policy::parse(doc, PolicyKind::SCP);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "LimitExceeded");
  EXPECT_TRUE(policy::parse(doc, PolicyKind::Identity).ok());
}

// ELEM Principal: "an AWS account ID ... is expanded to arn:aws:iam::ID:root".
TEST(ParsePrincipal, AccountIdsAreExpandedToRootArns) {
  auto r = policy::parse(
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["111122223333","arn:aws:iam::444455556666:user/bob"]},"Action":"s3:*","Resource":"*"}]})",
      PolicyKind::Resource);
  ASSERT_TRUE(r.ok());
  const auto& aws = r.value().statements[0].principal.aws;
  ASSERT_EQ(aws.size(), 2u);
  EXPECT_EQ(aws[0], "arn:aws:iam::111122223333:root");
  EXPECT_EQ(aws[1], "arn:aws:iam::444455556666:user/bob");
}

TEST(ParseStructure, KeepsStatementOrderSidsAndVersion) {
  auto r = policy::parse(
      R"({"Version":"2008-10-17","Id":"P","Statement":[{"Sid":"A","Effect":"Allow","Action":["s3:Get*","s3:List*"],"Resource":"*"},{"Sid":"B","Effect":"Deny","NotAction":"iam:*","NotResource":"arn:aws:s3:::x"}]})",
      PolicyKind::Identity);
  ASSERT_TRUE(r.ok());
  const auto& p = r.value();
  EXPECT_EQ(p.version, policy::Version::V2008_10_17);
  EXPECT_EQ(p.id, "P");
  ASSERT_EQ(p.statements.size(), 2u);
  EXPECT_EQ(p.statements[0].sid, "A");
  EXPECT_EQ(p.statements[0].actions.size(), 2u);
  EXPECT_EQ(p.statements[1].effect, policy::Effect::Deny);
  EXPECT_TRUE(p.statements[1].not_action);
  EXPECT_TRUE(p.statements[1].not_resource);
  EXPECT_EQ(p.statements[1].index, 1u);
}

TEST(ParseKinds, NamesRoundTrip) {
  for (auto k : {PolicyKind::Identity, PolicyKind::InlineUser, PolicyKind::InlineGroup, PolicyKind::InlineRole,
                 PolicyKind::Resource, PolicyKind::TrustPolicy, PolicyKind::PermissionsBoundary, PolicyKind::Session,
                 PolicyKind::SCP, PolicyKind::RCP}) {
    PolicyKind back;
    ASSERT_TRUE(policy::kind_from_name(policy::kind_name(k), &back));
    EXPECT_EQ(back, k);
  }
  PolicyKind k;
  EXPECT_TRUE(policy::kind_from_name("trust", &k));
  EXPECT_EQ(k, PolicyKind::TrustPolicy);
  EXPECT_FALSE(policy::kind_from_name("nope", &k));
}

}  // namespace
