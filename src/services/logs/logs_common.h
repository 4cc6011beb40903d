#pragma once
// Shared pieces of the Logs service: errors, ARNs, and the rows of groups and streams.
#include <optional>
#include <string>
#include <vector>

#include "services/service.h"

namespace citadel::services::logs {

AwsError invalid_parameter(const std::string& message);
AwsError group_not_found();
AwsError stream_not_found();

// arn:aws:logs:REGION:ACCOUNT:log-group:NAME (DescribeLogGroups' `arn` adds ":*").
std::string group_arn(const std::string& region, const std::string& account, const std::string& group);
std::string stream_arn(const std::string& region, const std::string& account, const std::string& group, const std::string& stream);

// The group a request names by logGroupName or logGroupIdentifier (a name or an ARN).
std::string requested_group(const json::object& input);

// An event as stored: its sequence number (the eventId callers see), timestamp and message.
struct StoredEvent {
  int64_t id = 0;
  int64_t ts = 0;
  std::string message;
};

struct GroupRow {
  std::string name;
  int64_t created_ms = 0;
  std::optional<int64_t> retention_days;
  std::string kms_key, group_class;
  bool deletion_protection = false;
};
// The caller's group in the call's region, or ResourceNotFoundException.
Result<GroupRow> load_group(Call& call, const std::string& name);
Status require_stream(Call& call, const std::string& group, const std::string& stream);

// Authorization of a call on a group (or a stream of it) named in the input.
AuthzRequest group_authz(const char* action, const RequestContext& ctx, const json::object& in);
AuthzRequest stream_authz(const char* action, const RequestContext& ctx, const json::object& in);

// An operation on the group its input names, authorized as logs:NAME on that group.
OperationDef on_group(const char* name, bool read_only, Handler h);

// Opaque paging of Describe* calls: the last key returned, base64; at most 50 a page.
std::string page_token(const std::string& last);
Result<std::string> page_after(const Call& call);  // "" when the call has no nextToken
int64_t page_limit(const Call& call);

void add_group_operations(std::vector<OperationDef>& ops);   // log_groups.cc
void add_event_operations(std::vector<OperationDef>& ops);   // log_events.cc

}  // namespace citadel::services::logs
