#pragma once
// PutMetricAlarm's rules on an alarm's configuration, and the evaluation rule it gives.
#include "services/cloudwatch/alarm_evaluation.h"
#include "services/cloudwatch/cw_common.h"

namespace citadel::services::cloudwatch {

// Checks a PutMetricAlarm input as CloudWatch does (metric or Metrics, statistic, period,
// evaluation periods, threshold, comparison, missing-data treatment, actions).
Status check_alarm_config(const json::object& in, const std::string& region);

// The rule an alarm's stored configuration evaluates by (the config passed check_alarm_config).
AlarmRule alarm_rule(const json::object& config);

}  // namespace citadel::services::cloudwatch
