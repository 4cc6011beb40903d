#pragma once
// Each file of the CloudTrail service adds its operations to the service's list.
#include <vector>

#include "services/service.h"

namespace citadel::services::cloudtrail {

void add_trail_operations(std::vector<OperationDef>& ops);        // trails.cc
void add_public_key_operations(std::vector<OperationDef>& ops);   // signing_keys.cc

}  // namespace citadel::services::cloudtrail
