#pragma once
// What the organization says about one account, for SCP/RCP enforcement and the aws:PrincipalOrg*
// and aws:ResourceOrg* condition keys. Pure read: a few indexed queries, no writes, no caching.
//
//   auto path = organizations::org_path_for_account(tx, principal.account_id);
//   if (!path) return path.error();          // store failure only
//   if (!*path) { /* the account is in no organization: no SCPs, no RCPs */ }
//
// The management account is part of its organization and gets a path like any account;
// AWS does not apply SCPs or RCPs to it: the caller decides that with is_management().
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "store/store.h"

namespace citadel::services::organizations {

struct OrgPolicyDocument {
  std::string policy_id;  // "p-FullAWSAccess", "p-ab12cd34"
  std::string document;   // the policy's JSON text, as stored (valid for its kind when written)
};

// One level of the path: the root, an OU, or the account itself.
struct OrgLevel {
  enum class Kind { Root, OrganizationalUnit, Account };
  Kind kind = Kind::Root;
  std::string id;                       // "r-ab12", "ou-ab12-cdefgh12", "123456789012"
  std::vector<OrgPolicyDocument> scps;  // attached SCPs (empty when SCPs are not enabled)
  std::vector<OrgPolicyDocument> rcps;  // attached RCPs (empty when RCPs are not enabled)
};

struct OrgPath {
  std::string organization_id;        // "o-abcdefghij"
  std::string management_account_id;  // whose account ARNs carry the organization's resources
  std::string account_id;             // the account the path leads to
  std::string account_state;          // ACTIVE, SUSPENDED (closed)
  bool scps_enabled = false;          // SERVICE_CONTROL_POLICY is enabled on the root
  bool rcps_enabled = false;          // RESOURCE_CONTROL_POLICY is enabled on the root
  // From the root down to the account: levels.front() is the root, levels.back() the account,
  // OUs (at most 5) in between, outermost first. Each level must allow for SCPs to allow.
  std::vector<OrgLevel> levels;

  bool is_management() const { return account_id == management_account_id; }
  // The aws:PrincipalOrgPaths / aws:ResourceOrgPaths value: "o-x/r-x/ou-x/.../" (the account's
  // parent chain, not the account itself).
  std::string org_entity_path() const;
};

// The path of `account_id`, or nullopt when it belongs to no organization. Errors are store errors.
Result<std::optional<OrgPath>> org_path_for_account(store::Tx& tx, const std::string& account_id);

}  // namespace citadel::services::organizations
