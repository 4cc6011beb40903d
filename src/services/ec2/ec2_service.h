#pragma once
#include "services/service.h"

namespace citadel::services::ec2 {

// Amazon EC2 (ec2 query protocol): VPCs, subnets, security groups, key pairs, images, instances,
// volumes and tags as managed records. See docs/ec2.md.
class Ec2Service : public Service {
 public:
  std::string id() const override { return "ec2"; }
  std::string event_source() const override { return "ec2.amazonaws.com"; }
  std::vector<OperationDef> operations() const override;
  std::vector<store::Migration> migrations() const override;
};

}  // namespace citadel::services::ec2
