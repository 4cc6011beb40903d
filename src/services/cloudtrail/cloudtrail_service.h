#pragma once
#include "services/cloudtrail/event_store.h"
#include "services/service.h"

namespace citadel::services::cloudtrail {

class CloudTrailService final : public Service {
 public:
  std::string id() const override { return "cloudtrail"; }
  std::string event_source() const override { return "cloudtrail.amazonaws.com"; }
  std::vector<OperationDef> operations() const override;
  std::vector<store::Migration> migrations() const override;
};

}  // namespace citadel::services::cloudtrail
