#pragma once
// The rule language of composite alarms (pure): ALARM(name), OK(name), INSUFFICIENT_DATA(name)
// (a name or an alarm ARN, quoted or not), TRUE, FALSE, AND, OR, NOT and parentheses, NOT binding
// tightest and AND before OR. Parsed once when the alarm is put; evaluated against the states of
// the alarms it names.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"

namespace citadel::services::cloudwatch {

class AlarmRule;
using AlarmRulePtr = std::shared_ptr<const AlarmRule>;

// Parses `rule`; errors are InvalidParameterValue saying where the rule stopped making sense.
Result<AlarmRulePtr> parse_alarm_rule(const std::string& rule);

// The alarms the rule names, as written (a name or an ARN), each once.
std::vector<std::string> rule_alarms(const AlarmRule& rule);

// True or false from the named alarms' states (OK, ALARM, INSUFFICIENT_DATA); nullopt when the
// outcome depends on an alarm `state_of` does not know (it returns nullopt for those).
using StateOf = std::function<std::optional<std::string>(const std::string& alarm)>;
std::optional<bool> evaluate_rule(const AlarmRule& rule, const StateOf& state_of);

}  // namespace citadel::services::cloudwatch
