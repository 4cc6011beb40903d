#pragma once
// Decides whether a principal may perform a declared action. Deny by default.
#include <string>

#include "auth/principal.h"
#include "base/error.h"
#include "services/service.h"

namespace citadel::server {

struct AuthzDecision {
  bool allowed = false;
  std::string reason;  // the tail of AWS's AccessDenied message ("because no identity-based policy allows ...")
};

// Until IAM policies are stored and evaluated (issue 4), the rule is: the root user may do anything
// within its own account; every other principal is denied everything except calls that need no
// permission (sts:GetCallerIdentity). Never allow by default.
AuthzDecision authorize(const auth::Principal& principal, const services::OperationDef& op,
                        const services::AuthzRequest& request);

// AWS's AccessDenied text: "User: ARN is not authorized to perform: ACTION on resource: ARN because ..."
AwsError access_denied(const auth::Principal& principal, const services::AuthzRequest& request,
                       const AuthzDecision& decision, bool json_wire);

}  // namespace citadel::server
