#pragma once
// SimulateCustomPolicy and SimulatePrincipalPolicy.
#include <vector>

#include "services/service.h"

namespace citadel::services::iam {

void add_simulator_operations(std::vector<OperationDef>& ops);

}  // namespace citadel::services::iam
