#include "services/logs/logs_common.h"

#include <algorithm>

#include "base/crypto.h"

namespace citadel::services::logs {

AwsError invalid_parameter(const std::string& message) { return AwsError::sender("InvalidParameterException", message, 400); }
AwsError group_not_found() { return AwsError::sender("ResourceNotFoundException", "The specified log group does not exist.", 400); }
AwsError stream_not_found() { return AwsError::sender("ResourceNotFoundException", "The specified log stream does not exist.", 400); }

std::string group_arn(const std::string& region, const std::string& account, const std::string& group) {
  return "arn:aws:logs:" + region + ":" + account + ":log-group:" + group;
}

std::string stream_arn(const std::string& region, const std::string& account, const std::string& group, const std::string& stream) {
  return group_arn(region, account, group) + ":log-stream:" + stream;
}

std::string requested_group(const json::object& input) {
  std::string name = input_str(input, "logGroupName");
  if (!name.empty()) return name;
  std::string id = input_str(input, "logGroupIdentifier");
  // arn:aws:logs:REGION:ACCOUNT:log-group:NAME[:*]
  if (auto at = id.find(":log-group:"); id.rfind("arn:", 0) == 0 && at != std::string::npos) {
    id = id.substr(at + 11);
    if (id.size() >= 2 && id.compare(id.size() - 2, 2, ":*") == 0) id.resize(id.size() - 2);
  }
  return id;
}

Result<GroupRow> load_group(Call& call, const std::string& name) {
  auto rows = call.tx.query(
      "SELECT created_ms, retention_days, kms_key, group_class, deletion_protection FROM logs_groups "
      "WHERE account_id = ? AND region = ? AND name = ?",
      {call.account(), call.ctx.region, name});
  if (!rows) return rows.error();
  if (rows->empty()) return group_not_found();
  const auto& r = rows->front();
  GroupRow g{name, r.i64(0), r.is_null(1) ? std::nullopt : std::optional<int64_t>(r.i64(1)), r.str(2), r.str(3), r.i64(4) != 0};
  return g;
}

Status require_stream(Call& call, const std::string& group, const std::string& stream) {
  auto rows = call.tx.query("SELECT 1 FROM logs_streams WHERE account_id = ? AND region = ? AND group_name = ? AND name = ?",
                            {call.account(), call.ctx.region, group, stream});
  if (!rows) return rows.error();
  if (rows->empty()) return stream_not_found();
  return Ok{};
}

AuthzRequest group_authz(const char* action, const RequestContext& ctx, const json::object& in) {
  std::string group = requested_group(in);
  std::string arn = group.empty() ? "*" : group_arn(ctx.region, ctx.principal->account_id, group) + ":*";
  return AuthzRequest{std::string("logs:") + action, {arn}, {}};
}

AuthzRequest stream_authz(const char* action, const RequestContext& ctx, const json::object& in) {
  std::string group = requested_group(in), stream = input_str(in, "logStreamName");
  if (group.empty() || stream.empty()) return group_authz(action, ctx, in);
  return AuthzRequest{std::string("logs:") + action, {stream_arn(ctx.region, ctx.principal->account_id, group, stream)}, {}};
}

OperationDef on_group(const char* name, bool read_only, Handler h) {
  return OperationDef{name, read_only, false,
                      [name](const RequestContext& c, const json::object& in, store::Tx&) { return group_authz(name, c, in); },
                      std::move(h)};
}

namespace {
constexpr int64_t kMaxDescribe = 50;
}

std::string page_token(const std::string& last) { return crypto::base64_encode(last); }

Result<std::string> page_after(const Call& call) {
  if (!call.has("nextToken")) return std::string();
  auto raw = crypto::base64_decode(call.str("nextToken"));
  if (!raw) return invalid_parameter("The specified nextToken is invalid.");
  return *raw;
}

int64_t page_limit(const Call& call) {
  return call.has("limit") ? std::min<int64_t>(call.input.at("limit").to_number<int64_t>(), kMaxDescribe) : kMaxDescribe;
}

}  // namespace citadel::services::logs
