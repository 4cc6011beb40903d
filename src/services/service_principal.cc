#include "services/service_principal.h"

#include "policy/compiled.h"
#include "policy/evaluate.h"

namespace citadel::services {

bool resource_policy_allows_service(std::string_view policy_text, policy::PolicyKind kind, std::string_view service_principal,
                                    std::string_view resource_account, std::initializer_list<ServiceAccess> accesses) {
  return resource_policy_decision_for_service(policy_text, kind, service_principal, resource_account, accesses) ==
         policy::DecisionType::Allowed;
}

policy::DecisionType resource_policy_decision_for_service(std::string_view policy_text, policy::PolicyKind kind,
                                                          std::string_view service_principal, std::string_view resource_account,
                                                          std::initializer_list<ServiceAccess> accesses) {
  if (policy_text.empty()) return policy::DecisionType::ImplicitlyDenied;
  auto parsed = policy::parse_unbounded(policy_text, kind);
  if (!parsed) return policy::DecisionType::ImplicitlyDenied;
  auto compiled = policy::compile(parsed.value());
  policy::PolicySet set;
  set.resource = {compiled.get(), "resource"};
  for (const auto& a : accesses) {
    policy::Request req;
    req.principal = policy::principal_from_arn(service_principal);
    req.action = a.action;
    req.resource = a.resource;
    req.resource_account = resource_account;
    req.context = a.context;
    if (auto d = policy::evaluate(req, set).type; d != policy::DecisionType::Allowed) return d;
  }
  return policy::DecisionType::Allowed;
}

}  // namespace citadel::services
