// AWS's policy evaluation logic over a set of compiled policies.
//
//   policy::PolicyRef identity[] = {{user_policy.get(), "arn:...:policy/P"}};
//   policy::PolicySet set;
//   set.identity = identity;
//   policy::Decision d = policy::evaluate(request, set);
//   if (d.type != policy::DecisionType::Allowed) ... d.blocked_by ...
//
// evaluate() is pure, thread-safe and allocates nothing: everything it returns points into
// the compiled policies, the PolicySet ids or the Request, which must outlive the Decision.
//
// The logic (IAM User Guide, "Policy evaluation logic"):
//  1. An explicit Deny in any applicable policy (SCP, RCP, resource, identity, boundary,
//     session) decides ExplicitlyDenied.
//  2. RCPs (for the resource's account, unless it is the management account; every caller but
//     service-linked roles, AWS service principals included) only deny:
//     RCPFullAWSAccess is attached to every level and cannot be detached.
//  3. SCPs (for the principal's account, unless it is the management account; not for service
//     principals, anonymous callers or service-linked roles): every level must allow.
//  4. Same account: a resource policy Allow naming the exact principal (user ARN, role session
//     ARN, federated user, "*") allows on its own; one naming the role ARN still needs the
//     permissions boundary and session policies; one naming only the account delegates to IAM.
//     Otherwise an identity Allow is needed, within the boundary and the session policies.
//  5. Cross-account: both the resource policy and the principal's side (identity, boundary,
//     session) must allow.
//  6. Service rules: for KMS actions on a key the key policy must allow (IAM policies count only
//     where the key policy allows the account; on "*" or an alias, IAM decides alone); for
//     sts:AssumeRole* the role trust policy must allow.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

#include "policy/compiled.h"
#include "policy/request.h"

namespace policy {

struct PolicyRef {
  const CompiledPolicy* policy = nullptr;
  std::string_view id;  // caller's name for it (policy ARN, "inline:alice/p1", ...), reported back
};

// One level of an organization path (root, an OU, the account): its attached SCPs or RCPs.
struct PolicyLevel {
  std::span<const PolicyRef> policies;
};

struct PolicySet {
  std::span<const PolicyRef> identity;  // managed + inline policies of the user/role (+ groups)
  PolicyRef permissions_boundary;       // policy == nullptr: no boundary
  std::span<const PolicyRef> session;   // empty: no session policies were passed
  PolicyRef resource;                   // bucket/key/queue policy or role trust policy
  std::span<const PolicyLevel> scps;    // empty: the principal's account is in no organization
  std::span<const PolicyLevel> rcps;    // empty: the resource's account is in no organization
  bool principal_in_management_account = false;  // SCPs do not apply
  bool resource_in_management_account = false;   // RCPs do not apply
};

enum class DecisionType : uint8_t { Allowed, ImplicitlyDenied, ExplicitlyDenied };
std::string_view decision_name(DecisionType t);  // "Allowed", "ImplicitlyDenied", ...

// A statement that decided: the policy it is in and its Sid and position.
struct StatementRef {
  PolicyKind kind = PolicyKind::Identity;
  std::string_view policy_id;
  std::string_view sid;
  uint32_t index = 0;
  uint32_t level = 0;  // SCP/RCP level (0 = root) when kind is SCP or RCP
};

struct Decision {
  DecisionType type = DecisionType::ImplicitlyDenied;
  // For a denial: the kind of policy that blocked it (the Deny's kind, or the kind that had no
  // applicable Allow). Meaningless when Allowed.
  PolicyKind blocked_by = PolicyKind::Identity;
  // A short fixed explanation, e.g. "no identity-based policy allows the action".
  std::string_view reason;
  // The Deny that decided, or the Allow statements that granted.
  std::array<StatementRef, 4> statements{};
  uint8_t statement_count = 0;

  std::span<const StatementRef> deciding() const { return {statements.data(), statement_count}; }
};

Decision evaluate(const Request& request, const PolicySet& set);

// Exposed for tests and validation: does one statement/condition apply to the request?
// Statement-level matching ignores Principal unless the policy is resource-based.
bool statement_applies(const CompiledPolicy& policy, std::size_t statement, const Request& request);

}  // namespace policy
