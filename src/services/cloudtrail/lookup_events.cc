// CloudTrail LookupEvents: management events of the caller's account, newest first.
#include <cstdio>

#include "base/crypto.h"
#include "base/ids.h"
#include "services/cloudtrail/cloudtrail_operations.h"
#include "services/cloudtrail/cloudtrail_service.h"
#include "services/cloudtrail/insights.h"
#include "services/cloudtrail/trail_store.h"

namespace citadel::services::cloudtrail {

namespace {

constexpr int64_t kDefaultWindowMs = 90LL * 24 * 3600 * 1000;  // CloudTrail keeps 90 days of history

Result<json::value> lookup_events(Call& call) {
  // Event history holds management events, or Insights events when EventCategory asks for them.
  std::string where = "e.account_id = ? AND e.management = ? AND e.event_time_ms >= ? AND e.event_time_ms <= ?";
  int64_t end = call.has("EndTime") ? call.input.at("EndTime").to_number<int64_t>() : call.ctx.now_ms;
  int64_t start = call.has("StartTime") ? call.input.at("StartTime").to_number<int64_t>() : end - kDefaultWindowMs;
  if (start > end)
    return AwsError::sender("InvalidTimeRangeException", "Start time must be equal to or earlier than end time.", 400);
  auto category = call.str("EventCategory") == "insight" ? EventCategory::Insight : EventCategory::Management;
  std::vector<store::Value> params{call.account(), static_cast<int64_t>(category), start, end};

  if (const auto* attrs = call.input.if_contains("LookupAttributes"); attrs && attrs->is_array() && !attrs->as_array().empty()) {
    if (attrs->as_array().size() > 1)
      return AwsError::sender("InvalidLookupAttributesException", "You cannot specify more than one lookup attribute.", 400);
    const auto& a = attrs->as_array().front().as_object();
    std::string key(a.at("AttributeKey").as_string()), value(a.at("AttributeValue").as_string());
    if (key == "EventId") {
      // Citadel's event ids carry their event's time: the time index finds the event at once.
      if (auto at = ids::uuid7_time_ms(value)) {
        where += " AND e.event_time_ms = ?";
        params.push_back(*at);
      }
      where += " AND e.event_id = ?";
    }
    else if (key == "EventName") where += " AND e.event_name = ?";
    else if (key == "EventSource") where += " AND e.event_source = ?";
    else if (key == "Username") where += " AND e.username = ?";
    else if (key == "AccessKeyId") where += " AND e.access_key_id = ?";
    else if (key == "ReadOnly") {
      where += " AND e.read_only = ?";
      if (value != "true" && value != "false")
        return AwsError::sender("InvalidLookupAttributesException", "ReadOnly must be true or false.", 400);
      params.push_back(int64_t{value == "true"});
      value.clear();
    } else if (key == "ResourceType")
      where += " AND EXISTS (SELECT 1 FROM cloudtrail_event_resources r WHERE r.seq = e.seq AND r.resource_type = ?)";
    else if (key == "ResourceName")
      where += " AND EXISTS (SELECT 1 FROM cloudtrail_event_resources r WHERE r.seq = e.seq AND r.resource_name = ?)";
    else
      return AwsError::sender("InvalidLookupAttributesException", "Invalid attribute key: " + key, 400);
    if (!value.empty() || key != "ReadOnly") {
      if (key != "ReadOnly") params.push_back(value);
    }
  }

  int64_t max = call.has("MaxResults") ? call.input.at("MaxResults").to_number<int64_t>() : 50;
  // Newest first by event time; the token is the (time, seq) of the last event returned.
  if (std::string token = call.str("NextToken"); !token.empty()) {
    auto raw = crypto::base64_decode(token);
    long long t = 0, seq = 0;
    char tail = 0;
    if (!raw || std::sscanf(raw->c_str(), "ct2:%lld:%lld%c", &t, &seq, &tail) != 2 || seq <= 0)
      return AwsError::sender("InvalidNextTokenException", "Invalid NextToken.", 400);
    where += " AND (e.event_time_ms < ? OR (e.event_time_ms = ? AND e.seq < ?))";
    params.push_back(static_cast<int64_t>(t));
    params.push_back(static_cast<int64_t>(t));
    params.push_back(static_cast<int64_t>(seq));
  }
  params.push_back(max + 1);
  auto rows = call.tx.query_v(
      "SELECT e.seq, e.event_id, e.event_name, e.read_only, e.access_key_id, e.event_time_ms, e.event_source, e.username, "
      "e.event_json, e.segment, e.json_offset, e.json_length FROM cloudtrail_events e WHERE " + where + " ORDER BY e.event_time_ms DESC, e.seq DESC LIMIT ?",
      params);
  if (!rows) return rows.error();
  json::array events;
  json::object out;
  for (size_t i = 0; i < rows->size(); ++i) {
    const auto& r = (*rows)[i];
    if (static_cast<int64_t>(i) == max) {
      const auto& last = (*rows)[i - 1];
      out["NextToken"] = crypto::base64_encode("ct2:" + std::to_string(last.i64(5)) + ":" + std::to_string(last.i64(0)));
      break;
    }
    std::string record = r.str(8);
    if (!r.is_null(9)) {
      auto stored = read_segment_json(call.env.audit_dir, r.i64(9), r.i64(10), r.i64(11));
      if (!stored) return stored.error();
      record = std::move(stored.value());
    }
    json::object ev{{"EventId", r.str(1)},   {"EventName", r.str(2)},   {"ReadOnly", r.i64(3) ? "true" : "false"},
                    {"EventTime", r.i64(5)}, {"EventSource", r.str(6)}, {"CloudTrailEvent", std::move(record)}};
    if (!r.is_null(4)) ev["AccessKeyId"] = r.str(4);
    if (!r.is_null(7)) ev["Username"] = r.str(7);
    auto res = call.tx.query("SELECT resource_type, resource_name FROM cloudtrail_event_resources WHERE seq = ?", {r.i64(0)});
    if (!res) return res.error();
    json::array resources;
    for (auto& rr : *res) resources.push_back(json::object{{"ResourceType", rr.str(0)}, {"ResourceName", rr.str(1)}});
    ev["Resources"] = std::move(resources);
    events.push_back(std::move(ev));
  }
  out["Events"] = std::move(events);
  return out;
}

}  // namespace

std::vector<OperationDef> CloudTrailService::operations() const {
  std::vector<OperationDef> ops;
  ops.push_back(OperationDef{"LookupEvents", true, false,
                             [](const RequestContext&, const json::object&, store::Tx&) {
                               return AuthzRequest{"cloudtrail:LookupEvents", {"*"}, {}};
                             },
                             lookup_events, /*uses_store=*/true, /*reads_audit_trail=*/true});
  add_trail_operations(ops);
  add_public_key_operations(ops);
  return ops;
}

std::vector<store::Migration> CloudTrailService::migrations() const {
  auto all = event_migrations();
  for (auto& m : trail_migrations()) all.push_back(std::move(m));
  for (auto& m : insight_migrations()) all.push_back(std::move(m));
  return all;
}

}  // namespace citadel::services::cloudtrail
