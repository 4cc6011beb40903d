#pragma once
// The operations of each file of the SNS service, for sns_service.cc to register.
#include "services/sns/sns_common.h"

namespace citadel::services::sns {

void add_topic_operations(std::vector<OperationDef>& ops);         // topics.cc
void add_subscription_operations(std::vector<OperationDef>& ops);  // subscriptions.cc
void add_publish_operations(std::vector<OperationDef>& ops);       // publish.cc

}  // namespace citadel::services::sns
