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

// Input member as text from an operation's raw input (authorization runs before the handler).
std::string input_str(const json::object& input, std::string_view member);

// aws:TagKeys and aws:RequestTag/KEY of a request that carries tags in `member` ("Tags": a list of
// Key/Value, or "TagKeys": a list of keys); empty when the member is absent.
json::object tag_condition_keys(const json::object& input, std::string_view member);

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

}  // namespace citadel::services::iam
