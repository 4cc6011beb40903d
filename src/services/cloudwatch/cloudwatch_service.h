#pragma once
#include "services/service.h"

namespace citadel::services::cloudwatch {

// Amazon CloudWatch metrics and alarms (GraniteServiceVersion20100801: RPC v2 CBOR, JSON 1.0
// query-compatible, query). See docs/cloudwatch.md.
class CloudWatchService : public Service {
 public:
  std::string id() const override { return "cloudwatch"; }
  std::string event_source() const override { return "monitoring.amazonaws.com"; }
  std::vector<OperationDef> operations() const override;
  std::vector<store::Migration> migrations() const override;
};

}  // namespace citadel::services::cloudwatch
