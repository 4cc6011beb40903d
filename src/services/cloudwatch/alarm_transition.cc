#include "services/cloudwatch/alarm_transition.h"

#include "base/time.h"
#include "services/cloudwatch/alarm_actions.h"

namespace citadel::services::cloudwatch {

namespace {

json::object state_json(const std::string& value, const std::string& reason, const std::string& data) {
  json::object o{{"stateValue", value}, {"stateReason", reason}};
  if (!data.empty()) {
    boost::system::error_code ec;
    auto v = json::parse(data, ec);
    if (!ec) o["stateReasonData"] = std::move(v);
  }
  return o;
}

}  // namespace

Status move_alarm(store::Tx& tx, AlarmRow& a, const std::string& state, const std::string& reason, const std::string& reason_data,
                  int64_t now_ms) {
  std::string old_state = a.state;
  HistoryItem h{"StateUpdate", "Alarm updated from " + old_state + " to " + state,
                json::object{{"version", "1.0"}, {"oldState", state_json(a.state, a.reason, a.reason_data)},
                             {"newState", state_json(state, reason, reason_data)}},
                now_ms};
  a.state = state;
  a.reason = reason;
  a.reason_data = reason_data;
  a.state_updated_ms = now_ms;
  bool changed = old_state != state;
  if (changed) a.state_transitioned_ms = now_ms;
  if (auto s = save_alarm(tx, a); !s) return s;
  if (auto s = add_history(tx, a, h); !s) return s;
  if (!changed || !a.actions_enabled) return Ok{};
  const char* member = state == "ALARM" ? "AlarmActions" : state == "OK" ? "OKActions" : "InsufficientDataActions";
  if (const auto* actions = array(a.config, member))
    for (const auto& arn : *actions)
      if (arn.is_string())
        if (auto s = add_history(tx, a, run_action(tx, a, std::string(arn.as_string()), old_state, now_ms)); !s) return s;
  return Ok{};
}

}  // namespace citadel::services::cloudwatch
