#include "services/cloudwatch/alarm_actions.h"

#include "services/cloudwatch/alarm_notification.h"
#include "services/ec2/instance_actions.h"
#include "services/sns/publish.h"

namespace citadel::services::cloudwatch {

namespace {

// "arn:aws:automate:us-east-1:ec2:stop" -> "stop"; "" when the ARN is no EC2 action of `region`.
std::string ec2_verb(const std::string& arn, const std::string& region) {
  std::string prefix = "arn:aws:automate:" + region + ":ec2:";
  if (arn.rfind(prefix, 0) != 0) return "";
  std::string verb = arn.substr(prefix.size());
  return verb == "stop" || verb == "terminate" || verb == "reboot" || verb == "recover" ? verb : "";
}

std::string instance_of(const json::object& config) {
  if (const auto* dims = array(config, "Dimensions"))
    for (const auto& d : *dims)
      if (d.is_object() && text(d.as_object(), "Name") == "InstanceId") return text(d.as_object(), "Value");
  return "";
}

HistoryItem failed(HistoryItem item, const std::string& arn, const AwsError& e) {
  item.summary = "Failed to execute action " + arn + ". Received error: \"" + e.message + "\"";
  item.data["error"] = e.code + ": " + e.message;
  return item;
}

// Publishes the alarm's notification to the topic, as CloudWatch does: the topic's policy must
// let cloudwatch.amazonaws.com publish for this alarm (SNS's default policy does, for the
// owner's own alarms).
HistoryItem notify_topic(store::Tx& tx, const AlarmRow& a, const std::string& arn, const std::string& old_state,
                         int64_t now_ms, HistoryItem item) {
  auto note = alarm_notification(a, old_state);
  sns::Publication p{note.subject, note.message, std::nullopt, {}};
  auto id = sns::publish_for_service(tx, arn, a.region, "cloudwatch.amazonaws.com", a.account, alarm_arn(a.region, a.account, a.name),
                                     p, now_ms);
  if (!id) return failed(std::move(item), arn, id.error());
  item.summary = "Successfully executed action " + arn;
  item.data["actionState"] = "Succeeded";
  item.data["publishedMessage"] = json::serialize(json::object{{"default", note.message}});
  return item;
}

}  // namespace

Status check_action(const std::string& arn, const std::string& region, const json::object& config, const std::string& member) {
  if (arn.rfind("arn:aws:automate:", 0) == 0) {
    std::string verb = ec2_verb(arn, region);
    if (verb.empty()) return invalid_value("Invalid use of EC2 action " + arn + " at " + member + ": the action must be stop, terminate, reboot or recover in the alarm's region.");
    if (instance_of(config).empty())
      return invalid_value("The EC2 action " + arn + " requires the alarm to watch a metric with an InstanceId dimension.");
    return Ok{};
  }
  static const char* kServices[] = {"sns", "autoscaling", "ssm", "ssm-incidents", "lambda", "swf"};
  for (const char* s : kServices)
    if (arn.rfind(std::string("arn:aws:") + s + ":", 0) == 0) return Ok{};
  return invalid_value("Invalid arn syntax: " + arn);
}

HistoryItem run_action(store::Tx& tx, const AlarmRow& a, const std::string& arn, const std::string& old_state, int64_t now_ms) {
  HistoryItem item;
  item.type = "Action";
  item.ts_ms = now_ms;
  item.data = json::object{{"actionState", "Failed"}, {"stateUpdateTimestamp", a.state_updated_ms}, {"notificationResource", arn}};
  if (arn.rfind("arn:aws:sns:", 0) == 0) return notify_topic(tx, a, arn, old_state, now_ms, std::move(item));
  std::string verb = ec2_verb(arn, a.region);
  if (verb.empty() || verb == "recover") {
    std::string why = verb == "recover" ? "instance recovery needs hardware Citadel does not model" : "Citadel has no such target service yet";
    item.summary = "Failed to execute action " + arn + ". Received error: \"" + why + "\"";
    item.data["error"] = why;
    return item;
  }
  std::string instance = instance_of(a.config);
  auto r = ec2::alarm_instance_action(tx, a.account, a.region, instance, verb, now_ms);
  if (!r) return failed(std::move(item), arn, r.error());
  item.summary = "Successfully executed action " + arn;
  item.data["actionState"] = "Succeeded";
  item.data["instanceId"] = instance;
  item.data["instanceState"] = *r;
  return item;
}

}  // namespace citadel::services::cloudwatch
