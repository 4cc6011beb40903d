#pragma once
// Creating an IAM role from another service, inside that service's transaction (Organizations'
// CreateAccount makes OrganizationAccountAccessRole this way). IAM's own CreateRole goes through the
// same call, so the rules are the same.
#include <cstdint>
#include <string>
#include <vector>

#include "base/error.h"
#include "store/store.h"

namespace citadel::services::iam {

struct RoleSpec {
  std::string name;                   // unique in the account regardless of case
  std::string path = "/";             // begins and ends with '/'
  std::string trust_policy;           // AssumeRolePolicyDocument (JSON text), checked as a trust policy
  std::string description;
  int64_t max_session_duration = 3600;  // seconds; 3600..43200 (the caller's to check)
  std::string permissions_boundary;   // a policy ARN, or "" for none
  std::vector<std::string> managed_policy_arns;  // attached after creation, at most 10
};

struct CreatedRole {
  std::string role_id;  // AROA...
  std::string arn;      // arn:aws:iam::ACCOUNT:role{path}{name}
};

// Creates role `spec` in `account` at `now_ms`, with IAM's errors: ValidationError (path),
// MalformedPolicyDocument / LimitExceeded (trust policy), EntityAlreadyExists "Role with name X
// already exists.", LimitExceeded (1,000 roles per account, 10 attached policies), NoSuchEntity (a
// boundary or policy that is not attachable from the account). Nothing is written on error if the
// caller rolls back its transaction.
Result<CreatedRole> create_role(store::Tx& tx, const std::string& account, const RoleSpec& spec, int64_t now_ms);

}  // namespace citadel::services::iam
