#pragma once
// The message CloudWatch publishes to an SNS topic when an alarm changes state, in AWS's format:
// a JSON document (AlarmName, AlarmDescription, AWSAccountId, NewStateValue, NewStateReason,
// StateChangeTime, Region, AlarmArn, OldStateValue, the actions, and the Trigger — the metric or
// metric math the alarm watches — or the AlarmRule of a composite alarm) and the subject
// 'ALARM: "name" in US East (N. Virginia)'. Pure.
#include <string>

#include "services/cloudwatch/alarm_store.h"

namespace citadel::services::cloudwatch {

struct AlarmNotification {
  std::string subject;
  std::string message;  // the JSON document, as text
};

// For the alarm's move from `old_state` into its current state.
AlarmNotification alarm_notification(const AlarmRow& alarm, const std::string& old_state);

// The region's name as AWS's notifications spell it ("US East (N. Virginia)"); the code itself
// for a region Citadel does not know by name.
std::string region_display_name(const std::string& region);

}  // namespace citadel::services::cloudwatch
