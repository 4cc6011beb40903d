#pragma once
// AWS Organizations: an organization of accounts under a root and OUs, with service control,
// resource control, tag and backup policies (docs/organizations.md).
#include "services/service.h"

namespace citadel::services::organizations {

class OrganizationsService final : public Service {
 public:
  std::string id() const override { return "organizations"; }
  std::string event_source() const override { return "organizations.amazonaws.com"; }
  std::vector<OperationDef> operations() const override;
  std::vector<store::Migration> migrations() const override;
};

}  // namespace citadel::services::organizations
