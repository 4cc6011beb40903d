#pragma once
// Whether a resource's own policy lets an AWS service principal act on it — the check a service
// makes before it delivers into a customer's resource (CloudTrail into a bucket, a KMS key or a
// role; S3 server access logs into a target bucket). Not a caller's authorization: no identity
// policies, only the resource policy, evaluated by the policy engine.
#include <span>
#include <string_view>

#include "policy/evaluate.h"
#include "policy/policy.h"
#include "policy/request.h"

namespace citadel::services {

struct ServiceAccess {
  std::string_view action, resource;
  std::span<const policy::ContextEntry> context;
};

// True when `policy_text` (of `kind`: a resource or a trust policy) allows every access in `accesses`
// to `service_principal` ("cloudtrail.amazonaws.com"); false when it does not or does not parse.
bool resource_policy_allows_service(std::string_view policy_text, policy::PolicyKind kind, std::string_view service_principal,
                                    std::string_view resource_account, std::initializer_list<ServiceAccess> accesses);

// The same question answered with the decision, for a caller that treats an explicit deny apart
// from the lack of an allow (SNS: a topic of the resource's own account takes what it does not
// deny). The first access that is not allowed decides; a missing or unparsable policy allows
// nothing (ImplicitlyDenied).
policy::DecisionType resource_policy_decision_for_service(std::string_view policy_text, policy::PolicyKind kind,
                                                          std::string_view service_principal, std::string_view resource_account,
                                                          std::initializer_list<ServiceAccess> accesses);

}  // namespace citadel::services
