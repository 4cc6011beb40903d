#pragma once
// Decides whether the caller may perform a declared action, with AWS's evaluation logic
// (src/policy/). Deny by default: anything not allowed by a policy is denied.
//
// The compiled policies of each principal are cached and reused until any IAM write commits
// (invalidate()), so a change of policy, attachment or membership takes effect on the next
// request while unchanged principals pay no store reads or parsing.
#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "auth/principal.h"
#include "base/error.h"
#include "policy/compiled.h"
#include "policy/evaluate.h"
#include "services/service.h"

namespace citadel::server {

struct AuthzDecision {
  bool allowed = false;
  policy::DecisionType type = policy::DecisionType::ImplicitlyDenied;
  policy::PolicyKind blocked_by = policy::PolicyKind::Identity;
  std::string resource;  // the resource that was denied
  std::string action;    // the action that was denied, when it is not the request's own (AuthzRequest::also)
};

class Authorizer {
 public:
  explicit Authorizer(size_t cache_capacity = 4096);

  // Runs inside the call's transaction (it may read the principal's policies).
  Result<AuthzDecision> decide(store::Tx& tx, const services::RequestContext& ctx, const services::OperationDef& op,
                               const services::AuthzRequest& request);
  // Called after a write that may change any principal's policies or any account's place in an
  // organization commits.
  void invalidate() { epoch_.fetch_add(1, std::memory_order_acq_rel); }

 private:
  // An account's organization, compiled: its SCP and RCP levels from the root down.
  struct Org {
    uint64_t epoch = 0;
    bool member = false;  // in an organization
    bool management = false;
    std::string org_id, org_path;
    bool scps_enabled = false, rcps_enabled = false;
    std::vector<std::vector<std::shared_ptr<const policy::CompiledPolicy>>> scps, rcps;  // per level
    std::vector<std::vector<std::string>> scp_ids, rcp_ids;
  };
  Result<std::shared_ptr<const Org>> org_for(store::Tx& tx, const std::string& account);

  // One principal's compiled policies, as of an epoch.
  struct Compiled {
    uint64_t epoch = 0;
    std::vector<std::shared_ptr<const policy::CompiledPolicy>> identity;
    std::vector<std::string> identity_ids;
    std::shared_ptr<const policy::CompiledPolicy> boundary;
    std::string boundary_id;
    std::vector<std::pair<std::string, std::string>> tags;  // ("aws:PrincipalTag/k", "v")
  };
  Result<std::shared_ptr<const Compiled>> compiled_for(store::Tx& tx, const auth::Principal& p);

  policy::PolicyCache cache_;
  std::atomic<uint64_t> epoch_{1};
  std::mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<const Compiled>> principals_;  // by principal ARN
  std::unordered_map<std::string, std::shared_ptr<const Org>> orgs_;               // by account id
  std::shared_ptr<const policy::CompiledPolicy> allow_all_;  // the root user's implicit permissions
};

// AWS's AccessDenied: "User: ARN is not authorized to perform: ACTION on resource: ARN because no
// identity-based policy allows the ACTION action" (or "with an explicit deny in a(n) ... policy").
AwsError access_denied(const auth::Principal& principal, const services::AuthzRequest& request,
                       const AuthzDecision& decision, bool json_wire);
// EC2's UnauthorizedOperation with an encoded authorization failure message (auth/authorization_message.h).
AwsError encoded_access_denied(const store::SecretBox& box, const auth::Principal& principal,
                               const services::AuthzRequest& request, const AuthzDecision& decision);

}  // namespace citadel::server
