#pragma once
// Alarm actions. EC2 actions (arn:aws:automate:REGION:ec2:stop|terminate|reboot) act on the
// instance named by the alarm's InstanceId dimension. Other targets CloudWatch knows (SNS topics,
// Auto Scaling policies, Systems Manager, Lambda) are accepted on the alarm and recorded as failed
// when they run: Citadel has none of those services yet.
#include <string>

#include "services/cloudwatch/alarm_store.h"

namespace citadel::services::cloudwatch {

// Checks one action ARN of PutMetricAlarm (`member`: "AlarmActions.member.1").
Status check_action(const std::string& arn, const std::string& region, const json::object& alarm_config, const std::string& member);

// Runs `arn` for the alarm's move into its current state; returns the Action history item.
HistoryItem run_action(store::Tx& tx, const AlarmRow& alarm, const std::string& arn, int64_t now_ms);

}  // namespace citadel::services::cloudwatch
