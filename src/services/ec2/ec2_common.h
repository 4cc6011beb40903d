#pragma once
// What every EC2 operation shares: AWS's error codes, ids and ARNs, the stored resources (one row
// per VPC, subnet, security group, instance, volume, key pair, network interface or flow log,
// holding its API shape as JSON), tags, filters, the lazily created default VPC, and ec2_op(),
// which declares an operation's authorization the way EC2 does it.
#include <functional>
#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "services/service.h"

namespace citadel::services::ec2 {

// 400 with an EC2 error code ("InvalidVpcID.NotFound").
AwsError ec2_error(std::string code, std::string message);
AwsError invalid_value(const std::string& message);  // InvalidParameterValue

// prefix-<17 lowercase hex> ("vpc-0a1b2c3d4e5f60718"), as EC2's current ids are.
std::string new_id(const std::string& prefix);
// True when `id` is prefix- followed by 8 or 17 hex digits.
bool well_formed(const std::string& id, const std::string& prefix);
// arn:aws:ec2:REGION:ACCOUNT:TYPE/ID (images have no account).
std::string arn(const std::string& region, const std::string& account, const std::string& type, const std::string& id);

// The resource type names EC2 uses in ARNs, tag specifications and DescribeTags, by id prefix.
std::string resource_type_of(const std::string& id);

// One stored resource. Members starting with "_" in `doc` are private (the codec drops what the
// output shape does not name); everything else is the resource's API shape without its tags.
struct Resource {
  std::string id, account, region, kind, vpc_id, name;
  int64_t created_ms = 0;
  json::object doc;
};

Result<std::optional<Resource>> load(store::Tx& tx, const std::string& account, const std::string& region,
                                     const std::string& id);
// Every resource of a kind ("vpc", "subnet", "security-group", "instance", "volume", "key-pair",
// "network-interface", "vpc-flow-log") in the account and region, oldest first.
Result<std::vector<Resource>> load_kind(store::Tx& tx, const std::string& account, const std::string& region,
                                        const std::string& kind);
Status save(store::Tx& tx, const Resource& r);  // insert or replace
Status remove(store::Tx& tx, const Resource& r);  // the row and its tags

// Tags ------------------------------------------------------------------------------------------
using Tags = std::vector<std::pair<std::string, std::string>>;
Result<Tags> tags_of(store::Tx& tx, const std::string& id);
// Every tag of the account and region, by resource id.
Result<std::map<std::string, Tags>> all_tags(store::Tx& tx, const std::string& account, const std::string& region);
json::array tags_json(const Tags& tags);
// Validates and stores tags ({"Key","Value"} objects) on a resource (replacing values of keys it has).
Status put_tags(store::Tx& tx, const std::string& account, const std::string& region, const std::string& id,
                const json::array& tags);
// The tags of TagSpecifications for `type` ("instance", "volume", ...).
json::array spec_tags(const json::object& input, const std::string& type);
// aws:RequestTag/* and aws:TagKeys of every tag in TagSpecifications.
json::object spec_tag_condition_keys(const json::object& input);
// The resource's document with its Tags member (when it has tags).
json::object with_tags(const Resource& r, const std::map<std::string, Tags>& tags);

// Filters (Filters: [{Name, Values}]); values may use * and ? wildcards ----------------------------
struct Filter {
  std::string name;
  std::vector<std::string> values;
};
std::vector<Filter> filters(const json::object& input, const char* member = "Filters");
// `field(name)` gives a filter's values for the resource (nullopt: the filter is unknown here, which
// EC2 answers with InvalidParameterValue). tag:KEY, tag-key and tag-value are answered from `tags`.
using FieldFn = std::function<std::optional<std::vector<std::string>>(const std::string&)>;
Result<bool> matches(const std::vector<Filter>& fs, const FieldFn& field, const Tags& tags);
// Text of a JSON member (strings, numbers and booleans as EC2 prints them), for filters.
std::string text(const json::object& o, std::string_view member);
std::vector<std::string> strings(const json::value* v);  // a list of strings ("" when absent)

// The default VPC ---------------------------------------------------------------------------------
// Creates the account's default VPC in the region when it has none yet (172.31.0.0/16, a default
// subnet per zone, the "default" security group). Idempotent; a no-op on a store that fails.
Status ensure_default_vpc(store::Tx& tx, const std::string& account, const std::string& region, int64_t now_ms);
Result<std::string> default_vpc_id(store::Tx& tx, const std::string& account, const std::string& region);
// The zones of a region: REGIONa, REGIONb, REGIONc.
std::vector<std::string> zones(const std::string& region);

// New resources' documents (vpcs.cc, security_groups.cc).
struct Cidr;
json::object new_vpc_doc(const std::string& account, const std::string& id, const Cidr& cidr, bool is_default,
                         const std::string& tenancy);
json::object new_subnet_doc(const std::string& account, const std::string& region, const std::string& id,
                            const std::string& vpc_id, const Cidr& cidr, const std::string& zone, bool is_default);
// A security group allowing all egress (and, for a VPC's "default" group, all ingress from itself).
json::object new_security_group_doc(const std::string& account, const std::string& region, const std::string& id,
                                    const std::string& vpc_id, const std::string& name, const std::string& description,
                                    bool is_default);

// CIDR blocks (IPv4) ----------------------------------------------------------------------------
struct Cidr {
  uint32_t base = 0;
  int prefix = 0;
  uint32_t size() const { return prefix == 0 ? 0xffffffffu : (1u << (32 - prefix)); }
  bool contains(const Cidr& o) const;
  bool overlaps(const Cidr& o) const;
  std::string str() const;
};
std::optional<Cidr> parse_cidr(const std::string& s);  // a.b.c.d/n with host bits clear
std::string ipv4(uint32_t addr);

// Authorization ----------------------------------------------------------------------------------
// One resource an operation acts on: its ARN and, when it is a stored resource, its id (whose tags
// become aws:ResourceTag/* and ec2:ResourceTag/* for that resource's decision).
struct Target {
  std::string arn;
  std::string id;
};
using TargetsFn = std::function<std::vector<Target>(const RequestContext&, const json::object&, store::Tx&)>;
// Extra condition keys (ec2:InstanceType) or further decisions (iam:PassRole). Keys added to the
// request apply to its first target only, as EC2's keys apply to one resource type each.
using ExtraAuthz = std::function<void(AuthzRequest&, const RequestContext&, const json::object&, store::Tx&)>;

// An operation whose IAM action is ec2:<name>. Each target is decided on its own (the first in the
// request, the others in `also`), with ec2:Region and the target's tags; with no targets the
// resource is "*". Every call may create the default VPC first, so read calls run in write
// transactions. DryRun: a call that would be allowed answers DryRunOperation without acting.
OperationDef ec2_op(const char* name, bool read_only, TargetsFn targets, Handler handler, ExtraAuthz extra = nullptr);

// Every decision of a request (the first target's and those in `also` with the same action).
std::vector<AuthzRequest*> decisions(AuthzRequest& r);
// aws:RequestTag/* and aws:TagKeys of TagSpecifications, on the first target (the created resource).
void add_request_tags(AuthzRequest& r, const RequestContext& ctx, const json::object& input, store::Tx& tx);

// Targets named by a list member of ids (InstanceIds, GroupIds) or one id member (GroupId).
std::vector<Target> id_targets(const RequestContext& ctx, const json::object& input, const char* member,
                               const std::string& type);

// Describe* calls: the resources of one kind, narrowed by an id list and Filters -------------------
struct DescribeSpec {
  const char* kind;          // "vpc"
  const char* ids_member;    // "VpcIds"
  const char* id_prefix;     // "vpc"
  const char* out_member;    // "Vpcs"
  const char* malformed;     // "InvalidVpcID.Malformed"
  // The error for ids that do not exist.
  std::function<AwsError(const std::vector<std::string>&)> not_found;
  // A filter's values for a resource (nullopt: not a filter of this call).
  std::function<std::optional<std::vector<std::string>>(const Resource&, const std::string&)> field;
  // Resources that exist but are not shown (instances terminated over an hour ago).
  std::function<bool(const Resource&)> visible = nullptr;
};
struct Found {
  std::vector<Resource> resources;
  std::map<std::string, Tags> tags;
};
Result<Found> find(Call& call, const DescribeSpec& spec);
Result<json::value> describe(Call& call, const DescribeSpec& spec);
// "The vpc ID 'vpc-1' does not exist" / "The vpc IDs 'vpc-1, vpc-2' do not exist".
AwsError not_found_ids(const std::string& code, const std::string& what, const std::vector<std::string>& ids);

// Security groups a launch names (SecurityGroupIds, or SecurityGroups by name in the default VPC);
// by default the VPC's "default" group. As [{GroupName, GroupId}].
Result<json::array> launch_groups(Call& call, const std::string& vpc_id, bool default_vpc);

// A key pair named by name or id, for authorization (ARN by name, tags by id).
std::vector<Target> key_pair_target(const RequestContext& ctx, store::Tx& tx, const std::string& name, const std::string& id);

// A public image of the built-in catalog (DescribeImages shape, without tags).
std::optional<json::object> catalog_image(const std::string& id);

// Add each file's operations.
void add_vpc_operations(std::vector<OperationDef>& ops);
void add_security_group_operations(std::vector<OperationDef>& ops);
void add_key_pair_operations(std::vector<OperationDef>& ops);
void add_image_operations(std::vector<OperationDef>& ops);
void add_instance_operations(std::vector<OperationDef>& ops);
void add_volume_operations(std::vector<OperationDef>& ops);
void add_tag_operations(std::vector<OperationDef>& ops);
void add_flow_log_operations(std::vector<OperationDef>& ops);

}  // namespace citadel::services::ec2
