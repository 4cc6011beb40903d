#pragma once
// Each IAM file adds its operations to the service's list.
#include <vector>

#include "services/service.h"

namespace citadel::services::iam {

void add_user_operations(std::vector<OperationDef>& ops);
void add_access_key_operations(std::vector<OperationDef>& ops);
void add_managed_policy_operations(std::vector<OperationDef>& ops);
void add_inline_policy_operations(std::vector<OperationDef>& ops);
void add_group_operations(std::vector<OperationDef>& ops);
void add_attachment_operations(std::vector<OperationDef>& ops);
void add_account_details_operations(std::vector<OperationDef>& ops);
void add_service_access_operations(std::vector<OperationDef>& ops);
void add_role_operations(std::vector<OperationDef>& ops);
void add_instance_profile_operations(std::vector<OperationDef>& ops);
void add_login_profile_operations(std::vector<OperationDef>& ops);
void add_mfa_device_operations(std::vector<OperationDef>& ops);
void add_account_alias_operations(std::vector<OperationDef>& ops);
void add_credential_report_operations(std::vector<OperationDef>& ops);
void add_service_last_accessed_operations(std::vector<OperationDef>& ops);

}  // namespace citadel::services::iam
