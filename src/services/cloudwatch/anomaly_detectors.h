#pragma once
// Anomaly detectors (PutAnomalyDetector, DescribeAnomalyDetectors, DeleteAnomalyDetector): a
// single metric and statistic, or a metric math expression (MetricMathAnomalyDetector), whose band
// (anomaly_band.h) graphs and alarms use, with the time ranges its training leaves out.
#include <utility>
#include <vector>

#include "services/cloudwatch/metric_store.h"

namespace citadel::services::cloudwatch {

// The excluded [start, end) ranges of the detector on `key` and `stat`; none without a detector.
Result<std::vector<std::pair<int64_t, int64_t>>> detector_exclusions(store::Tx& tx, const MetricKey& key, const std::string& stat);

// The same for a metric math detector whose returning query is `expression`.
Result<std::vector<std::pair<int64_t, int64_t>>> math_detector_exclusions(store::Tx& tx, const std::string& account,
                                                                         const std::string& region, const std::string& expression);

void add_anomaly_detector_operations(std::vector<OperationDef>& ops);
std::vector<store::Migration> anomaly_detector_migrations();

}  // namespace citadel::services::cloudwatch
