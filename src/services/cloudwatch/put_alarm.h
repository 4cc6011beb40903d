#pragma once
// Creating or replacing an alarm from its Put call (PutMetricAlarm, PutCompositeAlarm), once the
// caller has checked the input: an update keeps the state and replaces the configuration whole,
// history says created or updated, tags apply on creation only, as in CloudWatch.
#include "services/cloudwatch/alarm_store.h"

namespace citadel::services::cloudwatch {

Result<json::value> put_alarm(Call& call);

// The alarm as history items carry it (HistoryData's createdAlarm, updatedAlarm, deletedAlarm).
json::object history_view(const AlarmRow& a);

}  // namespace citadel::services::cloudwatch
