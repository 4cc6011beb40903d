// Log groups and streams: create, describe, delete, retention, tags.
#include <algorithm>
#include <array>

#include "base/crypto.h"
#include "services/logs/log_delivery.h"
#include "services/logs/log_encryption.h"
#include "services/logs/logs_common.h"

namespace citadel::services::logs {

namespace {

constexpr std::array<int64_t, 22> kRetentionDays{1,   3,   5,   7,    14,   30,   60,   90,   120,  150,  180,
                                                 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653};

bool group_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("._-/#").find(c) != std::string_view::npos; }


Status save_tags(store::Tx& tx, const std::string& account, const std::string& region, const std::string& group,
                 const json::object& tags) {
  for (const auto& [k, v] : tags) {
    auto w = tx.exec("INSERT INTO logs_group_tags (account_id, region, group_name, tag_key, tag_value) VALUES (?, ?, ?, ?, ?) "
                     "ON CONFLICT (account_id, region, group_name, tag_key) DO UPDATE SET tag_value = excluded.tag_value",
                     {account, region, group, std::string(k), std::string(v.as_string())});
    if (!w) return w.error();
  }
  return Ok{};
}

Result<json::value> create_log_group(Call& call) {
  std::string name = call.str("logGroupName");
  if (auto s = check_group_name(name); !s) return s.error();
  std::string group_class = call.has("logGroupClass") ? call.str("logGroupClass") : "STANDARD";
  auto w = call.tx.exec(
      "INSERT INTO logs_groups (account_id, region, name, created_ms, group_class, deletion_protection) VALUES (?, ?, ?, ?, ?, ?) "
      "ON CONFLICT (account_id, region, name) DO NOTHING",
      {call.account(), call.ctx.region, name, call.ctx.now_ms, group_class,
       int64_t{call.has("deletionProtectionEnabled") && call.input.at("deletionProtectionEnabled").as_bool()}});
  if (!w) return w.error();
  if (*w == 0) return AwsError::sender("ResourceAlreadyExistsException", "The specified log group already exists", 400);
  if (const auto* tags = call.input.if_contains("tags"); tags && tags->is_object())
    if (auto s = save_tags(call.tx, call.account(), call.ctx.region, name, tags->as_object()); !s) return s.error();
  if (call.has("kmsKeyId"))
    if (auto s = associate_kms_key(call, name, call.str("kmsKeyId")); !s) return s.error();
  return json::object{};
}

// Query results (resourceIdentifier) are not built: Logs Insights queries are not.
Result<std::string> kms_target_group(Call& call) {
  if (call.has("resourceIdentifier")) return AwsError::not_implemented("logs: KMS keys for Logs Insights query results");
  auto g = load_group(call, call.str("logGroupName"));
  if (!g) return g.error();
  return g->name;
}

Result<json::value> associate_kms_key_op(Call& call) {
  auto group = kms_target_group(call);
  if (!group) return group.error();
  if (auto s = associate_kms_key(call, *group, call.str("kmsKeyId")); !s) return s.error();
  return json::object{};
}

Result<json::value> disassociate_kms_key_op(Call& call) {
  auto group = kms_target_group(call);
  if (!group) return group.error();
  if (auto s = disassociate_kms_key(call, *group); !s) return s.error();
  return json::object{};
}

Result<json::value> delete_log_group(Call& call) {
  auto g = load_group(call, call.str("logGroupName"));
  if (!g) return g.error();
  if (g->deletion_protection)
    return AwsError::sender("OperationAbortedException", "Log group " + g->name + " has deletion protection enabled.", 400);
  // The group's filters go with it (AWS deletes them), and the deliveries they had queued.
  for (const char* table : {"logs_events", "logs_streams", "logs_group_tags", "logs_metric_filters", "logs_subscription_filters",
                            "logs_subscription_deliveries"}) {
    auto d = call.tx.exec(std::string("DELETE FROM ") + table + " WHERE account_id = ? AND region = ? AND group_name = ?",
                          {call.account(), call.ctx.region, g->name});
    if (!d) return d.error();
  }
  auto d = call.tx.exec("DELETE FROM logs_groups WHERE account_id = ? AND region = ? AND name = ?",
                        {call.account(), call.ctx.region, g->name});
  if (!d) return d.error();
  return json::object{};
}

Result<json::value> describe_log_groups(Call& call) {
  auto after = page_after(call);
  if (!after) return after.error();
  std::string prefix = call.str("logGroupNamePrefix"), pattern = call.str("logGroupNamePattern");
  if (!prefix.empty() && !pattern.empty())
    return invalid_parameter("LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.");
  int64_t limit = page_limit(call);
  auto rows = call.tx.query(
      "SELECT g.name, g.created_ms, g.retention_days, g.group_class, g.deletion_protection, "
      "(SELECT COALESCE(SUM(length(e.message) + 26), 0) FROM logs_events e WHERE e.account_id = g.account_id AND "
      "e.region = g.region AND e.group_name = g.name), g.kms_key FROM logs_groups g "
      "WHERE g.account_id = ? AND g.region = ? AND g.name > ? AND substr(g.name, 1, length(?)) = ? ORDER BY g.name",
      {call.account(), call.ctx.region, *after, prefix, prefix});
  if (!rows) return rows.error();
  json::array groups;
  json::object out;
  std::string last;
  for (const auto& r : *rows) {
    if (!pattern.empty() && r.str(0).find(pattern) == std::string::npos) continue;
    if (static_cast<int64_t>(groups.size()) == limit) {
      out["nextToken"] = page_token(last);
      break;
    }
    std::string arn = group_arn(call.ctx.region, call.account(), r.str(0));
    json::object g{{"logGroupName", r.str(0)},   {"creationTime", r.i64(1)},      {"metricFilterCount", 0},
                   {"arn", arn + ":*"},          {"storedBytes", r.i64(5)},        {"logGroupClass", r.str(3)},
                   {"logGroupArn", arn},         {"deletionProtectionEnabled", r.i64(4) != 0}};
    if (!r.is_null(2)) g["retentionInDays"] = r.i64(2);
    if (!r.str(6).empty()) g["kmsKeyId"] = r.str(6);
    groups.push_back(std::move(g));
    last = r.str(0);
  }
  out["logGroups"] = std::move(groups);
  return out;
}

Result<json::value> create_log_stream(Call& call) {
  std::string group = call.str("logGroupName"), name = call.str("logStreamName");
  if (name.find(':') != std::string::npos || name.find('*') != std::string::npos || name.size() > 512)
    return invalid_parameter("Log stream name must not contain ':' or '*' and be at most 512 characters.");
  auto g = load_group(call, group);
  if (!g) return g.error();
  auto w = call.tx.exec(
      "INSERT INTO logs_streams (account_id, region, group_name, name, created_ms) VALUES (?, ?, ?, ?, ?) "
      "ON CONFLICT (account_id, region, group_name, name) DO NOTHING",
      {call.account(), call.ctx.region, group, name, call.ctx.now_ms});
  if (!w) return w.error();
  if (*w == 0) return AwsError::sender("ResourceAlreadyExistsException", "The specified log stream already exists", 400);
  return json::object{};
}

Result<json::value> delete_log_stream(Call& call) {
  std::string group = call.str("logGroupName"), name = call.str("logStreamName");
  if (auto g = load_group(call, group); !g) return g.error();
  if (auto s = require_stream(call, group, name); !s) return s.error();
  for (const char* sql : {"DELETE FROM logs_events WHERE account_id = ? AND region = ? AND group_name = ? AND stream_name = ?",
                          "DELETE FROM logs_streams WHERE account_id = ? AND region = ? AND group_name = ? AND name = ?"}) {
    auto d = call.tx.exec(sql, {call.account(), call.ctx.region, group, name});
    if (!d) return d.error();
  }
  return json::object{};
}

Result<json::value> describe_log_streams(Call& call) {
  std::string group = requested_group(call.input);
  auto g = load_group(call, group);
  if (!g) return g.error();
  bool by_time = call.str("orderBy") == "LastEventTime";
  std::string prefix = call.str("logStreamNamePrefix");
  if (by_time && !prefix.empty())
    return invalid_parameter("Cannot order by LastEventTime with a logStreamNamePrefix.");
  bool descending = call.has("descending") && call.input.at("descending").as_bool();
  int64_t limit = page_limit(call);
  int64_t offset = 0;
  if (call.has("nextToken")) {
    auto raw = crypto::base64_decode(call.str("nextToken"));
    if (!raw || raw->empty() || !std::all_of(raw->begin(), raw->end(), ::isdigit))
      return invalid_parameter("The specified nextToken is invalid.");
    offset = std::stoll(*raw);
  }
  std::string order = by_time ? "COALESCE(last_event_ms, 0)" : "name";
  order += descending ? " DESC, name DESC" : ", name";
  auto rows = call.tx.query_v(
      "SELECT name, created_ms, first_event_ms, last_event_ms, last_ingestion_ms, stored_bytes FROM logs_streams "
      "WHERE account_id = ? AND region = ? AND group_name = ? AND substr(name, 1, length(?)) = ? ORDER BY " + order +
          " LIMIT ? OFFSET ?",
      {call.account(), call.ctx.region, group, prefix, prefix, limit + 1, offset});
  if (!rows) return rows.error();
  json::array streams;
  json::object out;
  for (size_t i = 0; i < rows->size(); ++i) {
    if (static_cast<int64_t>(i) == limit) {
      out["nextToken"] = crypto::base64_encode(std::to_string(offset + limit));
      break;
    }
    const auto& r = (*rows)[i];
    json::object s{{"logStreamName", r.str(0)},
                   {"creationTime", r.i64(1)},
                   {"arn", stream_arn(call.ctx.region, call.account(), group, r.str(0))},
                   {"storedBytes", r.i64(5)}};
    if (!r.is_null(2)) s["firstEventTimestamp"] = r.i64(2);
    if (!r.is_null(3)) s["lastEventTimestamp"] = r.i64(3);
    if (!r.is_null(4)) s["lastIngestionTime"] = r.i64(4);
    streams.push_back(std::move(s));
  }
  out["logStreams"] = std::move(streams);
  return out;
}

Result<json::value> put_retention_policy(Call& call) {
  auto g = load_group(call, call.str("logGroupName"));
  if (!g) return g.error();
  int64_t days = call.input.at("retentionInDays").to_number<int64_t>();
  if (std::find(kRetentionDays.begin(), kRetentionDays.end(), days) == kRetentionDays.end())
    return invalid_parameter("1 validation error detected: Value '" + std::to_string(days) +
                             "' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: "
                             "[1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]");
  auto w = call.tx.exec("UPDATE logs_groups SET retention_days = ? WHERE account_id = ? AND region = ? AND name = ?",
                        {days, call.account(), call.ctx.region, g->name});
  if (!w) return w.error();
  // Events already past the new retention go now; the background job deletes the rest as they age.
  auto d = call.tx.exec("DELETE FROM logs_events WHERE account_id = ? AND region = ? AND group_name = ? AND ts < ?",
                        {call.account(), call.ctx.region, g->name, call.ctx.now_ms - days * 24LL * 3600 * 1000});
  if (!d) return d.error();
  return json::object{};
}

Result<json::value> delete_retention_policy(Call& call) {
  auto g = load_group(call, call.str("logGroupName"));
  if (!g) return g.error();
  auto w = call.tx.exec("UPDATE logs_groups SET retention_days = NULL WHERE account_id = ? AND region = ? AND name = ?",
                        {call.account(), call.ctx.region, g->name});
  if (!w) return w.error();
  return json::object{};
}

// resourceArn of a log group (with or without ":*"); tags of other resources are not built.
Result<std::string> tagged_group(Call& call) {
  std::string arn = call.str("resourceArn");
  std::string prefix = group_arn(call.ctx.region, call.account(), "");
  if (arn.rfind(prefix, 0) != 0) return AwsError::sender("ResourceNotFoundException", "The specified resource does not exist.", 400);
  std::string name = arn.substr(prefix.size());
  if (name.size() >= 2 && name.compare(name.size() - 2, 2, ":*") == 0) name.resize(name.size() - 2);
  auto g = load_group(call, name);
  if (!g) return g.error();
  return name;
}

Result<json::value> tag_resource(Call& call) {
  auto group = tagged_group(call);
  if (!group) return group.error();
  if (auto s = save_tags(call.tx, call.account(), call.ctx.region, *group, call.input.at("tags").as_object()); !s) return s.error();
  auto n = call.tx.query("SELECT COUNT(*) FROM logs_group_tags WHERE account_id = ? AND region = ? AND group_name = ?",
                         {call.account(), call.ctx.region, *group});
  if (!n) return n.error();
  if (n->front().i64(0) > 50) return invalid_parameter("A log group can have at most 50 tags.");
  return json::object{};
}

Result<json::value> untag_resource(Call& call) {
  auto group = tagged_group(call);
  if (!group) return group.error();
  for (const auto& k : call.input.at("tagKeys").as_array()) {
    auto d = call.tx.exec("DELETE FROM logs_group_tags WHERE account_id = ? AND region = ? AND group_name = ? AND tag_key = ?",
                          {call.account(), call.ctx.region, *group, std::string(k.as_string())});
    if (!d) return d.error();
  }
  return json::object{};
}

Result<json::value> list_tags_for_resource(Call& call) {
  auto group = tagged_group(call);
  if (!group) return group.error();
  auto rows = call.tx.query("SELECT tag_key, tag_value FROM logs_group_tags WHERE account_id = ? AND region = ? AND group_name = ?",
                            {call.account(), call.ctx.region, *group});
  if (!rows) return rows.error();
  json::object tags;
  for (const auto& r : *rows) tags[r.str(0)] = r.str(1);
  return json::object{{"tags", std::move(tags)}};
}

OperationDef on_tagged(const char* name, bool read_only, Handler h) {
  return OperationDef{name, read_only, false,
                      [name](const RequestContext&, const json::object& in, store::Tx&) {
                        AuthzRequest a{std::string("logs:") + name, {input_str(in, "resourceArn")}, {}};
                        if (std::string_view(name) != "ListTagsForResource") a.condition_keys = tag_condition_keys(in, "tags");
                        return a;
                      },
                      std::move(h)};
}

}  // namespace

Status check_group_name(const std::string& name) {
  if (name.empty() || name.size() > 512 || !std::all_of(name.begin(), name.end(), group_name_char))
    return invalid_parameter("1 validation error detected: Value '" + name +
                             "' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+");
  return Ok{};
}

void add_group_operations(std::vector<OperationDef>& ops) {
  ops.push_back(on_group("CreateLogGroup", false, create_log_group));
  ops.push_back(on_group("DeleteLogGroup", false, delete_log_group));
  ops.push_back(on_group("AssociateKmsKey", false, associate_kms_key_op));
  ops.push_back(on_group("DisassociateKmsKey", false, disassociate_kms_key_op));
  ops.push_back(OperationDef{"DescribeLogGroups", true, false,
                             [](const RequestContext&, const json::object&, store::Tx&) {
                               return AuthzRequest{"logs:DescribeLogGroups", {"*"}, {}};
                             },
                             describe_log_groups});
  ops.push_back(on_group("CreateLogStream", false, create_log_stream));
  ops.push_back(on_group("DeleteLogStream", false, delete_log_stream));
  ops.push_back(on_group("DescribeLogStreams", true, describe_log_streams));
  ops.push_back(on_group("PutRetentionPolicy", false, put_retention_policy));
  ops.push_back(on_group("DeleteRetentionPolicy", false, delete_retention_policy));
  ops.push_back(on_tagged("TagResource", false, tag_resource));
  ops.push_back(on_tagged("UntagResource", false, untag_resource));
  ops.push_back(on_tagged("ListTagsForResource", true, list_tags_for_resource));
}

}  // namespace citadel::services::logs
