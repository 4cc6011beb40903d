#pragma once
// Shared pieces of the IAM service: ARNs, name rules, pagination, lookups.
#include <optional>
#include <string>

#include "policy/policy.h"
#include "services/service.h"

namespace citadel::services::iam {

std::string user_arn(const std::string& account, const std::string& path, const std::string& name);
std::string lower(std::string_view s);

// The user the call is about: UserName when given, else the caller (IAM's rule for
// CreateAccessKey, ListAccessKeys, GetUser ...). Empty for the root user acting on itself.
std::string target_user(const Call& call);
std::string target_user(const RequestContext& ctx, const json::object& input);
// The ARN that authorizes an operation on the target user: the stored user's ARN (with its path),
// or the ARN it would have when it does not exist (so that the caller learns nothing before it is
// authorized).
std::string target_user_arn(const RequestContext& ctx, const json::object& input, store::Tx& tx);

// What authorizes an operation on the target user (UserName, else the caller): its ARN, its tags as
// aws:ResourceTag/KEY and, with `boundary_key` (the operations IAM lists with that key), its
// permissions boundary as iam:PermissionsBoundary.
AuthzRequest user_authz(std::string action, const RequestContext& ctx, const json::object& input, store::Tx& tx,
                        bool boundary_key = false);
// What authorizes an operation on the managed policy PolicyArn: the ARN and its tags as
// aws:ResourceTag/KEY.
AuthzRequest policy_authz(std::string action, const RequestContext& ctx, const json::object& input, store::Tx& tx);

struct UserRow {
  std::string name, user_id, path, boundary;
  int64_t created_ms = 0;
};
// Loads a user by name (case-insensitive), or NoSuchEntity in AWS's words.
Result<UserRow> load_user(store::Tx& tx, const std::string& account, const std::string& name);

AwsError no_such_user(const std::string& name);
Status check_path(const std::string& path, const char* member);

// Marker-based paging as IAM does it: MaxItems (1..1000, default 100) and an opaque Marker.
struct Page {
  int64_t max_items = 100;
  std::string after;  // resume after this sort key ("" = from the start)
};
Result<Page> read_page(const Call& call);
std::string make_marker(const std::string& sort_key);

// Keeps rows[0..max_items) of a query that fetched max_items + 1 rows: sets out["IsTruncated"]
// and, when truncated, out["Marker"] from the last kept row's sort key.
template <typename Rows, typename KeyFn>
size_t finish_page(const Page& page, const Rows& rows, KeyFn key_of, json::object& out) {
  size_t n = rows.size();
  if (static_cast<int64_t>(n) > page.max_items) {
    n = static_cast<size_t>(page.max_items);
    out["Marker"] = make_marker(key_of(rows[n - 1]));
  }
  out["IsTruncated"] = out.contains("Marker");
  return n;
}

// A List*Tags answer: `tags` (sorted by Key) paged by the call's MaxItems and Marker.
Result<json::value> tags_page(const Call& call, const json::array& tags);

// ---- Managed policies, groups ---------------------------------------------------------------
// AWS managed policies live under the pseudo-account "aws" and are visible in every account.
inline constexpr const char* kAwsAccount = "aws";

std::string policy_arn(const std::string& account, const std::string& path, const std::string& name);
std::string group_arn(const std::string& account, const std::string& path, const std::string& name);
std::string version_id(int64_t version);  // 3 -> "v3"
// "v3" -> 3; 0 when not of that form.
int64_t parse_version_id(std::string_view id);

struct PolicyRow {
  std::string policy_id, account, name, path, arn, description;
  int64_t default_version = 1, next_version = 2, created_ms = 0, updated_ms = 0;
  bool aws_managed() const { return account == kAwsAccount; }
};
// Columns for PolicyRow, in read_policy's order (table alias p).
inline constexpr const char* kPolicyColumns =
    "p.policy_id, p.account_id, p.policy_name, p.path, p.arn, p.description, p.default_version, p.next_version, "
    "p.created_ms, p.updated_ms";
PolicyRow read_policy(const store::Row& r, size_t first = 0);

// The managed policy an ARN names, visible from `account` (its own or an AWS managed one).
// NoSuchEntity "Policy ARN was not found." when absent; InvalidInput when not a policy ARN.
Result<PolicyRow> load_policy(store::Tx& tx, const std::string& account, const std::string& arn);
// Same, for attaching (and boundaries): NoSuchEntity "Policy ARN does not exist or is not attachable."
Result<PolicyRow> load_attachable_policy(store::Tx& tx, const std::string& account, const std::string& arn);
// AWS managed policies cannot be changed by an account.
Status check_customer_managed(const PolicyRow& p);

// The policy's default version's document (JSON text as stored).
Result<std::string> default_document(store::Tx& tx, const PolicyRow& p);

// Entities a policy is used by within `account`.
Result<int64_t> attachment_count(store::Tx& tx, const std::string& account, const std::string& policy_id);
Result<int64_t> boundary_usage_count(store::Tx& tx, const std::string& account, const std::string& arn);

struct GroupRow {
  std::string name, group_id, path;
  int64_t created_ms = 0;
};
Result<GroupRow> load_group(store::Tx& tx, const std::string& account, const std::string& name);
AwsError no_such_group(const std::string& name);
json::object group_json(const std::string& account, const GroupRow& g);
// The ARN that authorizes an operation on group GroupName (stored path when it exists).
std::string target_group_arn(const RequestContext& ctx, const json::object& input, store::Tx& tx);

// Checks a policy document for the place it is stored (MalformedPolicyDocument / LimitExceeded in
// AWS's words, from policy::parse).
Status check_document(std::string_view document, policy::PolicyKind kind);
// Documents travel URL-encoded in IAM responses (RFC 3986); botocore decodes them.
std::string encode_document(std::string_view document);

// Tags as AWS validates them on any IAM entity: at most 50, no "aws:" prefix.
constexpr size_t kMaxTags = 50;

// Tags of an entity whose tag table is keyed by its unique id (iam_role_tags.role_id,
// iam_policy_tags.policy_id ...): read sorted by key, and added or replaced (keys unique regardless
// of case, keeping the case given) within the 50-tag limit. `entity_word` ("Role", "Policy") words
// the reserved-prefix error.
Result<json::array> read_tags(store::Tx& tx, const char* table, const char* id_column, const std::string& id);
Status put_tags(store::Tx& tx, const char* table, const char* id_column, const std::string& id, const json::value* tags,
                const char* entity_word);
Status remove_tags(store::Tx& tx, const char* table, const char* id_column, const std::string& id, const json::value* keys);

// ---- Roles ----------------------------------------------------------------------------------
std::string role_arn(const std::string& account, const std::string& path, const std::string& name);

struct RoleRow {
  std::string role_id, name, path, arn, trust_policy, description, boundary;
  int64_t max_session_duration = 3600, created_ms = 0;
  std::optional<int64_t> last_used_ms;
  std::string last_used_region;
};
// Columns for RoleRow, in read_role's order (table alias r).
inline constexpr const char* kRoleColumns =
    "r.role_id, r.role_name, r.path, r.arn, r.assume_role_policy, r.description, COALESCE(r.permissions_boundary, ''), "
    "r.max_session_duration, r.created_ms, "
    "(SELECT a.last_ms FROM entity_activity a WHERE a.entity_arn = r.arn ORDER BY a.last_ms DESC LIMIT 1), "
    "COALESCE((SELECT a.region FROM entity_activity a WHERE a.entity_arn = r.arn ORDER BY a.last_ms DESC LIMIT 1), '')";
RoleRow read_role(const store::Row& r, size_t first = 0);
// Loads a role by name (case-insensitive), or NoSuchEntity in AWS's words.
Result<RoleRow> load_role(store::Tx& tx, const std::string& account, const std::string& name);
AwsError no_such_role(const std::string& name);

// What authorizes an operation on role RoleName: its ARN (the stored path, or "/" when it does not
// exist), its tags as aws:ResourceTag/KEY and, with `boundary_key`, its boundary as
// iam:PermissionsBoundary.
AuthzRequest role_authz(std::string action, const RequestContext& ctx, const json::object& input, store::Tx& tx,
                        bool boundary_key = false);

// The role as IAM describes it (roles.cc). `full` adds what GetRole adds to ListRoles' entries: the
// boundary and RoleLastUsed (tags are the caller's to add).
json::object role_json(const RoleRow& r, bool full);
// RoleLastUsed: {} until the role is used, then LastUsedDate and Region.
json::object role_last_used_json(const RoleRow& r);

// ---- Instance profiles (instance_profiles.cc) -------------------------------------------------
std::string instance_profile_arn(const std::string& account, const std::string& path, const std::string& name);
// The instance profiles that hold role `role_id`, as InstanceProfile structures with their roles.
Result<json::array> instance_profiles_of_role(store::Tx& tx, const std::string& account, const std::string& role_id);

// ---- Principals that hold policies --------------------------------------------------------------
// Users, groups and roles hold inline and attached policies the same way, by their unique id.
enum class EntityKind { User, Group, Role };

struct Entity {
  EntityKind kind;
  std::string id;    // AIDA... / AGPA... / AROA...
  std::string name;  // as stored, as AWS echoes it
};
// "User" / "Group" / "Role": iam_policy_attachments.entity_type and the quota names.
const char* entity_type(EntityKind kind);
// "UserName" / "GroupName" / "RoleName": the input member that names the entity.
const char* name_member(EntityKind kind);
// Loads the entity the call's name member names, or NoSuchEntity.
Result<Entity> load_entity(Call& call, EntityKind kind);
// Attaches managed policy `policy_arn` (the account's or an AWS managed one) to the entity, within
// IAM's 10 per entity (LimitExceeded "Cannot exceed quota for PoliciesPerRole: 10"); attaching
// twice changes nothing (attachments.cc).
Status attach_managed_policy(store::Tx& tx, const std::string& account, const Entity& e, const std::string& policy_arn);
// What authorizes an operation on that entity (see user_authz, role_authz, target_group_arn).
AuthzRequest entity_authz(EntityKind kind, std::string action, const RequestContext& ctx, const json::object& input,
                          store::Tx& tx, bool boundary_key);

}  // namespace citadel::services::iam
