#include "services/cloudwatch/composite_alarms.h"

#include "services/cloudwatch/alarm_actions.h"
#include "services/cloudwatch/alarm_transition.h"
#include "services/cloudwatch/cloudwatch_operations.h"
#include "services/cloudwatch/composite_rule.h"
#include "services/cloudwatch/put_alarm.h"

namespace citadel::services::cloudwatch {

namespace {

constexpr int kMaxSettleRounds = 10;

// The alarm of the composite's account and region that `ref` (a name or an ARN) names.
const AlarmRow* find_named(const AlarmRow& composite, const std::string& ref, const std::vector<AlarmRow>& alarms) {
  for (const auto& a : alarms)
    if (a.account == composite.account && a.region == composite.region &&
        (ref == a.name || ref == alarm_arn(a.region, a.account, a.name)))
      return &a;
  return nullptr;
}

Result<json::value> put_composite_alarm(Call& call) {
  std::string name = call.str("AlarmName");
  auto rule = parse_alarm_rule(call.str("AlarmRule"));
  if (!rule) return rule.error();
  for (const auto& ref : rule_alarms(**rule))
    if (ref == name || ref == alarm_arn(call.ctx.region, call.account(), name))
      return invalid_value("The alarm rule of " + name + " must not name the alarm itself.");
  if (call.has("ActionsSuppressor"))
    return invalid_value("Action suppression (ActionsSuppressor) is not supported by Citadel.");
  for (const char* member : {"AlarmActions", "OKActions", "InsufficientDataActions"})
    if (const auto* actions = array(call.input, member)) {
      size_t i = 0;
      for (const auto& a : *actions)
        if (auto s = check_action(a.is_string() ? std::string(a.as_string()) : "", call.ctx.region, call.input,
                                  std::string(member) + ".member." + std::to_string(++i));
            !s)
          return s.error();
    }
  return put_alarm(call);
}

}  // namespace

CompositeState evaluate_composite(const AlarmRow& composite, const std::vector<AlarmRow>& alarms) {
  CompositeState out;
  auto rule = parse_alarm_rule(text(composite.config, "AlarmRule"));
  json::array triggering;
  auto state_of = [&](const std::string& ref) -> std::optional<std::string> {
    const AlarmRow* a = find_named(composite, ref, alarms);
    if (!a) return std::nullopt;
    triggering.push_back(json::object{{"arn", alarm_arn(a->region, a->account, a->name)},
                                      {"state", json::object{{"value", a->state}, {"timestamp", a->state_transitioned_ms}}}});
    return a->state;
  };
  std::optional<bool> v = rule ? evaluate_rule(**rule, state_of) : std::nullopt;
  out.state = !v ? "INSUFFICIENT_DATA" : *v ? "ALARM" : "OK";
  out.reason = !v ? "The alarm rule names an alarm that does not exist, and its state decides the rule."
               : *v ? "The alarm rule evaluated to TRUE."
                    : "The alarm rule evaluated to FALSE.";
  out.data = json::object{{"triggeringAlarms", std::move(triggering)}};
  return out;
}

Result<int> settle_composites(store::Tx& tx, int64_t now_ms) {
  auto alarms = load_alarms(tx, "", "");
  if (!alarms) return alarms.error();
  int moves = 0;
  for (int round = 0; round < kMaxSettleRounds; ++round) {
    int moved_now = 0;
    for (auto& a : *alarms) {
      if (!a.composite()) continue;
      auto s = evaluate_composite(a, *alarms);
      if (s.state == a.state) continue;
      if (auto st = move_alarm(tx, a, s.state, s.reason, json_text(s.data), now_ms); !st) return st.error();
      ++moved_now;
    }
    moves += moved_now;
    if (!moved_now) break;
  }
  return moves;
}

void add_composite_alarm_operations(std::vector<OperationDef>& ops) {
  ops.push_back(cw_op("PutCompositeAlarm", false, Resource::AlarmName, put_composite_alarm));
}

}  // namespace citadel::services::cloudwatch
