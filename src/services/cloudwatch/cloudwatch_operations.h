#pragma once
// Each file of the CloudWatch service adds its operations to the service's list.
#include <vector>

#include "services/cloudwatch/cw_common.h"

namespace citadel::services::cloudwatch {

void add_put_metric_data(std::vector<OperationDef>& ops);
void add_get_metric_statistics(std::vector<OperationDef>& ops);
void add_list_metrics(std::vector<OperationDef>& ops);
void add_get_metric_data(std::vector<OperationDef>& ops);
void add_alarm_operations(std::vector<OperationDef>& ops);
void add_alarm_state_operations(std::vector<OperationDef>& ops);
void add_alarm_history_operations(std::vector<OperationDef>& ops);
void add_tag_operations(std::vector<OperationDef>& ops);
void add_composite_alarm_operations(std::vector<OperationDef>& ops);
void add_dashboard_operations(std::vector<OperationDef>& ops);

}  // namespace citadel::services::cloudwatch
