#include "services/iam/iam_service.h"

#include "auth/identity_schema.h"
#include "services/iam/console_signin.h"
#include "services/iam/iam_operations.h"
#include "services/iam/iam_schema.h"
#include "services/iam/simulator.h"

namespace citadel::services::iam {

std::vector<OperationDef> IamService::operations() const {
  std::vector<OperationDef> ops;
  add_user_operations(ops);
  add_access_key_operations(ops);
  add_managed_policy_operations(ops);
  add_inline_policy_operations(ops);
  add_group_operations(ops);
  add_role_operations(ops);
  add_instance_profile_operations(ops);
  add_attachment_operations(ops);
  add_account_details_operations(ops);
  add_service_access_operations(ops);
  add_simulator_operations(ops);
  add_login_profile_operations(ops);
  add_mfa_device_operations(ops);
  add_account_alias_operations(ops);
  add_credential_report_operations(ops);
  add_service_last_accessed_operations(ops);
  return ops;
}

std::vector<store::Migration> IamService::migrations() const {
  auto all = auth::identity_migrations();
  for (auto& m : policy_migrations()) all.push_back(std::move(m));
  for (auto& m : aws_managed_policy_migrations()) all.push_back(std::move(m));
  for (auto& m : credential_migrations()) all.push_back(std::move(m));
  for (auto& m : root_login_migrations()) all.push_back(std::move(m));
  return all;
}

}  // namespace citadel::services::iam
