#pragma once
#include "services/service.h"

namespace citadel::services::kms {

// AWS Key Management Service (TrentService, JSON 1.1). See docs/kms.md.
class KmsService : public Service {
 public:
  std::string id() const override { return "kms"; }
  std::string event_source() const override { return "kms.amazonaws.com"; }
  std::vector<OperationDef> operations() const override;
  std::vector<store::Migration> migrations() const override;
};

}  // namespace citadel::services::kms
