#pragma once
// An alarm's move to a state, from SetAlarmState or the evaluator: the row, a StateUpdate history
// item, and, when the state value changed and actions are enabled, the actions of the new state
// with an Action history item each.
#include "services/cloudwatch/alarm_store.h"

namespace citadel::services::cloudwatch {

Status move_alarm(store::Tx& tx, AlarmRow& alarm, const std::string& state, const std::string& reason,
                  const std::string& reason_data, int64_t now_ms);

}  // namespace citadel::services::cloudwatch
