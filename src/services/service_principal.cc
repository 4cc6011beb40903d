#include "services/service_principal.h"

#include "policy/compiled.h"
#include "policy/evaluate.h"

namespace citadel::services {

bool resource_policy_allows_service(std::string_view policy_text, policy::PolicyKind kind, std::string_view service_principal,
                                    std::string_view resource_account, std::initializer_list<ServiceAccess> accesses) {
  if (policy_text.empty()) return false;
  auto parsed = policy::parse_unbounded(policy_text, kind);
  if (!parsed) return false;
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
    if (policy::evaluate(req, set).type != policy::DecisionType::Allowed) return false;
  }
  return true;
}

}  // namespace citadel::services
