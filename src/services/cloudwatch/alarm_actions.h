#pragma once
// Alarm actions. EC2 actions (arn:aws:automate:REGION:ec2:stop|terminate|reboot) act on the
// instance named by the alarm's InstanceId dimension; SNS topic ARNs get the alarm's notification
// published to them (alarm_notification.h). Other targets CloudWatch knows (Auto Scaling policies,
// Systems Manager, Lambda) are accepted on the alarm and recorded as failed when they run: Citadel
// has none of those services yet.
#include <string>

#include "services/cloudwatch/alarm_store.h"

namespace citadel::services::cloudwatch {

// Checks one action ARN of PutMetricAlarm (`member`: "AlarmActions.member.1").
Status check_action(const std::string& arn, const std::string& region, const json::object& alarm_config, const std::string& member);

// Runs `arn` for the alarm's move from `old_state` into its current state; returns the Action
// history item (Succeeded or Failed, with the reason).
HistoryItem run_action(store::Tx& tx, const AlarmRow& alarm, const std::string& arn, const std::string& old_state, int64_t now_ms);

}  // namespace citadel::services::cloudwatch
