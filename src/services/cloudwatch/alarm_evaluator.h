#pragma once
// The background side of alarms: on each beat (`citadel serve` runs evaluate_all_alarms as a
// server::PeriodicWorker job every --alarm-evaluation-interval), each alarm's evaluation range is
// read from the metric store, evaluate_alarm() decides, and alarms whose state value changes move
// (history, actions). Data retention (metric_store.h apply_retention) runs on the same beat.
#include <vector>

#include "services/cloudwatch/alarm_evaluation.h"
#include "services/cloudwatch/alarm_store.h"
#include "store/store.h"

namespace citadel::services::cloudwatch {

// The alarm's evaluation range at `now_ms`, oldest period first; the current (partial) period last.
Result<std::vector<PeriodValue>> alarm_range(store::Tx& tx, const AlarmRow& alarm, const AlarmRule& rule, int64_t now_ms);

// One pass over every alarm of every account at `now_ms`: metric alarms from their data, then
// composite alarms from the states of the alarms they name. Returns how many alarms changed state.
Result<int> evaluate_all_alarms(store::Store& store, int64_t now_ms);

}  // namespace citadel::services::cloudwatch
