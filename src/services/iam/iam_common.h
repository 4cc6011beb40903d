#pragma once
// Shared pieces of the IAM service: ARNs, name rules, pagination, lookups.
#include <optional>
#include <string>

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

}  // namespace citadel::services::iam
