#pragma once
// The rules CloudWatch puts on periods and time ranges of reads (GetMetricStatistics,
// GetMetricData, alarms).
#include <string>

#include "base/error.h"

namespace citadel::services::cloudwatch {

// 1, 5, 10, 20, 30 or a multiple of 60 seconds. `what` names the parameter in the error.
Status check_period(int64_t period_s, const std::string& what);
// StartTime strictly before EndTime.
Status check_range(int64_t start_ms, int64_t end_ms);
// Periods shorter than the retention of the data at `start_ms` return nothing (data older than
// 3 hours is kept per minute, older than 15 days per 5 minutes, older than 63 days per hour): the
// smallest period that still finds data there.
int64_t coarsest_grain_s(int64_t start_ms, int64_t now_ms);

}  // namespace citadel::services::cloudwatch
