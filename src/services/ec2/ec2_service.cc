#include "services/ec2/ec2_service.h"

#include "services/ec2/ec2_common.h"
#include "services/ec2/network_interfaces.h"

namespace citadel::services::ec2 {

std::vector<OperationDef> Ec2Service::operations() const {
  std::vector<OperationDef> ops;
  add_vpc_operations(ops);
  add_security_group_operations(ops);
  add_key_pair_operations(ops);
  add_image_operations(ops);
  add_instance_operations(ops);
  add_volume_operations(ops);
  add_tag_operations(ops);
  add_network_interface_operations(ops);
  add_flow_log_operations(ops);
  return ops;
}

std::vector<store::Migration> Ec2Service::migrations() const {
  return {{"ec2/001_resources", R"sql(
-- One row per VPC, subnet, security group (its rules inside), instance, volume or key pair: the
-- resource's API shape as JSON (doc). kind: vpc, subnet, security-group, instance, volume, key-pair.
-- vpc_id: the VPC a resource belongs to ('' for volumes and key pairs); name: a security group's
-- or key pair's name ('' otherwise).
CREATE TABLE ec2_resources (
  resource_id TEXT PRIMARY KEY,
  account_id  TEXT NOT NULL,
  region      TEXT NOT NULL,
  kind        TEXT NOT NULL,
  vpc_id      TEXT NOT NULL,
  name        TEXT NOT NULL,
  created_ms  INTEGER NOT NULL,
  doc         TEXT NOT NULL
);
CREATE INDEX ec2_resources_by_kind ON ec2_resources(account_id, region, kind, name);
CREATE INDEX ec2_resources_by_vpc ON ec2_resources(vpc_id);
CREATE TABLE ec2_tags (
  resource_id TEXT NOT NULL,
  account_id  TEXT NOT NULL,
  region      TEXT NOT NULL,
  tag_key     TEXT NOT NULL,
  tag_value   TEXT NOT NULL,
  PRIMARY KEY (resource_id, tag_key)
);
CREATE INDEX ec2_tags_by_account ON ec2_tags(account_id, region);
-- The default VPC made for an account in a region (kept after the VPC is deleted, so it is not
-- made again: as in EC2, a deleted default VPC stays deleted).
CREATE TABLE ec2_default_vpcs (
  account_id TEXT NOT NULL,
  region     TEXT NOT NULL,
  vpc_id     TEXT NOT NULL,
  PRIMARY KEY (account_id, region)
);
)sql"},
          {"ec2/002_flow_records", R"sql(
-- ec2_resources also holds kinds network-interface and vpc-flow-log (vpc_id '' for flow logs).
-- Flow log records users submit (PutFlowLogRecords), until every flow log has delivered past
-- them: the interface's subnet and VPC as they were when the record came, its action (ACCEPT,
-- REJECT or '-'), its start time (event_ms) and its fields as a JSON object.
CREATE TABLE ec2_flow_records (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id   TEXT NOT NULL,
  region       TEXT NOT NULL,
  interface_id TEXT NOT NULL,
  subnet_id    TEXT NOT NULL,
  vpc_id       TEXT NOT NULL,
  action       TEXT NOT NULL,
  event_ms     INTEGER NOT NULL,
  fields       TEXT NOT NULL
);
CREATE INDEX ec2_flow_records_by_account ON ec2_flow_records(account_id, region, seq);
)sql"}};
}

}  // namespace citadel::services::ec2
