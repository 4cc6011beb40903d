// SetAlarmState, EnableAlarmActions, DisableAlarmActions.
#include "services/cloudwatch/alarm_transition.h"
#include "services/cloudwatch/cloudwatch_operations.h"

namespace citadel::services::cloudwatch {

namespace {

Result<json::value> set_alarm_state(Call& call) {
  std::string name = call.str("AlarmName");
  auto a = load_alarm(call.tx, call.account(), call.ctx.region, name);
  if (!a) return a.error();
  if (!*a) return alarm_not_found("Alarm " + name + " not found");
  std::string data = call.str("StateReasonData");
  if (!data.empty()) {
    boost::system::error_code ec;
    auto v = json::parse(data, ec);
    if (ec || !v.is_object()) return AwsError::sender("InvalidFormat", "StateReasonData is not valid JSON.", 400);
  }
  // The state holds until the next evaluation of the alarm's data says otherwise.
  if (auto s = move_alarm(call.tx, **a, call.str("StateValue"), call.str("StateReason"), data, call.ctx.now_ms); !s) return s.error();
  return json::object{};
}

Result<json::value> set_actions_enabled(Call& call, bool enabled) {
  for (const auto& n : *array(call.input, "AlarmNames")) {
    if (!n.is_string()) continue;
    auto a = load_alarm(call.tx, call.account(), call.ctx.region, std::string(n.as_string()));
    if (!a) return a.error();
    if (!*a || (*a)->actions_enabled == enabled) continue;  // unknown names are skipped, as in CloudWatch
    (*a)->actions_enabled = enabled;
    (*a)->config["ActionsEnabled"] = enabled;
    if (auto s = save_alarm(call.tx, **a); !s) return s.error();
  }
  return json::object{};
}

}  // namespace

void add_alarm_state_operations(std::vector<OperationDef>& ops) {
  ops.push_back(cw_op("SetAlarmState", false, Resource::AlarmName, set_alarm_state));
  ops.push_back(cw_op("EnableAlarmActions", false, Resource::AlarmNames, [](Call& c) { return set_actions_enabled(c, true); }));
  ops.push_back(cw_op("DisableAlarmActions", false, Resource::AlarmNames, [](Call& c) { return set_actions_enabled(c, false); }));
}

}  // namespace citadel::services::cloudwatch
