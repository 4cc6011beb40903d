// The IAM policy language: the parsed (uncompiled) form of a policy document and the parser.
//
//   auto r = policy::parse(json, policy::PolicyKind::Identity);
//   if (!r) return r.error();            // MalformedPolicyDocument / LimitExceeded
//   auto compiled = policy::compile(r.value());
//
// parse() checks everything AWS checks when a policy is stored (grammar, which elements the
// kind allows or requires, the size quota of the kind, duplicate Sids) and answers with AWS's
// own messages. It never throws and never reads anything but its arguments.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "policy/result.h"

namespace policy {

// Where a document is attached; decides the allowed elements and the size quota.
enum class PolicyKind : uint8_t {
  Identity,             // customer managed policy: 6,144 chars (whitespace not counted)
  InlineUser,           // 2,048
  InlineGroup,          // 5,120
  InlineRole,           // 10,240
  Resource,             // bucket/key/queue/... policy: Principal required (20,480 chars)
  TrustPolicy,          // role trust policy: Principal required, Resource prohibited, 2,048
  PermissionsBoundary,  // a managed policy used as boundary: 6,144
  Session,              // inline session policy passed to AssumeRole*: 2,048
  SCP,                  // service control policy: 5,120 (whitespace counted)
  RCP,                  // resource control policy: 5,120 (whitespace counted), Principal "*", deny only
};

// "Identity", "InlineUser", ... (the enumerator name).
std::string_view kind_name(PolicyKind kind);
// Inverse of kind_name, case-insensitive; also accepts "managed", "trust", "boundary",
// "bucket" aliases. Returns false when unknown.
bool kind_from_name(std::string_view name, PolicyKind* out);
// Size quota in characters for the kind (see counted_size for what counts).
std::size_t size_quota(PolicyKind kind);

enum class Effect : uint8_t { Allow, Deny };

// 2012-10-17 supports policy variables; 2008-10-17 (and a missing Version, which AWS treats
// as 2008-10-17) takes "${...}" literally.
enum class Version : uint8_t { V2008_10_17, V2012_10_17, Missing };

// The Principal / NotPrincipal element. Account ids are expanded to arn:aws:iam::ID:root.
struct PrincipalSpec {
  bool wildcard = false;  // "Principal": "*"
  std::vector<std::string> aws;             // ARNs or "*"
  std::vector<std::string> service;         // "s3.amazonaws.com"
  std::vector<std::string> federated;       // "cognito-identity.amazonaws.com", SAML provider ARN
  std::vector<std::string> canonical_user;  // S3 canonical user ids
};

// One key of one condition operator: "StringLike": {"s3:prefix": ["home/", "home/*"]}.
// JSON numbers and booleans are kept as their text ("10", "true").
struct ConditionClause {
  std::string op;   // as written, e.g. "ForAnyValue:StringLikeIfExists"
  std::string key;  // as written, e.g. "aws:PrincipalTag/team"
  std::vector<std::string> values;
};

struct Statement {
  std::size_t index = 0;  // position in the Statement array
  std::string sid;
  bool has_sid = false;
  Effect effect = Effect::Allow;
  bool not_action = false;  // true: NotAction
  std::vector<std::string> actions;
  bool has_resource = false;
  bool not_resource = false;  // true: NotResource
  std::vector<std::string> resources;
  bool has_principal = false;
  bool not_principal = false;  // true: NotPrincipal
  PrincipalSpec principal;
  std::vector<ConditionClause> conditions;
};

struct Policy {
  PolicyKind kind = PolicyKind::Identity;
  Version version = Version::Missing;
  std::string id;  // the optional "Id" element
  std::vector<Statement> statements;
};

// Parses and checks one policy document of the given kind.
// Errors: MalformedPolicyDocument with AWS's message; LimitExceeded when the document,
// whitespace excluded, is over size_quota(kind).
Result<Policy> parse(std::string_view json, PolicyKind kind);

// Same checks without the size quota (used by validate() to report everything at once).
Result<Policy> parse_unbounded(std::string_view json, PolicyKind kind);

// Characters of the document that count toward the quota: IAM does not count whitespace;
// Organizations counts every character of an SCP or RCP.
std::size_t counted_size(std::string_view json);
std::size_t counted_size(std::string_view json, PolicyKind kind);

}  // namespace policy
