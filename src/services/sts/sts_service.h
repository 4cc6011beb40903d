#pragma once
#include "services/service.h"

namespace citadel::services::sts {

class StsService final : public Service {
 public:
  std::string id() const override { return "sts"; }
  std::string event_source() const override { return "sts.amazonaws.com"; }
  std::vector<OperationDef> operations() const override;
};

}  // namespace citadel::services::sts
