#pragma once
// The policies that apply to an IAM principal, read inside the request's transaction, for the
// pipeline's authorization. Documents are returned as stored text (URL-decoded JSON); the
// authorizer compiles them through its cache keyed by document hash.
#include <string>
#include <vector>

#include "base/error.h"
#include "store/store.h"

namespace citadel::services::iam {

struct PolicyDocument {
  // How denials and simulator results name it: a managed policy's ARN
  // ("arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::123456789012:policy/P"), or
  // "user/NAME/POLICY" / "group/NAME/POLICY" / "role/NAME/POLICY" for inline policies.
  std::string id;
  bool managed = false;
  // Inline user/group/role policies are parsed with their own kinds' quotas; managed ones as Identity.
  enum class Source { Managed, InlineUser, InlineGroup, InlineRole } source = Source::Managed;
  std::string document;  // the JSON text of the (default version of the) policy
};

struct PrincipalPolicies {
  std::vector<PolicyDocument> identity;  // user inline + attached + each group's inline + attached
  bool has_boundary = false;
  PolicyDocument boundary;               // the permissions boundary's default version
  std::vector<std::pair<std::string, std::string>> tags;  // the principal's tags (aws:PrincipalTag/*)
};

// Everything that applies to IAM user `user_name` of `account` (case-insensitive name).
Result<PrincipalPolicies> load_user_policies(store::Tx& tx, const std::string& account, const std::string& user_name);

// Everything that applies to a session of role `role_name` of `account`: the role's inline and
// attached policies, its boundary and its tags. NoSuchEntity when the role is gone (its sessions
// then have no permissions).
Result<PrincipalPolicies> load_role_policies(store::Tx& tx, const std::string& account, const std::string& role_name);

// What STS needs to assume a role.
struct RoleForAssume {
  std::string role_id;     // AROA...
  std::string role_name;   // as stored (its case)
  std::string path;
  std::string arn;         // arn:aws:iam::ACCOUNT:role{path}{name}
  std::string trust_policy;  // the AssumeRolePolicyDocument (JSON text)
  int64_t max_session_duration_s = 3600;
};
// The role an ARN names (any account of this deployment), or NoSuchEntity.
Result<RoleForAssume> load_role_for_assume(store::Tx& tx, const std::string& role_arn);

// The JSON text of the default version of the managed policy `arn` visible from `account`
// (session policies passed by ARN to AssumeRole), or NoSuchEntity.
Result<std::string> managed_policy_document(store::Tx& tx, const std::string& account, const std::string& arn);

}  // namespace citadel::services::iam
