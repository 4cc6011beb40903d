#pragma once
#include "services/service.h"

namespace citadel::services::iam {

class IamService final : public Service {
 public:
  std::string id() const override { return "iam"; }
  std::string event_source() const override { return "iam.amazonaws.com"; }
  std::vector<OperationDef> operations() const override;
  std::vector<store::Migration> migrations() const override;
};

}  // namespace citadel::services::iam
