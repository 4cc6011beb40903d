#include "server/authorizer.h"

namespace citadel::server {

namespace {
// The account an ARN belongs to ("" for ARNs without one, such as S3 buckets, or "*").
std::string arn_account(const std::string& arn) {
  // arn:partition:service:region:account:resource
  size_t pos = 0;
  for (int i = 0; i < 4; ++i) {
    pos = arn.find(':', pos);
    if (pos == std::string::npos) return {};
    ++pos;
  }
  size_t end = arn.find(':', pos);
  return end == std::string::npos ? std::string() : arn.substr(pos, end - pos);
}
}  // namespace

AuthzDecision authorize(const auth::Principal& principal, const services::OperationDef& op,
                        const services::AuthzRequest& request) {
  if (op.always_allowed) return {true, {}};
  if (principal.type == auth::PrincipalType::Root) {
    for (const auto& r : request.resources) {
      std::string acct = arn_account(r);
      if (!acct.empty() && acct != principal.account_id)
        return {false, "because no resource-based policy allows the " + request.action + " action"};
    }
    return {true, {}};
  }
  return {false, "because no identity-based policy allows the " + request.action + " action"};
}

AwsError access_denied(const auth::Principal& principal, const services::AuthzRequest& request,
                       const AuthzDecision& decision, bool json_wire) {
  std::string resource = request.resources.empty() ? "*" : request.resources.front();
  std::string msg = "User: " + principal.arn + " is not authorized to perform: " + request.action;
  if (resource != "*") msg += " on resource: " + resource;
  msg += " " + decision.reason;
  return AwsError::sender(json_wire ? "AccessDeniedException" : "AccessDenied", msg, 403);
}

}  // namespace citadel::server
