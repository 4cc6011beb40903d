#include "services/logs/subscription_message.h"

#include "base/crypto.h"
#include "base/gzip.h"
#include "base/json_writer.h"

namespace citadel::services::logs {

namespace {

void write_message(JsonWriter& w, const char* type, const std::string& owner, const std::string& group,
                   const std::string& stream, const std::vector<std::string>& filters) {
  w.field("messageType", type).field("owner", owner).field("logGroup", group).field("logStream", stream);
  w.key("subscriptionFilters").begin_array();
  for (const auto& f : filters) w.string(f);
  w.end_array();
}

}  // namespace

std::string data_message_json(const SubscriptionData& d) {
  JsonWriter w;
  w.begin_object();
  write_message(w, "DATA_MESSAGE", d.owner, d.group, d.stream, d.filters);
  w.key("logEvents").begin_array();
  for (const auto& e : d.events)
    w.begin_object().field("id", std::to_string(e.id)).key("timestamp").number(e.ts).field("message", e.message).end_object();
  w.end_array().end_object();
  return std::move(w.str());
}

std::string control_message_json(int64_t now_ms) {
  JsonWriter w;
  w.begin_object();
  write_message(w, "CONTROL_MESSAGE", "CloudwatchLogs", "", "", {});
  w.key("logEvents").begin_array();
  w.begin_object().field("id", "").key("timestamp").number(now_ms);
  w.field("message", "CWL CONTROL MESSAGE: Checking health of destination HTTP endpoint.").end_object();
  w.end_array().end_object();
  return std::move(w.str());
}

std::string lambda_event_body(const std::string& message_json) {
  JsonWriter w;
  w.begin_object().key("awslogs").begin_object().field("data", crypto::base64_encode(gzip::compress(message_json)));
  w.end_object().end_object();
  return std::move(w.str());
}

}  // namespace citadel::services::logs
