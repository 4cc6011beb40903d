#pragma once
// Each file of the Organizations service adds its operations to the service's list.
#include <functional>
#include <optional>
#include <vector>

#include "services/organizations/org_common.h"

namespace citadel::services::organizations {

// The resources an operation names, given the caller's organization (absent: the caller has none,
// and the operation is authorized on "*" and then answers AWSOrganizationsNotInUseException).
using ResourceFn = std::function<std::vector<std::string>(const OrgRow&, const json::object& input, store::Tx& tx)>;

// An operation whose IAM action is "organizations:<name>".
OperationDef org_op(const char* name, bool read_only, ResourceFn resources, Handler handler, bool tag_keys = false);
// Resources: none ("*").
std::vector<std::string> no_resource(const OrgRow&, const json::object&, store::Tx&);
// Resources: the ARN of the id in `member` (root, OU, account or policy), "*" when unknown.
ResourceFn arn_of(const char* member);
ResourceFn arns_of(std::vector<const char*> members);

// The root as ListRoots and EnablePolicyType answer it.
Result<json::object> root_json(store::Tx& tx, const OrgRow& o);

void add_organization_operations(std::vector<OperationDef>& ops);
void add_unit_operations(std::vector<OperationDef>& ops);
void add_policy_operations(std::vector<OperationDef>& ops);
void add_account_operations(std::vector<OperationDef>& ops);
void add_handshake_operations(std::vector<OperationDef>& ops);
void add_tag_operations(std::vector<OperationDef>& ops);
void add_effective_policy_operations(std::vector<OperationDef>& ops);

}  // namespace citadel::services::organizations
