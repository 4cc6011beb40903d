// Conformance table: AWS's policy evaluation logic across policy types.
// Each row is a full `citadel policy eval` request and the documented decision.
// Doc keys:
//   EL  IAM UG "Policy evaluation logic" / "How AWS enforcement code logic evaluates requests"
//   SA  IAM UG "Policy evaluation for requests within a single account"
//   XA  IAM UG "Cross-account policy evaluation logic"
//   PB  IAM UG "Permissions boundaries for IAM entities"
//   SP  IAM UG "Policies and permissions: Session policies"
//   SCP Organizations UG "Service control policies (SCPs)" — inheritance, every level must allow
//   RCP Organizations UG "Resource control policies (RCPs)"
//   PR  IAM UG "AWS JSON policy elements: Principal";  NP  "... NotPrincipal"
//   KMS KMS Developer Guide "Key policies in AWS KMS" — default key policy, allowing IAM policies
//   TR  IAM UG "Roles terms and concepts: trust policy"; STS "AssumeRole"
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "test_util.h"

namespace {

#define V "\"Version\":\"2012-10-17\""
#define POL(stmts) "{" V ",\"Statement\":[" stmts "]}"

// Principals.
#define P_ALICE R"("principal":"arn:aws:iam::111122223333:user/alice")"
#define P_BOB_X R"("principal":"arn:aws:iam::444455556666:user/bob")"
#define P_SESSION R"("principal":"arn:aws:sts::111122223333:assumed-role/app/s1")"
#define P_SESSION_X R"("principal":"arn:aws:sts::444455556666:assumed-role/app/s1")"
#define P_ROOT R"("principal":"arn:aws:iam::111122223333:root")"
#define P_ROOT_X R"("principal":"arn:aws:iam::444455556666:root")"
#define P_ANON R"("principal":"*")"
#define P_SVC R"("principal":"cloudtrail.amazonaws.com")"
#define P_FED R"("principal":"arn:aws:sts::111122223333:federated-user/fred")"

// Requests.
#define A_GET R"("action":"s3:GetObject","resource":"arn:aws:s3:::bucket/key")"
#define A_PUT R"("action":"s3:PutObject","resource":"arn:aws:s3:::bucket/key")"
#define A_EC2 R"("action":"ec2:RunInstances","resource":"*")"
#define A_KMS R"("action":"kms:Decrypt","resource":"arn:aws:kms:us-east-1:111122223333:key/k1")"
#define A_ASSUME R"("action":"sts:AssumeRole","resource":"arn:aws:iam::111122223333:role/app")"

// Identity-side policies.
#define S_ALLOW_GET R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"*"})"
#define S_ALLOW_S3 R"({"Effect":"Allow","Action":"s3:*","Resource":"*"})"
#define S_ALLOW_ALL R"({"Effect":"Allow","Action":"*","Resource":"*"})"
#define S_ALLOW_EC2 R"({"Effect":"Allow","Action":"ec2:*","Resource":"*"})"
#define S_DENY_GET R"({"Sid":"NoGet","Effect":"Deny","Action":"s3:GetObject","Resource":"*"})"
#define S_ALLOW_KMS R"({"Effect":"Allow","Action":"kms:*","Resource":"*"})"
#define S_ALLOW_ASSUME R"({"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"})"
#define ID(...) R"("identityPolicies":[)" __VA_ARGS__ "]"
#define BOUNDARY(s) R"("permissionsBoundary":)" POL(s)
#define SESSION(...) R"("sessionPolicies":[)" __VA_ARGS__ "]"

// Resource policies.
#define RS(effect, principal, action) \
  "{\"Effect\":\"" effect "\",\"Principal\":" principal ",\"Action\":\"" action "\",\"Resource\":\"*\"}"
#define RSN(effect, principal, action) \
  "{\"Effect\":\"" effect "\",\"NotPrincipal\":" principal ",\"Action\":\"" action "\",\"Resource\":\"*\"}"
#define PR_ALICE R"({"AWS":"arn:aws:iam::111122223333:user/alice"})"
#define PR_ACCT R"({"AWS":"111122223333"})"
#define PR_ACCT_X R"({"AWS":"444455556666"})"
#define PR_BOB_X R"({"AWS":"arn:aws:iam::444455556666:user/bob"})"
#define PR_ROLE R"({"AWS":"arn:aws:iam::111122223333:role/app"})"
#define PR_ROLE_PATH R"({"AWS":"arn:aws:iam::111122223333:role/team/app"})"
#define PR_SESSION R"({"AWS":"arn:aws:sts::111122223333:assumed-role/app/s1"})"
#define PR_SVC R"({"Service":"cloudtrail.amazonaws.com"})"
#define PR_STAR R"("*")"
#define PR_AWS_STAR R"({"AWS":"*"})"
#define RP(s) R"("resourcePolicy":)" POL(s)
#define TRUST(principal) R"("resourcePolicy":)" POL("{\"Effect\":\"Allow\",\"Principal\":" principal ",\"Action\":\"sts:AssumeRole\"}")

// Organizations.
#define SCPS(...) R"("scps":[)" __VA_ARGS__ "]"
#define RCPS(...) R"("rcps":[)" __VA_ARGS__ "]"
#define LVL(...) "[" __VA_ARGS__ "]"
#define SCP_FULL POL(R"({"Effect":"Allow","Action":"*","Resource":"*"})")
#define SCP_S3 POL(R"({"Effect":"Allow","Action":"s3:*","Resource":"*"})")
#define SCP_EC2 POL(R"({"Effect":"Allow","Action":"ec2:*","Resource":"*"})")
#define SCP_DENY_GET POL(R"({"Sid":"Guard","Effect":"Deny","Action":"s3:GetObject","Resource":"*"})")
#define RCP_FULL POL(R"({"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"})")
#define RCP_DENY_INSECURE POL(R"({"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}})")
#define RCP_DENY_OUTSIDE_ORG POL(R"({"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-123"}}})")

#define REQ(...) "{" __VA_ARGS__ "}"

struct EvalCase {
  const char* doc;
  const char* request;
  const char* decision;
  const char* blocked_by;  // "" when not checked / allowed
};

const EvalCase kCases[] = {
    // --- Default deny and explicit deny (EL) ---
    {"EL by default all requests are implicitly denied", REQ(P_ALICE "," A_GET), "ImplicitlyDenied", "Identity"},
    {"EL an identity Allow allows", REQ(P_ALICE "," A_GET "," ID(POL(S_ALLOW_GET))), "Allowed", ""},
    {"EL an explicit deny overrides an allow", REQ(P_ALICE "," A_GET "," ID(POL(S_ALLOW_GET "," S_DENY_GET))), "ExplicitlyDenied", "Identity"},
    {"EL deny in another identity policy overrides", REQ(P_ALICE "," A_GET "," ID(POL(S_ALLOW_ALL) "," POL(S_DENY_GET))), "ExplicitlyDenied", "Identity"},
    {"EL allow for a different action does not allow", REQ(P_ALICE "," A_PUT "," ID(POL(S_ALLOW_GET))), "ImplicitlyDenied", "Identity"},
    {"EL deny for a different action does not deny", REQ(P_ALICE "," A_PUT "," ID(POL(S_ALLOW_S3 "," S_DENY_GET))), "Allowed", ""},
    {"EL deny in a resource policy overrides identity allow", REQ(P_ALICE "," A_GET "," ID(POL(S_ALLOW_ALL)) "," RP(RS("Deny", PR_STAR, "s3:GetObject"))), "ExplicitlyDenied", "Resource"},
    {"EL deny in a boundary overrides", REQ(P_ALICE "," A_GET "," ID(POL(S_ALLOW_ALL)) "," BOUNDARY(S_ALLOW_ALL "," S_DENY_GET)), "ExplicitlyDenied", "PermissionsBoundary"},
    {"EL deny in a session policy overrides", REQ(P_SESSION "," A_GET "," ID(POL(S_ALLOW_ALL)) "," SESSION(POL(S_ALLOW_ALL "," S_DENY_GET))), "ExplicitlyDenied", "Session"},
    {"EL deny in an SCP overrides", REQ(P_ALICE "," A_GET "," ID(POL(S_ALLOW_ALL)) "," SCPS(LVL(SCP_FULL "," SCP_DENY_GET))), "ExplicitlyDenied", "SCP"},
    {"EL deny in an RCP overrides", REQ(P_ALICE "," A_GET ",\"context\":{\"aws:SecureTransport\":\"false\"}," ID(POL(S_ALLOW_ALL)) "," RCPS(LVL(RCP_FULL "," RCP_DENY_INSECURE))), "ExplicitlyDenied", "RCP"},
    {"EL explicit deny wins even when a resource policy names the user", REQ(P_ALICE "," A_GET "," ID(POL(S_DENY_GET)) "," RP(RS("Allow", PR_ALICE, "s3:GetObject"))), "ExplicitlyDenied", "Identity"},
    {"EL the root user has full access in its account", REQ(P_ROOT "," A_GET), "Allowed", ""},
    {"EL the root user is subject to explicit denies in resource policies", REQ(P_ROOT "," A_GET "," RP(RS("Deny", PR_STAR, "s3:GetObject"))), "ExplicitlyDenied", "Resource"},
    {"EL condition not met: the allow does not apply", REQ(P_ALICE "," A_GET "," ID(POL(R"({"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}})"))), "ImplicitlyDenied", "Identity"},
    {"EL condition met: the allow applies", REQ(P_ALICE "," A_GET ",\"context\":{\"aws:SourceIp\":\"10.1.2.3\"}," ID(POL(R"({"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}})"))), "Allowed", ""},
    {"EL deny with condition: applies only when the condition holds", REQ(P_ALICE "," A_GET ",\"context\":{\"aws:SourceIp\":\"192.0.2.1\"}," ID(POL(S_ALLOW_S3 R"(,{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}})"))), "ExplicitlyDenied", "Identity"},
    {"EL deny with condition not holding", REQ(P_ALICE "," A_GET ",\"context\":{\"aws:SourceIp\":\"10.0.0.1\"}," ID(POL(S_ALLOW_S3 R"(,{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}})"))), "Allowed", ""},
    {"EL MFA-required deny with BoolIfExists and no MFA key", REQ(P_ALICE "," A_GET "," ID(POL(S_ALLOW_S3 R"(,{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}})"))), "ExplicitlyDenied", "Identity"},
    {"EL MFA-required deny with MFA present", REQ(P_ALICE "," A_GET ",\"context\":{\"aws:MultiFactorAuthPresent\":\"true\"}," ID(POL(S_ALLOW_S3 R"(,{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}})"))), "Allowed", ""},
    {"EL derived key aws:username restricts to own folder", REQ(P_ALICE R"(,"action":"s3:GetObject","resource":"arn:aws:s3:::home/alice/x",)" ID(POL(R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::home/${aws:username}/*"})"))), "Allowed", ""},
    {"EL derived key aws:username other folder", REQ(P_ALICE R"(,"action":"s3:GetObject","resource":"arn:aws:s3:::home/bob/x",)" ID(POL(R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::home/${aws:username}/*"})"))), "ImplicitlyDenied", "Identity"},
    {"EL derived key aws:PrincipalAccount", REQ(P_ALICE "," A_GET "," ID(POL(R"({"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalAccount":"111122223333"}}})"))), "Allowed", ""},
    {"EL derived key aws:PrincipalType User", REQ(P_ALICE "," A_GET "," ID(POL(R"({"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalType":"User"}}})"))), "Allowed", ""},
    {"EL derived key aws:PrincipalArn of a role session is the role ARN", REQ(P_SESSION "," A_GET "," ID(POL(R"({"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/app"}}})"))), "Allowed", ""},
    {"EL derived key aws:PrincipalType AssumedRole", REQ(P_SESSION "," A_GET "," ID(POL(R"({"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalType":"AssumedRole"}}})"))), "Allowed", ""},
    {"EL request context overrides a derived key", REQ(P_ALICE "," A_GET ",\"context\":{\"aws:username\":\"carol\"}," ID(POL(R"({"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:username":"carol"}}})"))), "Allowed", ""},
    {"EL aws:username is not set for role sessions", REQ(P_SESSION "," A_GET "," ID(POL(R"({"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringLike":{"aws:username":"*"}}})"))), "ImplicitlyDenied", "Identity"},
    {"EL inline and managed policies are pooled", REQ(P_ALICE "," A_EC2 "," ID(POL(S_ALLOW_GET) "," POL(S_ALLOW_EC2))), "Allowed", ""},
    // --- Same-account resource policies (SA, PR) ---
    {"SA resource policy naming the user allows without identity allow", REQ(P_ALICE "," A_GET "," RP(RS("Allow", PR_ALICE, "s3:GetObject"))), "Allowed", ""},
    {"SA resource policy naming the account delegates to IAM: identity needed", REQ(P_ALICE "," A_GET "," RP(RS("Allow", PR_ACCT, "s3:GetObject"))), "ImplicitlyDenied", "Identity"},
    {"SA account principal plus identity allow", REQ(P_ALICE "," A_GET "," ID(POL(S_ALLOW_GET)) "," RP(RS("Allow", PR_ACCT, "s3:GetObject"))), "Allowed", ""},
    {"SA identity allow alone suffices within an account", REQ(P_ALICE "," A_GET "," ID(POL(S_ALLOW_GET)) "," RP(RS("Allow", PR_BOB_X, "s3:GetObject"))), "Allowed", ""},
    {"SA Principal * grants everyone", REQ(P_ALICE "," A_GET "," RP(RS("Allow", PR_STAR, "s3:GetObject"))), "Allowed", ""},
    {"SA Principal AWS:* grants everyone", REQ(P_ALICE "," A_GET "," RP(RS("Allow", PR_AWS_STAR, "s3:GetObject"))), "Allowed", ""},
    {"SA resource policy for another action", REQ(P_ALICE "," A_PUT "," RP(RS("Allow", PR_ALICE, "s3:GetObject"))), "ImplicitlyDenied", "Identity"},
    {"SA resource policy naming another user", REQ(P_ALICE "," A_GET "," RP(RS("Allow", R"({"AWS":"arn:aws:iam::111122223333:user/carol"})", "s3:GetObject"))), "ImplicitlyDenied", "Identity"},
    {"PB resource policy naming the user is not limited by the boundary", REQ(P_ALICE "," A_GET "," BOUNDARY(S_ALLOW_EC2) "," RP(RS("Allow", PR_ALICE, "s3:GetObject"))), "Allowed", ""},
    {"PB identity allow outside the boundary", REQ(P_ALICE "," A_GET "," ID(POL(S_ALLOW_GET)) "," BOUNDARY(S_ALLOW_EC2)), "ImplicitlyDenied", "PermissionsBoundary"},
    {"PB identity allow inside the boundary", REQ(P_ALICE "," A_GET "," ID(POL(S_ALLOW_GET)) "," BOUNDARY(S_ALLOW_S3)), "Allowed", ""},
    {"PB boundary alone grants nothing", REQ(P_ALICE "," A_GET "," BOUNDARY(S_ALLOW_S3)), "ImplicitlyDenied", "Identity"},
    {"PB account-principal resource policy is still limited by the boundary", REQ(P_ALICE "," A_GET "," ID(POL(S_ALLOW_GET)) "," BOUNDARY(S_ALLOW_EC2) "," RP(RS("Allow", PR_ACCT, "s3:GetObject"))), "ImplicitlyDenied", "PermissionsBoundary"},
    {"SA resource policy naming the role session allows on its own", REQ(P_SESSION "," A_GET "," RP(RS("Allow", PR_SESSION, "s3:GetObject"))), "Allowed", ""},
    {"SA resource policy naming the role session is not limited by the session policy", REQ(P_SESSION "," A_GET "," SESSION(POL(S_ALLOW_EC2)) "," RP(RS("Allow", PR_SESSION, "s3:GetObject"))), "Allowed", ""},
    {"SA resource policy naming the role session is not limited by the boundary", REQ(P_SESSION "," A_GET "," BOUNDARY(S_ALLOW_EC2) "," RP(RS("Allow", PR_SESSION, "s3:GetObject"))), "Allowed", ""},
    {"SA resource policy naming the role ARN allows without identity allow", REQ(P_SESSION "," A_GET "," RP(RS("Allow", PR_ROLE, "s3:GetObject"))), "Allowed", ""},
    {"SA resource policy naming the role ARN is limited by the boundary", REQ(P_SESSION "," A_GET "," BOUNDARY(S_ALLOW_EC2) "," RP(RS("Allow", PR_ROLE, "s3:GetObject"))), "ImplicitlyDenied", "PermissionsBoundary"},
    {"SA resource policy naming the role ARN is limited by the session policy", REQ(P_SESSION "," A_GET "," SESSION(POL(S_ALLOW_EC2)) "," RP(RS("Allow", PR_ROLE, "s3:GetObject"))), "ImplicitlyDenied", "Session"},
    {"SA role ARN within boundary and session policy", REQ(P_SESSION "," A_GET "," BOUNDARY(S_ALLOW_S3) "," SESSION(POL(S_ALLOW_S3)) "," RP(RS("Allow", PR_ROLE, "s3:GetObject"))), "Allowed", ""},
    {"PR a role ARN with a path names the role", REQ(P_SESSION "," A_GET "," RP(RS("Allow", PR_ROLE_PATH, "s3:GetObject"))), "Allowed", ""},
    {"PR a role ARN of another role does not match", REQ(P_SESSION "," A_GET "," RP(RS("Allow", R"({"AWS":"arn:aws:iam::111122223333:role/other"})", "s3:GetObject"))), "ImplicitlyDenied", "Identity"},
    {"SA federated user named in resource policy", REQ(P_FED "," A_GET "," RP(RS("Allow", R"({"AWS":"arn:aws:sts::111122223333:federated-user/fred"})", "s3:GetObject"))), "Allowed", ""},
    {"SA a role given by its ARN is limited as a role by the boundary", REQ(R"("principal":"arn:aws:iam::111122223333:role/app",)" A_GET "," BOUNDARY(S_ALLOW_EC2) "," RP(RS("Allow", PR_ROLE, "s3:GetObject"))), "ImplicitlyDenied", "PermissionsBoundary"},
    {"SA a role given by its ARN, resource policy naming the role", REQ(R"("principal":"arn:aws:iam::111122223333:role/app",)" A_GET "," RP(RS("Allow", PR_ROLE, "s3:GetObject"))), "Allowed", ""},
    {"PR the account root principal names the root user directly", REQ(P_ROOT "," A_GET "," RP(RS("Allow", PR_ACCT, "s3:GetObject"))), "Allowed", ""},
    {"PR a canonical user principal (S3)", REQ(R"("principal":"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be","principalType":"CanonicalUser",)" A_GET ",\"resourceAccount\":\"111122223333\"," RP(RS("Allow", R"({"CanonicalUser":"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"})", "s3:GetObject"))), "Allowed", ""},
    {"PR service principal names are case-sensitive", REQ(R"("principal":"CloudTrail.amazonaws.com",)" R"("action":"s3:PutObject","resource":"arn:aws:s3:::logs/x","resourceAccount":"111122223333",)" RP(RS("Allow", PR_SVC, "s3:PutObject"))), "ImplicitlyDenied", "Resource"},
    {"EL Deny with NotResource protects everything else", REQ(P_ALICE "," A_GET "," ID(POL(S_ALLOW_ALL R"(,{"Effect":"Deny","Action":"s3:*","NotResource":"arn:aws:s3:::public/*"})"))), "ExplicitlyDenied", "Identity"},
    {"EL Deny with NotResource leaves the listed resources", REQ(P_ALICE R"(,"action":"s3:GetObject","resource":"arn:aws:s3:::public/x",)" ID(POL(S_ALLOW_ALL R"(,{"Effect":"Deny","Action":"s3:*","NotResource":"arn:aws:s3:::public/*"})"))), "Allowed", ""},
    {"EL Deny with NotAction denies every other action", REQ(P_ALICE "," A_EC2 "," ID(POL(S_ALLOW_ALL R"(,{"Effect":"Deny","NotAction":["s3:*","iam:Get*"],"Resource":"*"})"))), "ExplicitlyDenied", "Identity"},
    {"EL Deny with NotAction leaves the listed actions", REQ(P_ALICE "," A_GET "," ID(POL(S_ALLOW_ALL R"(,{"Effect":"Deny","NotAction":["s3:*","iam:Get*"],"Resource":"*"})"))), "Allowed", ""},
    {"EL a Statement given as one object", REQ(P_ALICE "," A_GET R"(,"identityPolicies":[{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}])"), "Allowed", ""},
    {"VER 2008-10-17 condition values are literal too", REQ(P_ALICE "," A_GET R"(,"context":{"s3:prefix":"alice"},"identityPolicies":[{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"s3:prefix":"${aws:username}"}}}}])"), "ImplicitlyDenied", "Identity"},
    {"SP federated user session limited by its session policy", REQ(P_FED "," A_GET "," ID(POL(S_ALLOW_ALL)) "," SESSION(POL(S_ALLOW_EC2))), "ImplicitlyDenied", "Session"},
    // --- Session policies (SP) ---
    {"SP session policy limits identity permissions", REQ(P_SESSION "," A_GET "," ID(POL(S_ALLOW_ALL)) "," SESSION(POL(S_ALLOW_EC2))), "ImplicitlyDenied", "Session"},
    {"SP session policy within identity permissions", REQ(P_SESSION "," A_GET "," ID(POL(S_ALLOW_ALL)) "," SESSION(POL(S_ALLOW_S3))), "Allowed", ""},
    {"SP session policy grants nothing by itself", REQ(P_SESSION "," A_GET "," SESSION(POL(S_ALLOW_S3))), "ImplicitlyDenied", "Identity"},
    {"SP several session policies: any may allow", REQ(P_SESSION "," A_GET "," ID(POL(S_ALLOW_ALL)) "," SESSION(POL(S_ALLOW_EC2) "," POL(S_ALLOW_GET))), "Allowed", ""},
    {"SP account-principal resource policy is limited by the session policy", REQ(P_SESSION "," A_GET "," ID(POL(S_ALLOW_ALL)) "," SESSION(POL(S_ALLOW_EC2)) "," RP(RS("Allow", PR_ACCT, "s3:GetObject"))), "ImplicitlyDenied", "Session"},
    {"SP boundary and session both apply", REQ(P_SESSION "," A_GET "," ID(POL(S_ALLOW_ALL)) "," BOUNDARY(S_ALLOW_S3) "," SESSION(POL(S_ALLOW_EC2))), "ImplicitlyDenied", "Session"},
    {"SP boundary, identity and session all allow", REQ(P_SESSION "," A_GET "," ID(POL(S_ALLOW_ALL)) "," BOUNDARY(S_ALLOW_S3) "," SESSION(POL(S_ALLOW_GET))), "Allowed", ""},
    // --- Cross-account (XA) ---
    {"XA resource policy alone is not enough across accounts", REQ(P_BOB_X "," A_GET ",\"resourceAccount\":\"111122223333\"," RP(RS("Allow", PR_BOB_X, "s3:GetObject"))), "ImplicitlyDenied", "Identity"},
    {"XA identity policy alone is not enough across accounts", REQ(P_BOB_X "," A_GET ",\"resourceAccount\":\"111122223333\"," ID(POL(S_ALLOW_GET))), "ImplicitlyDenied", "Resource"},
    {"XA both sides allow", REQ(P_BOB_X "," A_GET ",\"resourceAccount\":\"111122223333\"," ID(POL(S_ALLOW_GET)) "," RP(RS("Allow", PR_BOB_X, "s3:GetObject"))), "Allowed", ""},
    {"XA resource policy trusting the other account plus identity allow", REQ(P_BOB_X "," A_GET ",\"resourceAccount\":\"111122223333\"," ID(POL(S_ALLOW_GET)) "," RP(RS("Allow", PR_ACCT_X, "s3:GetObject"))), "Allowed", ""},
    {"XA resource policy trusting a different account", REQ(P_BOB_X "," A_GET ",\"resourceAccount\":\"111122223333\"," ID(POL(S_ALLOW_GET)) "," RP(RS("Allow", PR_ACCT, "s3:GetObject"))), "ImplicitlyDenied", "Resource"},
    {"XA public resource still needs the caller's identity allow", REQ(P_BOB_X "," A_GET ",\"resourceAccount\":\"111122223333\"," RP(RS("Allow", PR_STAR, "s3:GetObject"))), "ImplicitlyDenied", "Identity"},
    {"XA boundary applies on the caller's side", REQ(P_BOB_X "," A_GET ",\"resourceAccount\":\"111122223333\"," ID(POL(S_ALLOW_GET)) "," BOUNDARY(S_ALLOW_EC2) "," RP(RS("Allow", PR_BOB_X, "s3:GetObject"))), "ImplicitlyDenied", "PermissionsBoundary"},
    {"XA role session from another account", REQ(P_SESSION_X "," A_GET ",\"resourceAccount\":\"111122223333\"," ID(POL(S_ALLOW_GET)) "," RP(RS("Allow", R"({"AWS":"arn:aws:iam::444455556666:role/app"})", "s3:GetObject"))), "Allowed", ""},
    {"XA deny in the resource account's resource policy", REQ(P_BOB_X "," A_GET ",\"resourceAccount\":\"111122223333\"," ID(POL(S_ALLOW_GET)) "," RP(RS("Allow", PR_BOB_X, "s3:GetObject") "," RS("Deny", PR_ACCT_X, "s3:GetObject"))), "ExplicitlyDenied", "Resource"},
    {"XA root of another account still needs the resource policy", REQ(P_ROOT_X "," A_GET ",\"resourceAccount\":\"111122223333\""), "ImplicitlyDenied", "Resource"},
    {"XA root of another account with resource policy", REQ(P_ROOT_X "," A_GET ",\"resourceAccount\":\"111122223333\"," RP(RS("Allow", PR_ACCT_X, "s3:GetObject"))), "Allowed", ""},
    {"XA resourceAccount defaults to the principal's account", REQ(P_BOB_X "," A_GET "," ID(POL(S_ALLOW_GET))), "Allowed", ""},
    // --- Anonymous and service principals (PR) ---
    {"PR anonymous request allowed by Principal *", REQ(P_ANON "," A_GET "," RP(RS("Allow", PR_STAR, "s3:GetObject"))), "Allowed", ""},
    {"PR anonymous request: identity policies do not apply", REQ(P_ANON "," A_GET "," ID(POL(S_ALLOW_ALL))), "ImplicitlyDenied", "Resource"},
    {"PR anonymous request not covered by an account principal", REQ(P_ANON "," A_GET "," RP(RS("Allow", PR_ACCT, "s3:GetObject"))), "ImplicitlyDenied", "Resource"},
    {"PR service principal allowed by Service", REQ(P_SVC R"(,"action":"s3:PutObject","resource":"arn:aws:s3:::logs/AWSLogs/x","resourceAccount":"111122223333",)" RP(RS("Allow", PR_SVC, "s3:PutObject"))), "Allowed", ""},
    {"PR service principal not named", REQ(P_SVC R"(,"action":"s3:PutObject","resource":"arn:aws:s3:::logs/x","resourceAccount":"111122223333",)" RP(RS("Allow", R"({"Service":"config.amazonaws.com"})", "s3:PutObject"))), "ImplicitlyDenied", "Resource"},
    {"PR Principal * names service principals too", REQ(P_SVC R"(,"action":"s3:PutObject","resource":"arn:aws:s3:::logs/x","resourceAccount":"111122223333",)" RP(RS("Allow", PR_STAR, "s3:PutObject"))), "Allowed", ""},
    {"PR service principal with aws:SourceAccount condition", REQ(P_SVC R"(,"action":"s3:PutObject","resource":"arn:aws:s3:::logs/x","resourceAccount":"111122223333","context":{"aws:SourceAccount":"111122223333"},)" RP(R"({"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject","Resource":"*","Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}})")), "Allowed", ""},
    {"PR service principal: confused-deputy condition fails", REQ(P_SVC R"(,"action":"s3:PutObject","resource":"arn:aws:s3:::logs/x","resourceAccount":"111122223333","context":{"aws:SourceAccount":"999988887777"},)" RP(R"({"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject","Resource":"*","Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}})")), "ImplicitlyDenied", "Resource"},
    // --- NotPrincipal (NP) ---
    {"NP deny NotPrincipal listing only the user still denies it (account not listed)", REQ(P_ALICE "," A_GET "," ID(POL(S_ALLOW_ALL)) "," RP(RSN("Deny", R"({"AWS":["arn:aws:iam::111122223333:user/alice"]})", "s3:GetObject"))), "ExplicitlyDenied", "Resource"},
    {"NP deny NotPrincipal listing user and account exempts the user", REQ(P_ALICE "," A_GET "," ID(POL(S_ALLOW_ALL)) "," RP(RSN("Deny", R"({"AWS":["arn:aws:iam::111122223333:user/alice","111122223333"]})", "s3:GetObject"))), "Allowed", ""},
    {"NP deny NotPrincipal denies everyone else", REQ(P_ALICE "," A_GET "," ID(POL(S_ALLOW_ALL)) "," RP(RSN("Deny", R"({"AWS":["arn:aws:iam::111122223333:user/carol","111122223333"]})", "s3:GetObject"))), "ExplicitlyDenied", "Resource"},
    {"NP role session must list session, role and account", REQ(P_SESSION "," A_GET "," ID(POL(S_ALLOW_ALL)) "," RP(RSN("Deny", R"({"AWS":["arn:aws:sts::111122223333:assumed-role/app/s1","111122223333"]})", "s3:GetObject"))), "ExplicitlyDenied", "Resource"},
    {"NP role session listing session, role and account is exempt", REQ(P_SESSION "," A_GET "," ID(POL(S_ALLOW_ALL)) "," RP(RSN("Deny", R"({"AWS":["arn:aws:sts::111122223333:assumed-role/app/s1","arn:aws:iam::111122223333:role/app","111122223333"]})", "s3:GetObject"))), "Allowed", ""},
    {"NP deny NotPrincipal always denies principals with a permissions boundary", REQ(P_ALICE "," A_GET "," ID(POL(S_ALLOW_ALL)) "," BOUNDARY(S_ALLOW_ALL) "," RP(RSN("Deny", R"({"AWS":["arn:aws:iam::111122223333:user/alice","111122223333"]})", "s3:GetObject"))), "ExplicitlyDenied", "Resource"},
    {"NP deny NotPrincipal applies to anonymous callers", REQ(P_ANON "," A_GET "," RP(RS("Allow", PR_STAR, "s3:GetObject") "," RSN("Deny", R"({"AWS":"111122223333"})", "s3:GetObject"))), "ExplicitlyDenied", "Resource"},
    {"NP allow NotPrincipal grants everyone not listed", REQ(P_ALICE "," A_GET "," RP(RSN("Allow", R"({"AWS":"arn:aws:iam::111122223333:user/carol"})", "s3:GetObject"))), "Allowed", ""},
    // --- SCPs (SCP) ---
    {"SCP full access at every level", REQ(P_ALICE "," A_GET "," ID(POL(S_ALLOW_GET)) "," SCPS(LVL(SCP_FULL) "," LVL(SCP_FULL) "," LVL(SCP_FULL))), "Allowed", ""},
    {"SCP SCPs grant nothing by themselves", REQ(P_ALICE "," A_GET "," SCPS(LVL(SCP_FULL))), "ImplicitlyDenied", "Identity"},
    {"SCP a level without an allow blocks (root)", REQ(P_ALICE "," A_GET "," ID(POL(S_ALLOW_GET)) "," SCPS(LVL(SCP_EC2) "," LVL(SCP_FULL) "," LVL(SCP_FULL))), "ImplicitlyDenied", "SCP"},
    {"SCP a level without an allow blocks (OU)", REQ(P_ALICE "," A_GET "," ID(POL(S_ALLOW_GET)) "," SCPS(LVL(SCP_FULL) "," LVL(SCP_EC2) "," LVL(SCP_FULL))), "ImplicitlyDenied", "SCP"},
    {"SCP a level without an allow blocks (account)", REQ(P_ALICE "," A_GET "," ID(POL(S_ALLOW_GET)) "," SCPS(LVL(SCP_FULL) "," LVL(SCP_FULL) "," LVL(SCP_EC2))), "ImplicitlyDenied", "SCP"},
    {"SCP any policy at a level may allow", REQ(P_ALICE "," A_GET "," ID(POL(S_ALLOW_GET)) "," SCPS(LVL(SCP_FULL) "," LVL(SCP_EC2 "," SCP_S3))), "Allowed", ""},
    {"SCP an empty level allows nothing", REQ(P_ALICE "," A_GET "," ID(POL(S_ALLOW_GET)) "," SCPS(LVL(SCP_FULL) "," LVL())), "ImplicitlyDenied", "SCP"},
    {"SCP deny at the account level", REQ(P_ALICE "," A_GET "," ID(POL(S_ALLOW_GET)) "," SCPS(LVL(SCP_FULL) "," LVL(SCP_FULL) "," LVL(SCP_FULL "," SCP_DENY_GET))), "ExplicitlyDenied", "SCP"},
    {"SCP the management account is not affected", REQ(P_ALICE "," A_GET ",\"principalInManagementAccount\":true," ID(POL(S_ALLOW_GET)) "," SCPS(LVL(SCP_EC2))), "Allowed", ""},
    {"SCP the management account is not affected by SCP denies", REQ(P_ALICE "," A_GET ",\"principalInManagementAccount\":true," ID(POL(S_ALLOW_GET)) "," SCPS(LVL(SCP_FULL "," SCP_DENY_GET))), "Allowed", ""},
    {"SCP apply to the root user of member accounts", REQ(P_ROOT "," A_GET "," SCPS(LVL(SCP_EC2))), "ImplicitlyDenied", "SCP"},
    {"SCP apply to role sessions", REQ(P_SESSION "," A_GET "," ID(POL(S_ALLOW_ALL)) "," SCPS(LVL(SCP_EC2))), "ImplicitlyDenied", "SCP"},
    {"SCP do not apply to service-linked roles", REQ(P_SESSION "," A_GET ",\"serviceLinkedRole\":true," ID(POL(S_ALLOW_ALL)) "," SCPS(LVL(SCP_EC2))), "Allowed", ""},
    {"SCP do not apply to service principals", REQ(P_SVC R"(,"action":"s3:PutObject","resource":"arn:aws:s3:::logs/x","resourceAccount":"111122223333",)" RP(RS("Allow", PR_SVC, "s3:PutObject")) "," SCPS(LVL(SCP_EC2))), "Allowed", ""},
    {"SCP limit resource-policy grants too", REQ(P_ALICE "," A_GET "," RP(RS("Allow", PR_ALICE, "s3:GetObject")) "," SCPS(LVL(SCP_EC2))), "ImplicitlyDenied", "SCP"},
    {"SCP with a condition", REQ(P_ALICE "," A_GET ",\"context\":{\"aws:RequestedRegion\":\"eu-west-1\"}," ID(POL(S_ALLOW_GET)) "," SCPS(LVL(SCP_FULL "," POL(R"({"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["us-east-1"]}}})")))), "ExplicitlyDenied", "SCP"},
    {"SCP with a condition that does not hold", REQ(P_ALICE "," A_GET ",\"context\":{\"aws:RequestedRegion\":\"us-east-1\"}," ID(POL(S_ALLOW_GET)) "," SCPS(LVL(SCP_FULL "," POL(R"({"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["us-east-1"]}}})")))), "Allowed", ""},
    {"SCP apply to the caller's account across accounts", REQ(P_BOB_X "," A_GET ",\"resourceAccount\":\"111122223333\"," ID(POL(S_ALLOW_GET)) "," RP(RS("Allow", PR_BOB_X, "s3:GetObject")) "," SCPS(LVL(SCP_EC2))), "ImplicitlyDenied", "SCP"},
    {"SCP do not apply to anonymous callers", REQ(P_ANON "," A_GET "," RP(RS("Allow", PR_STAR, "s3:GetObject")) "," SCPS(LVL(SCP_EC2))), "Allowed", ""},
    // --- RCPs (RCP) ---
    {"RCP full access allows", REQ(P_ALICE "," A_GET "," ID(POL(S_ALLOW_GET)) "," RCPS(LVL(RCP_FULL) "," LVL(RCP_FULL))), "Allowed", ""},
    {"RCP RCPFullAWSAccess cannot be detached: a level without an Allow does not block", REQ(P_ALICE "," A_GET "," ID(POL(S_ALLOW_GET)) "," RCPS(LVL(RCP_FULL) "," LVL(RCP_DENY_INSECURE))), "Allowed", ""},
    {"RCP deny insecure transport", REQ(P_ALICE "," A_GET ",\"context\":{\"aws:SecureTransport\":\"false\"}," ID(POL(S_ALLOW_GET)) "," RCPS(LVL(RCP_FULL "," RCP_DENY_INSECURE))), "ExplicitlyDenied", "RCP"},
    {"RCP deny insecure transport not triggered", REQ(P_ALICE "," A_GET ",\"context\":{\"aws:SecureTransport\":\"true\"}," ID(POL(S_ALLOW_GET)) "," RCPS(LVL(RCP_FULL "," RCP_DENY_INSECURE))), "Allowed", ""},
    {"RCP apply to anonymous callers (a data perimeter with IfExists denies them)", REQ(P_ANON "," A_GET "," RP(RS("Allow", PR_STAR, "s3:GetObject")) "," RCPS(LVL(RCP_FULL "," RCP_DENY_OUTSIDE_ORG))), "ExplicitlyDenied", "RCP"},
    {"RCP data perimeter denies an outside principal", REQ(P_BOB_X "," A_GET ",\"resourceAccount\":\"111122223333\",\"context\":{\"aws:PrincipalOrgID\":\"o-999\"}," ID(POL(S_ALLOW_GET)) "," RP(RS("Allow", PR_BOB_X, "s3:GetObject")) "," RCPS(LVL(RCP_FULL "," RCP_DENY_OUTSIDE_ORG))), "ExplicitlyDenied", "RCP"},
    {"RCP data perimeter lets an org principal through", REQ(P_BOB_X "," A_GET ",\"resourceAccount\":\"111122223333\",\"context\":{\"aws:PrincipalOrgID\":\"o-123\"}," ID(POL(S_ALLOW_GET)) "," RP(RS("Allow", PR_BOB_X, "s3:GetObject")) "," RCPS(LVL(RCP_FULL "," RCP_DENY_OUTSIDE_ORG))), "Allowed", ""},
    {"RCP the management account's resources are not affected", REQ(P_ALICE "," A_GET ",\"resourceInManagementAccount\":true," ID(POL(S_ALLOW_GET)) "," RCPS(LVL())), "Allowed", ""},
    {"RCP apply to service principals too", REQ(P_SVC R"(,"action":"s3:PutObject","resource":"arn:aws:s3:::logs/x","resourceAccount":"111122223333","context":{"aws:SecureTransport":"false"},)" RP(RS("Allow", PR_SVC, "s3:PutObject")) "," RCPS(LVL(RCP_FULL "," RCP_DENY_INSECURE))), "ExplicitlyDenied", "RCP"},
    {"RCP perimeters exempt services with aws:PrincipalIsAWSService", REQ(P_SVC R"(,"action":"s3:PutObject","resource":"arn:aws:s3:::logs/x","resourceAccount":"111122223333",)" RP(RS("Allow", PR_SVC, "s3:PutObject")) "," RCPS(LVL(RCP_FULL "," POL(R"({"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-123"},"BoolIfExists":{"aws:PrincipalIsAWSService":"false"}}})")))), "Allowed", ""},
    {"RCP perimeter with the service exemption still denies outsiders", REQ(P_BOB_X "," A_GET ",\"resourceAccount\":\"111122223333\"," ID(POL(S_ALLOW_GET)) "," RP(RS("Allow", PR_BOB_X, "s3:GetObject")) "," RCPS(LVL(RCP_FULL "," POL(R"({"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-123"},"BoolIfExists":{"aws:PrincipalIsAWSService":"false"}}})")))), "ExplicitlyDenied", "RCP"},
    {"RCP grant nothing by themselves", REQ(P_ALICE "," A_GET "," RCPS(LVL(RCP_FULL))), "ImplicitlyDenied", "Identity"},
    {"RCP never block implicitly, SCP levels do", REQ(P_ALICE "," A_GET "," ID(POL(S_ALLOW_GET)) "," RCPS(LVL()) "," SCPS(LVL())), "ImplicitlyDenied", "SCP"},
    {"RCP explicit deny is reported before the SCP's implicit deny", REQ(P_ALICE "," A_GET ",\"context\":{\"aws:SecureTransport\":\"false\"}," ID(POL(S_ALLOW_GET)) "," RCPS(LVL(RCP_DENY_INSECURE)) "," SCPS(LVL())), "ExplicitlyDenied", "RCP"},
    // --- KMS key policies (KMS) ---
    {"KMS key policy must allow: IAM policy alone is not enough", REQ(P_ALICE "," A_KMS "," ID(POL(S_ALLOW_KMS))), "ImplicitlyDenied", "Resource"},
    {"KMS key policy allowing the account enables IAM policies", REQ(P_ALICE "," A_KMS "," ID(POL(S_ALLOW_KMS)) "," RP(RS("Allow", R"({"AWS":"arn:aws:iam::111122223333:root"})", "kms:*"))), "Allowed", ""},
    {"KMS key policy allowing the account, no IAM policy", REQ(P_ALICE "," A_KMS "," RP(RS("Allow", R"({"AWS":"arn:aws:iam::111122223333:root"})", "kms:*"))), "ImplicitlyDenied", "Identity"},
    {"KMS key policy naming the user allows alone", REQ(P_ALICE "," A_KMS "," RP(RS("Allow", PR_ALICE, "kms:Decrypt"))), "Allowed", ""},
    {"KMS key policy for another action", REQ(P_ALICE "," A_KMS "," ID(POL(S_ALLOW_KMS)) "," RP(RS("Allow", PR_ALICE, "kms:Encrypt"))), "ImplicitlyDenied", "Resource"},
    {"KMS root user needs the key policy too", REQ(P_ROOT "," A_KMS), "ImplicitlyDenied", "Resource"},
    {"KMS action on no key is IAM's alone", REQ(P_ALICE "," R"("action":"kms:CreateKey","resource":"*")" "," ID(POL(S_ALLOW_KMS))), "Allowed", ""},
    {"KMS action on no key, no IAM policy", REQ(P_ALICE "," R"("action":"kms:CreateKey","resource":"*")"), "ImplicitlyDenied", "Identity"},
    {"KMS root user with the default key policy", REQ(P_ROOT "," A_KMS "," RP(RS("Allow", R"({"AWS":"arn:aws:iam::111122223333:root"})", "kms:*"))), "Allowed", ""},
    {"KMS cross-account: key policy and IAM policy", REQ(P_BOB_X "," A_KMS ",\"resourceAccount\":\"111122223333\"," ID(POL(S_ALLOW_KMS)) "," RP(RS("Allow", PR_ACCT_X, "kms:Decrypt"))), "Allowed", ""},
    {"KMS cross-account: key policy only", REQ(P_BOB_X "," A_KMS ",\"resourceAccount\":\"111122223333\"," RP(RS("Allow", PR_ACCT_X, "kms:Decrypt"))), "ImplicitlyDenied", "Identity"},
    {"KMS key policy deny", REQ(P_ALICE "," A_KMS "," ID(POL(S_ALLOW_KMS)) "," RP(RS("Allow", R"({"AWS":"arn:aws:iam::111122223333:root"})", "kms:*") "," RS("Deny", PR_STAR, "kms:Decrypt"))), "ExplicitlyDenied", "Resource"},
    // --- Role trust policies (TR) ---
    {"TR trust policy must allow AssumeRole", REQ(P_ALICE "," A_ASSUME "," ID(POL(S_ALLOW_ASSUME))), "ImplicitlyDenied", "TrustPolicy"},
    {"TR trust policy naming the user allows within the account", REQ(P_ALICE "," A_ASSUME "," TRUST(PR_ALICE)), "Allowed", ""},
    {"TR trust policy naming the account needs an identity allow", REQ(P_ALICE "," A_ASSUME "," TRUST(PR_ACCT)), "ImplicitlyDenied", "Identity"},
    {"TR trust policy naming the account plus identity allow", REQ(P_ALICE "," A_ASSUME "," ID(POL(S_ALLOW_ASSUME)) "," TRUST(PR_ACCT)), "Allowed", ""},
    {"TR cross-account trust plus identity allow", REQ(P_BOB_X "," A_ASSUME ",\"resourceAccount\":\"111122223333\"," ID(POL(S_ALLOW_ASSUME)) "," TRUST(PR_ACCT_X)), "Allowed", ""},
    {"TR cross-account trust without identity allow", REQ(P_BOB_X "," A_ASSUME ",\"resourceAccount\":\"111122223333\"," TRUST(PR_ACCT_X)), "ImplicitlyDenied", "Identity"},
    {"TR cross-account identity allow without trust", REQ(P_BOB_X "," A_ASSUME ",\"resourceAccount\":\"111122223333\"," ID(POL(S_ALLOW_ASSUME)) "," TRUST(PR_ACCT)), "ImplicitlyDenied", "TrustPolicy"},
    {"TR service principal assumes a role", REQ(R"("principal":"ec2.amazonaws.com",)" A_ASSUME ",\"resourceAccount\":\"111122223333\"," TRUST(R"({"Service":"ec2.amazonaws.com"})")), "Allowed", ""},
    {"TR other service principal", REQ(R"("principal":"lambda.amazonaws.com",)" A_ASSUME ",\"resourceAccount\":\"111122223333\"," TRUST(R"({"Service":"ec2.amazonaws.com"})")), "ImplicitlyDenied", "TrustPolicy"},
    {"TR web identity federation", REQ(R"("principal":"cognito-identity.amazonaws.com","principalType":"WebIdentity","action":"sts:AssumeRoleWithWebIdentity","resource":"arn:aws:iam::111122223333:role/app","resourceAccount":"111122223333",)" R"("resourcePolicy":)" POL(R"({"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":"sts:AssumeRoleWithWebIdentity"})")), "Allowed", ""},
    {"TR external id condition", REQ(P_BOB_X "," A_ASSUME ",\"resourceAccount\":\"111122223333\",\"context\":{\"sts:ExternalId\":\"abc\"}," ID(POL(S_ALLOW_ASSUME)) R"(,"resourcePolicy":)" POL(R"({"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"abc"}}})")), "Allowed", ""},
    {"TR external id missing", REQ(P_BOB_X "," A_ASSUME ",\"resourceAccount\":\"111122223333\"," ID(POL(S_ALLOW_ASSUME)) R"(,"resourcePolicy":)" POL(R"({"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"abc"}}})")), "ImplicitlyDenied", "TrustPolicy"},
};

void PrintTo(const EvalCase& c, std::ostream* os) { *os << c.doc; }

class EvalConformance : public ::testing::TestWithParam<EvalCase> {};

// CITADEL_POLICY_DUMP_CASES=FILE writes the table as JSON Lines ({doc, request, decision}) for
// tools/policy_crosscheck.mjs, which replays it against another engine.
TEST(EvalConformanceDump, WritesTheTableWhenAsked) {
  const char* path = std::getenv("CITADEL_POLICY_DUMP_CASES");
  if (!path) GTEST_SKIP() << "set CITADEL_POLICY_DUMP_CASES to write the table";
  std::ofstream out(path);
  for (const auto& c : kCases)
    out << boost::json::serialize(boost::json::object{{"doc", c.doc},
                                                      {"request", boost::json::parse(c.request)},
                                                      {"decision", c.decision},
                                                      {"blockedBy", c.blocked_by}})
        << "\n";
}

TEST_P(EvalConformance, DecisionAsDocumented) {
  const EvalCase& c = GetParam();
  auto o = policy_test::run(c.request);
  ASSERT_NE(o.decision, "ERROR") << c.doc << ": " << o.error << "\n" << c.request;
  EXPECT_EQ(o.decision, c.decision) << c.doc << "\n" << c.request << "\n" << boost::json::serialize(o.raw);
  if (*c.blocked_by) {
    EXPECT_EQ(o.blocked_by, c.blocked_by) << c.doc << "\n" << boost::json::serialize(o.raw);
  }
}

INSTANTIATE_TEST_SUITE_P(Table, EvalConformance, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<EvalCase>& info) {
                           return "case" + std::to_string(info.index);
                         });

// The decision names the statements that decided it.
TEST(EvalDecision, ReportsTheDecidingDenyStatement) {
  auto o = policy_test::run(REQ(P_ALICE "," A_GET "," ID(POL(S_ALLOW_ALL) "," POL(S_ALLOW_GET "," S_DENY_GET))));
  ASSERT_EQ(o.decision, "ExplicitlyDenied");
  const auto& st = o.raw.at("statements").as_array();
  ASSERT_EQ(st.size(), 1u);
  EXPECT_EQ(st[0].at("sid").as_string(), "NoGet");
  EXPECT_EQ(st[0].at("index").as_int64(), 1);
  EXPECT_EQ(st[0].at("policyId").as_string(), "identityPolicies[1]");
}

TEST(EvalDecision, ReportsTheGrantingStatements) {
  auto o = policy_test::run(REQ(P_BOB_X "," A_GET ",\"resourceAccount\":\"111122223333\"," ID(POL(S_ALLOW_EC2 "," S_ALLOW_GET)) "," RP(RS("Allow", PR_BOB_X, "s3:GetObject"))));
  ASSERT_EQ(o.decision, "Allowed");
  const auto& st = o.raw.at("statements").as_array();
  ASSERT_EQ(st.size(), 2u);
  EXPECT_EQ(st[0].at("policyId").as_string(), "identityPolicies[0]");
  EXPECT_EQ(st[0].at("index").as_int64(), 1);
  EXPECT_EQ(st[1].at("policyKind").as_string(), "Resource");
}

TEST(EvalDecision, ReportsTheScpLevelOfADeny) {
  auto o = policy_test::run(REQ(P_ALICE "," A_GET "," ID(POL(S_ALLOW_GET)) "," SCPS(LVL(SCP_FULL) "," LVL(SCP_FULL "," SCP_DENY_GET))));
  ASSERT_EQ(o.decision, "ExplicitlyDenied");
  EXPECT_EQ(o.raw.at("statements").as_array()[0].at("level").as_int64(), 1);
  EXPECT_EQ(o.raw.at("statements").as_array()[0].at("policyId").as_string(), "scps[1][1]");
}

}  // namespace
