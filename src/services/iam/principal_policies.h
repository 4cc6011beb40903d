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
  // "user/NAME/POLICY" / "group/NAME/POLICY" for inline policies.
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

}  // namespace citadel::services::iam
