#include "services/organizations/organizations_service.h"

#include "services/organizations/org_operations.h"

namespace citadel::services::organizations {

OperationDef org_op(const char* name, bool read_only, ResourceFn resources, Handler handler, bool tag_keys) {
  std::string action = std::string("organizations:") + name;
  OperationDef op;
  op.name = name;
  op.read_only = read_only;
  op.authz = [action, resources, tag_keys](const RequestContext& ctx, const json::object& input, store::Tx& tx) {
    AuthzRequest req;
    req.action = action;
    req.resources = {"*"};
    if (auto o = authz_org(ctx, tx)) {
      auto arns = resources(*o, input, tx);
      if (!arns.empty()) req.resources = std::move(arns);
    }
    if (tag_keys) {
      req.condition_keys = tag_condition_keys(input, "Tags");
      for (auto& [k, v] : tag_condition_keys(input, "TagKeys")) req.condition_keys[k] = v;
    }
    return req;
  };
  op.handler = std::move(handler);
  return op;
}

std::vector<std::string> no_resource(const OrgRow&, const json::object&, store::Tx&) { return {"*"}; }

ResourceFn arns_of(std::vector<const char*> members) {
  return [members](const OrgRow& o, const json::object& input, store::Tx& tx) {
    std::vector<std::string> out;
    for (const char* m : members) {
      std::string arn = arn_for_id(tx, o, input_str(input, m));
      if (!arn.empty()) out.push_back(arn);
    }
    if (out.empty()) out.push_back("*");
    return out;
  };
}

ResourceFn arn_of(const char* member) { return arns_of({member}); }

std::vector<OperationDef> OrganizationsService::operations() const {
  std::vector<OperationDef> ops;
  add_organization_operations(ops);
  add_unit_operations(ops);
  add_policy_operations(ops);
  add_account_operations(ops);
  add_handshake_operations(ops);
  add_tag_operations(ops);
  add_effective_policy_operations(ops);
  return ops;
}

std::vector<store::Migration> OrganizationsService::migrations() const {
  return {{"organizations/001_organizations", R"sql(
CREATE TABLE org_organizations (
  org_id                TEXT PRIMARY KEY,
  management_account_id TEXT NOT NULL UNIQUE REFERENCES accounts(account_id),
  feature_set           TEXT NOT NULL,
  root_id               TEXT NOT NULL UNIQUE,
  created_ms            INTEGER NOT NULL
);
-- Policy types enabled on the organization's root.
CREATE TABLE org_policy_types (
  org_id      TEXT NOT NULL REFERENCES org_organizations(org_id) ON DELETE CASCADE,
  policy_type TEXT NOT NULL,
  PRIMARY KEY (org_id, policy_type)
);
-- depth: 1 for a child of the root, at most 5.
CREATE TABLE org_units (
  ou_id      TEXT PRIMARY KEY,
  org_id     TEXT NOT NULL REFERENCES org_organizations(org_id) ON DELETE CASCADE,
  parent_id  TEXT NOT NULL,
  name       TEXT NOT NULL,
  depth      INTEGER NOT NULL,
  created_ms INTEGER NOT NULL
);
CREATE INDEX org_units_by_parent ON org_units(parent_id, ou_id);
-- Every account of an organization, the management account included. state: ACTIVE, SUSPENDED.
CREATE TABLE org_accounts (
  account_id    TEXT PRIMARY KEY REFERENCES accounts(account_id),
  org_id        TEXT NOT NULL REFERENCES org_organizations(org_id) ON DELETE CASCADE,
  parent_id     TEXT NOT NULL,
  joined_method TEXT NOT NULL,
  joined_ms     INTEGER NOT NULL,
  state         TEXT NOT NULL
);
CREATE INDEX org_accounts_by_parent ON org_accounts(parent_id, account_id);
CREATE INDEX org_accounts_by_org ON org_accounts(org_id, account_id);
-- Policies; AWS managed ones (FullAWSAccess, RCPFullAWSAccess) have org_id 'aws'.
CREATE TABLE org_policies (
  policy_id   TEXT PRIMARY KEY,
  org_id      TEXT NOT NULL,
  name        TEXT NOT NULL,
  description TEXT NOT NULL,
  policy_type TEXT NOT NULL,
  content     TEXT NOT NULL,
  aws_managed INTEGER NOT NULL
);
CREATE INDEX org_policies_by_org ON org_policies(org_id, policy_type, name);
CREATE TABLE org_policy_attachments (
  org_id      TEXT NOT NULL,
  target_id   TEXT NOT NULL,
  policy_id   TEXT NOT NULL,
  policy_type TEXT NOT NULL,
  PRIMARY KEY (target_id, policy_id)
);
CREATE INDEX org_policy_attachments_by_policy ON org_policy_attachments(policy_id, target_id);
CREATE INDEX org_policy_attachments_by_org ON org_policy_attachments(org_id);
CREATE TABLE org_create_account_status (
  request_id     TEXT PRIMARY KEY,
  org_id         TEXT NOT NULL,
  account_name   TEXT NOT NULL,
  state          TEXT NOT NULL,
  requested_ms   INTEGER NOT NULL,
  completed_ms   INTEGER,
  account_id     TEXT,
  failure_reason TEXT
);
CREATE INDEX org_create_account_status_by_org ON org_create_account_status(org_id, requested_ms);
-- Invitations. target_type: ACCOUNT or EMAIL; target_account is the invited account's id.
CREATE TABLE org_handshakes (
  handshake_id   TEXT PRIMARY KEY,
  org_id         TEXT NOT NULL,
  action         TEXT NOT NULL,
  state          TEXT NOT NULL,
  target_type    TEXT NOT NULL,
  target_value   TEXT NOT NULL,
  target_account TEXT NOT NULL,
  notes          TEXT,
  requested_ms   INTEGER NOT NULL,
  expiration_ms  INTEGER NOT NULL
);
CREATE INDEX org_handshakes_by_org ON org_handshakes(org_id, requested_ms);
CREATE INDEX org_handshakes_by_account ON org_handshakes(target_account, requested_ms);
CREATE TABLE org_tags (
  resource_id TEXT NOT NULL,
  org_id      TEXT NOT NULL,
  tag_key     TEXT NOT NULL,
  tag_value   TEXT NOT NULL,
  PRIMARY KEY (resource_id, tag_key)
);
CREATE INDEX org_tags_by_org ON org_tags(org_id);
CREATE TABLE org_delegated_admins (
  org_id            TEXT NOT NULL,
  account_id        TEXT NOT NULL,
  service_principal TEXT NOT NULL,
  enabled_ms        INTEGER NOT NULL,
  PRIMARY KEY (account_id, service_principal)
);
CREATE INDEX org_delegated_admins_by_org ON org_delegated_admins(org_id, service_principal);
INSERT INTO org_policies (policy_id, org_id, name, description, policy_type, content, aws_managed) VALUES
  ('p-FullAWSAccess', 'aws', 'FullAWSAccess', 'Allows access to every operation', 'SERVICE_CONTROL_POLICY',
   '{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "*",
      "Resource": "*"
    }
  ]
}', 1),
  ('p-RCPFullAWSAccess', 'aws', 'RCPFullAWSAccess', 'Allows access to every operation', 'RESOURCE_CONTROL_POLICY',
   '{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": "*",
      "Action": "*",
      "Resource": "*"
    }
  ]
}', 1);
)sql"}};
}

}  // namespace citadel::services::organizations
