#pragma once
// Which of an identity's policies grant a service: shared by ListPoliciesGrantingServiceAccess and
// the service last accessed reports.
#include <string>
#include <vector>

#include "policy/policy.h"
#include "services/service.h"

namespace citadel::services::iam {

// One inline or managed policy of a user, group or role.
struct PolicyCandidate {
  std::string name, type, arn, entity_type, entity_name, document;  // type: INLINE / MANAGED
};

// The inline and attached policies of one user, group or role (`entity_type` "USER", "GROUP",
// "ROLE", as the answers name it).
Result<std::vector<PolicyCandidate>> entity_policies(store::Tx& tx, const std::string& entity_id, const char* entity_type,
                                                     const std::string& entity_name);

// Like IAM, a policy grants a service when one of its Allow statements names an action of it (a
// wildcard included) or uses NotAction without excluding the whole service.
bool policy_grants_service(const policy::Policy& p, std::string_view ns);

// "arn:aws:iam::ACCOUNT:user/path/NAME" -> ("user", "NAME") when ACCOUNT is `account`.
bool split_identity_arn(const std::string& arn, const std::string& account, std::string* kind, std::string* name);

}  // namespace citadel::services::iam
