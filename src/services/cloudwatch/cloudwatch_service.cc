#include "services/cloudwatch/cloudwatch_service.h"

#include "services/cloudwatch/alarm_store.h"
#include "services/cloudwatch/anomaly_detectors.h"
#include "services/cloudwatch/cloudwatch_operations.h"
#include "services/cloudwatch/dashboard_store.h"
#include "services/cloudwatch/metric_store.h"

namespace citadel::services::cloudwatch {

std::vector<OperationDef> CloudWatchService::operations() const {
  std::vector<OperationDef> ops;
  add_put_metric_data(ops);
  add_get_metric_statistics(ops);
  add_list_metrics(ops);
  add_get_metric_data(ops);
  add_alarm_operations(ops);
  add_alarm_state_operations(ops);
  add_alarm_history_operations(ops);
  add_tag_operations(ops);
  add_composite_alarm_operations(ops);
  add_anomaly_detector_operations(ops);
  add_dashboard_operations(ops);
  return ops;
}

std::vector<store::Migration> CloudWatchService::migrations() const {
  auto out = metric_migrations();
  for (auto& m : alarm_migrations()) out.push_back(std::move(m));
  for (auto& m : anomaly_detector_migrations()) out.push_back(std::move(m));
  for (auto& m : dashboard_migrations()) out.push_back(std::move(m));
  return out;
}

}  // namespace citadel::services::cloudwatch
