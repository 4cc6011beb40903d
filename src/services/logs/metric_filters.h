#pragma once
// Metric filters: a log group's filter pattern turned into a CloudWatch metric. Every event stored
// in the group (PutLogEvents, CloudTrail delivery) that matches publishes the transformation's
// metricValue (a number, "$.field" of a JSON event, "$name" of a space-delimited one) to
// metricNamespace/metricName at the event's time, with the transformation's dimensions; with a
// defaultValue, events that do not match publish it — so a CIS-style alarm on a log pattern has a
// metric to watch.
#include <utility>
#include <vector>

#include "services/logs/logs_common.h"

namespace citadel::services::logs {

std::vector<store::Migration> metric_filter_migrations();
void add_metric_filter_operations(std::vector<OperationDef>& ops);

// Publishes what the group's metric filters make of newly stored (timestamp, message) events.
Status publish_metric_filters(store::Tx& tx, const std::string& account, const std::string& region, const std::string& group,
                              const std::vector<StoredEvent>& events, int64_t now_ms);

}  // namespace citadel::services::logs
