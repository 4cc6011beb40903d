#pragma once
// Shared pieces of the Organizations service: ids, ARNs, AWS's errors, the caller's organization,
// targets (root, OU, account, policy) and NextToken paging.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "services/service.h"

namespace citadel::services::organizations {

// ---- Errors (Organizations answers every error with HTTP 400) ------------------------------------
AwsError org_error(std::string code, std::string message);
// ConstraintViolationException / InvalidInputException with their Reason member.
AwsError constraint_violation(const std::string& reason, const std::string& message);
AwsError invalid_input(const std::string& reason, const std::string& message);
AwsError not_in_use();     // AWSOrganizationsNotInUseException
AwsError access_denied();  // AccessDeniedException "You don't have permissions to access this resource."

// ---- Ids -----------------------------------------------------------------------------------------
// n characters of [a-z0-9], uniformly drawn.
std::string random_lower_alnum(size_t n);
std::string random_hex(size_t n);
bool is_account_id(const std::string& id);
bool is_ou_id(const std::string& id);
bool is_policy_id(const std::string& id);

// ---- Policy types --------------------------------------------------------------------------------
inline constexpr const char* kScp = "SERVICE_CONTROL_POLICY";
inline constexpr const char* kRcp = "RESOURCE_CONTROL_POLICY";
inline constexpr const char* kTagPolicy = "TAG_POLICY";
inline constexpr const char* kBackupPolicy = "BACKUP_POLICY";
inline constexpr const char* kFullAwsAccess = "p-FullAWSAccess";
inline constexpr const char* kRcpFullAwsAccess = "p-RCPFullAWSAccess";
// One of the four types Citadel stores.
bool supported_policy_type(const std::string& type);
// "SERVICE_CONTROL_POLICY" -> "service_control_policy" (the ARN's segment).
std::string type_segment(const std::string& type);
// The AWS managed policy attached everywhere when the type is enabled ("" when none).
std::string default_policy_for(const std::string& type);

// ---- The organization ----------------------------------------------------------------------------
struct OrgRow {
  std::string id, management, feature_set, root_id;
  int64_t created_ms = 0;
};

std::string org_arn(const OrgRow& o);
std::string root_arn(const OrgRow& o);
std::string ou_arn(const OrgRow& o, const std::string& ou_id);
std::string account_arn(const OrgRow& o, const std::string& account_id);
std::string policy_arn(const OrgRow& o, const std::string& type, const std::string& policy_id, bool aws_managed);
std::string handshake_arn(const OrgRow& o, const std::string& action, const std::string& handshake_id);

// The organization `account` belongs to (as management or member).
Result<std::optional<OrgRow>> org_of(store::Tx& tx, const std::string& account);
// The caller's organization; AWSOrganizationsNotInUseException when it has none.
Result<OrgRow> caller_org(Call& call);
// Same, and the caller must be its management account (AccessDeniedException otherwise).
Result<OrgRow> management_org(Call& call);
// Same, but a delegated administrator may read too (the List*/Describe* operations).
Result<OrgRow> reader_org(Call& call);

// Policy types enabled on the organization's root.
Result<std::vector<std::string>> enabled_types(store::Tx& tx, const std::string& org_id);
Result<bool> type_enabled(store::Tx& tx, const std::string& org_id, const std::string& type);

// ---- Targets -------------------------------------------------------------------------------------
enum class TargetType { Root, OrganizationalUnit, Account };
struct Target {
  TargetType type = TargetType::Root;
  std::string id, name, arn;
  std::string parent_id;  // OUs and accounts
  int64_t depth = 0;      // OUs: 1 for a child of the root
};
const char* target_type_name(TargetType t);  // ROOT, ORGANIZATIONAL_UNIT, ACCOUNT
// A root, OU or account of the organization by id; nullopt when it is not one of them.
Result<std::optional<Target>> find_target(store::Tx& tx, const OrgRow& o, const std::string& id);

// Attaches the type's AWS managed policy (FullAWSAccess, RCPFullAWSAccess) to a new OU or account
// when the type is enabled.
Status attach_defaults(store::Tx& tx, const OrgRow& o, const std::string& target_id);
// Drops a target's attachments and tags (deleted OU, account leaving).
Status forget_target(store::Tx& tx, const std::string& target_id);

// Tags given with a Create* call, and TagResource (at most 50 per resource).
Status put_tags(store::Tx& tx, const std::string& org_id, const std::string& resource_id, const json::value* tags);

json::object account_json(const OrgRow& o, const store::Row& r, size_t first = 0);
// Columns for account_json, table aliases a (accounts) and m (org_accounts).
inline constexpr const char* kAccountColumns = "a.account_id, a.email, a.name, m.state, m.joined_method, m.joined_ms";

// ---- Paging --------------------------------------------------------------------------------------
// MaxResults (1..20) and an opaque NextToken over items sorted by key.
struct Item {
  std::string key;
  json::value value;
};
Result<json::object> page(const Call& call, std::vector<Item> items, const char* member);

// ---- Authorization -------------------------------------------------------------------------------
// The ARN an id names in the caller's organization (root, OU, account, policy), "" when unknown.
std::string arn_for_id(store::Tx& tx, const OrgRow& o, const std::string& id);
// The caller's organization for authorization, without failing.
std::optional<OrgRow> authz_org(const RequestContext& ctx, store::Tx& tx);

}  // namespace citadel::services::organizations
