#include "services/cloudwatch/put_alarm.h"

namespace citadel::services::cloudwatch {

namespace {

constexpr int64_t kMaxAlarms = 5000;  // per account and region, CloudWatch's quota

}  // namespace

json::object history_view(const AlarmRow& a) {
  json::object o = alarm_view(a);
  o.erase("StateReason");
  o.erase("StateReasonData");
  return o;
}

Result<json::value> put_alarm(Call& call) {
  std::string name = call.str("AlarmName");
  auto existing = load_alarm(call.tx, call.account(), call.ctx.region, name);
  if (!existing) return existing.error();
  AlarmRow a;
  if (*existing) {
    a = **existing;  // an update keeps the state; the configuration is replaced whole
    if (a.composite() != call.input.contains("AlarmRule"))
      return invalid_combination("The alarm " + name + " exists as a " + (a.composite() ? "composite" : "metric") +
                                 " alarm; an alarm cannot change its type.");
  } else {
    auto n = count_alarms(call.tx, call.account(), call.ctx.region);
    if (!n) return n.error();
    if (*n >= kMaxAlarms) return AwsError::sender("LimitExceeded", "The maximum number of alarms (" + std::to_string(kMaxAlarms) + ") has been reached.", 400);
    a.account = call.account();
    a.region = call.ctx.region;
    a.name = name;
    a.reason = "Unchecked: Initial alarm creation";
    a.state_updated_ms = a.state_transitioned_ms = call.ctx.now_ms;
  }
  json::object before = history_view(a);
  a.config = call.input;
  a.config.erase("Tags");
  // Dimensions in canonical order, so DescribeAlarmsForMetric matches them whatever order they came in.
  if (a.config.contains("Dimensions")) a.config["Dimensions"] = dimensions_json(*read_dimensions(a.config.if_contains("Dimensions"), "Dimensions"));
  const auto* enabled = call.input.if_contains("ActionsEnabled");
  a.actions_enabled = !enabled || !enabled->is_bool() || enabled->as_bool();
  a.config_updated_ms = call.ctx.now_ms;
  if (auto s = save_alarm(call.tx, a); !s) return s.error();
  json::object data{{"version", "1.0"}};
  if (*existing) {
    data["type"] = "Update";
    data["updatedAlarm"] = history_view(a);
    data["originalAlarm"] = std::move(before);
  } else {
    data["type"] = "Create";
    data["createdAlarm"] = history_view(a);
  }
  HistoryItem h{"ConfigurationUpdate", "Alarm \"" + name + "\" " + (*existing ? "updated" : "created"), std::move(data), call.ctx.now_ms};
  if (auto s = add_history(call.tx, a, h); !s) return s.error();
  // Tags are applied on creation only, as in CloudWatch (TagResource changes them later).
  if (const auto* tags = array(call.input, "Tags"); tags && !*existing)
    if (auto s = put_alarm_tags(call.tx, alarm_arn(a.region, a.account, a.name), *tags); !s) return s.error();
  return json::object{};
}

}  // namespace citadel::services::cloudwatch
