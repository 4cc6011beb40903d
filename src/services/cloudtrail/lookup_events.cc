// CloudTrail LookupEvents: management events of the caller's account, newest first.
#include <algorithm>
#include <cstdio>
#include <map>

#include "base/crypto.h"
#include "base/ids.h"
#include "services/cloudtrail/cloudtrail_operations.h"
#include "services/cloudtrail/cloudtrail_service.h"
#include "services/cloudtrail/event_index.h"
#include "services/cloudtrail/insights.h"
#include "services/cloudtrail/trail_store.h"

namespace citadel::services::cloudtrail {

namespace {

constexpr int64_t kDefaultWindowMs = 90LL * 24 * 3600 * 1000;  // CloudTrail keeps 90 days of history

Result<json::value> lookup_events(Call& call) {
  // Event history holds management events, or Insights events when EventCategory asks for them.
  EventQuery q;
  q.account_id = call.account();
  q.to_ms = call.has("EndTime") ? call.input.at("EndTime").to_number<int64_t>() : call.ctx.now_ms;
  q.from_ms = call.has("StartTime") ? call.input.at("StartTime").to_number<int64_t>() : q.to_ms - kDefaultWindowMs;
  if (q.from_ms > q.to_ms)
    return AwsError::sender("InvalidTimeRangeException", "Start time must be equal to or earlier than end time.", 400);
  q.category = call.str("EventCategory") == "insight" ? EventCategory::Insight : EventCategory::Management;

  if (const auto* attrs = call.input.if_contains("LookupAttributes"); attrs && attrs->is_array() && !attrs->as_array().empty()) {
    if (attrs->as_array().size() > 1)
      return AwsError::sender("InvalidLookupAttributesException", "You cannot specify more than one lookup attribute.", 400);
    const auto& a = attrs->as_array().front().as_object();
    std::string key(a.at("AttributeKey").as_string());
    q.value = std::string(a.at("AttributeValue").as_string());
    static const std::map<std::string, LookupAttribute, std::less<>> kKeys = {
        {"EventId", LookupAttribute::EventId},           {"EventName", LookupAttribute::EventName},
        {"EventSource", LookupAttribute::EventSource},   {"Username", LookupAttribute::Username},
        {"AccessKeyId", LookupAttribute::AccessKeyId},   {"ReadOnly", LookupAttribute::ReadOnly},
        {"ResourceType", LookupAttribute::ResourceType}, {"ResourceName", LookupAttribute::ResourceName}};
    auto it = kKeys.find(key);
    if (it == kKeys.end()) return AwsError::sender("InvalidLookupAttributesException", "Invalid attribute key: " + key, 400);
    q.attribute = it->second;
    if (q.attribute == LookupAttribute::ReadOnly && q.value != "true" && q.value != "false")
      return AwsError::sender("InvalidLookupAttributesException", "ReadOnly must be true or false.", 400);
    // Citadel's event ids carry their event's time: only that millisecond is searched.
    if (q.attribute == LookupAttribute::EventId)
      if (auto at = ids::uuid7_time_ms(q.value)) {
        q.from_ms = std::max(q.from_ms, *at);
        q.to_ms = std::min(q.to_ms, *at);
        if (q.from_ms > q.to_ms) return json::object{{"Events", json::array{}}};
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
    q.before = std::pair<int64_t, int64_t>{t, seq};
  }
  q.limit = static_cast<size_t>(max) + 1;
  q.with_json = true;
  q.with_resources = true;
  auto found = find_events(call.tx, call.env.audit_dir, q);
  if (!found) return found.error();
  json::array events;
  json::object out;
  for (size_t i = 0; i < found->size(); ++i) {
    auto& e = (*found)[i];
    if (static_cast<int64_t>(i) == max) {
      const auto& last = (*found)[i - 1];
      out["NextToken"] = crypto::base64_encode("ct2:" + std::to_string(last.event_time_ms) + ":" + std::to_string(last.seq));
      break;
    }
    json::object ev{{"EventId", e.event_id},         {"EventName", e.event_name},
                    {"ReadOnly", e.read_only ? "true" : "false"},
                    {"EventTime", e.event_time_ms}, {"EventSource", e.event_source},
                    {"CloudTrailEvent", std::move(e.event_json)}};
    if (!e.access_key_id.empty()) ev["AccessKeyId"] = e.access_key_id;
    if (!e.username.empty()) ev["Username"] = e.username;
    json::array resources;
    for (auto& [type, name] : e.resources) resources.push_back(json::object{{"ResourceType", type}, {"ResourceName", name}});
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
