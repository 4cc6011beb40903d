// VPCs, subnets, Availability Zones and Regions.
#include "services/ec2/ec2_common.h"

namespace citadel::services::ec2 {

namespace {

// us-east-1 -> use1, ap-southeast-2 -> apse2 (the prefix of EC2's zone ids).
std::string zone_id_prefix(const std::string& region) {
  std::string out;
  size_t a = region.find('-'), b = region.rfind('-');
  if (a == std::string::npos || a == b) return region;
  out = region.substr(0, a);
  std::string mid = region.substr(a + 1, b - a - 1);
  for (const char* word : {"north", "south", "east", "west", "central"}) {
    size_t at = mid.find(word);
    if (at != std::string::npos) out += word[0], mid.erase(at, std::string_view(word).size());
  }
  return out + region.substr(b + 1);
}

std::string zone_id(const std::string& region, const std::string& zone) {
  return zone_id_prefix(region) + "-az" + std::to_string(zone.back() - 'a' + 1);
}

const std::vector<std::string>& region_names() {
  static const std::vector<std::string> r{"af-south-1",     "ap-east-1",      "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
                                          "ap-south-1",     "ap-southeast-1", "ap-southeast-2", "ca-central-1",   "eu-central-1",
                                          "eu-north-1",     "eu-south-1",     "eu-west-1",      "eu-west-2",      "eu-west-3",
                                          "me-south-1",     "sa-east-1",      "us-east-1",      "us-east-2",      "us-west-1",
                                          "us-west-2"};
  return r;
}

std::optional<std::vector<std::string>> vpc_field(const Resource& r, const std::string& name) {
  const auto& d = r.doc;
  if (name == "vpc-id") return std::vector<std::string>{r.id};
  if (name == "cidr" || name == "cidr-block-association.cidr-block") return std::vector<std::string>{text(d, "CidrBlock")};
  if (name == "is-default" || name == "isDefault") return std::vector<std::string>{text(d, "IsDefault")};
  if (name == "state") return std::vector<std::string>{text(d, "State")};
  if (name == "owner-id") return std::vector<std::string>{text(d, "OwnerId")};
  if (name == "dhcp-options-id") return std::vector<std::string>{text(d, "DhcpOptionsId")};
  return std::nullopt;
}

std::optional<std::vector<std::string>> subnet_field(const Resource& r, const std::string& name) {
  const auto& d = r.doc;
  auto one = [&](const char* m) { return std::vector<std::string>{text(d, m)}; };
  if (name == "subnet-id") return std::vector<std::string>{r.id};
  if (name == "vpc-id") return one("VpcId");
  if (name == "cidr-block" || name == "cidr" || name == "cidrBlock") return one("CidrBlock");
  if (name == "availability-zone" || name == "availabilityZone") return one("AvailabilityZone");
  if (name == "availability-zone-id") return one("AvailabilityZoneId");
  if (name == "default-for-az" || name == "defaultForAz") return one("DefaultForAz");
  if (name == "map-public-ip-on-launch") return one("MapPublicIpOnLaunch");
  if (name == "state") return one("State");
  if (name == "owner-id") return one("OwnerId");
  if (name == "subnet-arn") return one("SubnetArn");
  return std::nullopt;
}

const DescribeSpec kVpcs{"vpc", "VpcIds", "vpc", "Vpcs", "InvalidVpcID.Malformed",
                         [](const std::vector<std::string>& ids) { return not_found_ids("InvalidVpcID.NotFound", "vpc", ids); },
                         vpc_field};
const DescribeSpec kSubnets{"subnet", "SubnetIds", "subnet", "Subnets", "InvalidSubnetID.Malformed",
                            [](const std::vector<std::string>& ids) { return not_found_ids("InvalidSubnetID.NotFound", "subnet", ids); },
                            subnet_field};

Result<json::value> create_vpc(Call& call) {
  std::string cidr_text = call.str("CidrBlock");
  if (cidr_text.empty()) return ec2_error("MissingParameter", "Either 'cidrBlock' or 'ipv4IpamPoolId' should be provided.");
  auto cidr = parse_cidr(cidr_text);
  if (!cidr) return invalid_value("Value (" + cidr_text + ") for parameter cidrBlock is invalid. This is not a valid CIDR block.");
  if (cidr->prefix < 16 || cidr->prefix > 28) return ec2_error("InvalidVpc.Range", "The CIDR '" + cidr_text + "' is invalid.");
  std::string tenancy = call.str("InstanceTenancy");
  if (tenancy.empty()) tenancy = "default";
  auto existing = load_kind(call.tx, call.account(), call.ctx.region, "vpc");
  if (!existing) return existing.error();
  if (existing->size() >= 5) return ec2_error("VpcLimitExceeded", "The maximum number of VPCs has been reached.");
  Resource vpc{new_id("vpc"), call.account(), call.ctx.region, "vpc", "", "", call.ctx.now_ms, {}};
  vpc.vpc_id = vpc.id;
  vpc.doc = new_vpc_doc(call.account(), vpc.id, *cidr, false, tenancy);
  if (auto s = save(call.tx, vpc); !s) return s.error();
  if (auto s = put_tags(call.tx, call.account(), call.ctx.region, vpc.id, spec_tags(call.input, "vpc")); !s) return s.error();
  Resource sg{new_id("sg"), call.account(), call.ctx.region, "security-group", vpc.id, "default", call.ctx.now_ms, {}};
  sg.doc = new_security_group_doc(call.account(), call.ctx.region, sg.id, vpc.id, "default", "default VPC security group", true);
  if (auto s = save(call.tx, sg); !s) return s.error();
  auto tags = tags_of(call.tx, vpc.id);
  if (!tags) return tags.error();
  return json::object{{"Vpc", with_tags(vpc, {{vpc.id, *tags}})}};
}

Result<Resource> existing(Call& call, const std::string& id, const std::string& prefix, const std::string& what,
                          const std::string& code) {
  if (!well_formed(id, prefix)) return ec2_error(code + ".Malformed", "Invalid id: \"" + id + "\"");
  auto r = load(call.tx, call.account(), call.ctx.region, id);
  if (!r) return r.error();
  if (!*r) return not_found_ids(code + ".NotFound", what, {id});
  return std::move(**r);
}

// Anything but the VPC's own default security group keeps it alive.
Result<json::value> delete_vpc(Call& call) {
  auto vpc = existing(call, call.str("VpcId"), "vpc", "vpc", "InvalidVpcID");
  if (!vpc) return vpc.error();
  auto rows = call.tx.query("SELECT resource_id, kind, name, doc FROM ec2_resources WHERE vpc_id = ? AND resource_id <> ?", {vpc->id, vpc->id});
  if (!rows) return rows.error();
  std::vector<Resource> default_groups;
  for (auto& r : *rows) {
    bool default_group = r.str(1) == "security-group" && r.str(2) == "default";
    bool terminated = r.str(1) == "instance" && r.str(3).find("\"Name\":\"terminated\"") != std::string::npos;
    if (default_group) {
      default_groups.push_back(Resource{r.str(0)});
    } else if (!terminated) {
      return ec2_error("DependencyViolation", "The vpc '" + vpc->id + "' has dependencies and cannot be deleted.");
    }
  }
  for (auto& g : default_groups)
    if (auto s = remove(call.tx, g); !s) return s.error();
  if (auto s = remove(call.tx, *vpc); !s) return s.error();
  return json::object{};
}

Result<json::value> create_subnet(Call& call) {
  auto vpc = existing(call, call.str("VpcId"), "vpc", "vpc", "InvalidVpcID");
  if (!vpc) return vpc.error();
  std::string cidr_text = call.str("CidrBlock");
  if (cidr_text.empty()) return ec2_error("MissingParameter", "Either 'cidrBlock' or 'ipv4IpamPoolId' should be provided.");
  auto cidr = parse_cidr(cidr_text);
  if (!cidr) return invalid_value("Value (" + cidr_text + ") for parameter cidrBlock is invalid. This is not a valid CIDR block.");
  auto vpc_cidr = parse_cidr(text(vpc->doc, "CidrBlock"));
  if (cidr->prefix < 16 || cidr->prefix > 28 || !vpc_cidr || !vpc_cidr->contains(*cidr))
    return ec2_error("InvalidSubnet.Range", "The CIDR '" + cidr_text + "' is invalid.");
  auto subnets = load_kind(call.tx, call.account(), call.ctx.region, "subnet");
  if (!subnets) return subnets.error();
  for (auto& s : *subnets) {
    auto other = parse_cidr(text(s.doc, "CidrBlock"));
    if (s.vpc_id == vpc->id && other && other->overlaps(*cidr))
      return ec2_error("InvalidSubnet.Conflict", "The CIDR '" + cidr_text + "' conflicts with another subnet");
  }
  auto zs = zones(call.ctx.region);
  std::string zone = call.str("AvailabilityZone");
  if (zone.empty() && call.has("AvailabilityZoneId")) {
    for (auto& z : zs)
      if (zone_id(call.ctx.region, z) == call.str("AvailabilityZoneId")) zone = z;
    if (zone.empty()) return invalid_value("Value (" + call.str("AvailabilityZoneId") + ") for parameter availabilityZoneId is invalid.");
  }
  if (zone.empty()) zone = zs.front();
  if (std::find(zs.begin(), zs.end(), zone) == zs.end())
    return invalid_value("Value (" + zone + ") for parameter availabilityZone is invalid. Subnets can currently only be created in the following availability zones: " +
                         zs[0] + ", " + zs[1] + ", " + zs[2] + ".");
  Resource sn{new_id("subnet"), call.account(), call.ctx.region, "subnet", vpc->id, "", call.ctx.now_ms, {}};
  sn.doc = new_subnet_doc(call.account(), call.ctx.region, sn.id, vpc->id, *cidr, zone, false);
  if (auto s = save(call.tx, sn); !s) return s.error();
  if (auto s = put_tags(call.tx, call.account(), call.ctx.region, sn.id, spec_tags(call.input, "subnet")); !s) return s.error();
  auto tags = tags_of(call.tx, sn.id);
  if (!tags) return tags.error();
  return json::object{{"Subnet", with_tags(sn, {{sn.id, *tags}})}};
}

Result<json::value> delete_subnet(Call& call) {
  auto sn = existing(call, call.str("SubnetId"), "subnet", "subnet", "InvalidSubnetID");
  if (!sn) return sn.error();
  auto instances = load_kind(call.tx, call.account(), call.ctx.region, "instance");
  if (!instances) return instances.error();
  for (auto& i : *instances)
    if (text(i.doc, "SubnetId") == sn->id && i.doc["State"].as_object()["Name"] != "terminated")
      return ec2_error("DependencyViolation", "The subnet '" + sn->id + "' has dependencies and cannot be deleted.");
  auto interfaces = load_kind(call.tx, call.account(), call.ctx.region, "network-interface");
  if (!interfaces) return interfaces.error();
  for (auto& e : *interfaces)
    if (text(e.doc, "SubnetId") == sn->id)
      return ec2_error("DependencyViolation", "The subnet '" + sn->id + "' has dependencies and cannot be deleted.");
  if (auto s = remove(call.tx, *sn); !s) return s.error();
  return json::object{};
}

Result<json::value> describe_zones(Call& call) {
  auto names = strings(call.input.if_contains("ZoneNames"));
  auto ids = strings(call.input.if_contains("ZoneIds"));
  auto fs = filters(call.input);
  json::array out;
  std::vector<std::string> seen;
  for (auto& z : zones(call.ctx.region)) {
    std::string zid = zone_id(call.ctx.region, z);
    if (!names.empty() && std::find(names.begin(), names.end(), z) == names.end()) continue;
    if (!ids.empty() && std::find(ids.begin(), ids.end(), zid) == ids.end()) continue;
    json::object doc{{"State", "available"},       {"OptInStatus", "opt-in-not-required"}, {"Messages", json::array{}},
                     {"RegionName", call.ctx.region}, {"ZoneName", z},                    {"ZoneId", zid},
                     {"GroupName", call.ctx.region},  {"NetworkBorderGroup", call.ctx.region}, {"ZoneType", "availability-zone"}};
    auto m = matches(fs, [&](const std::string& n) -> std::optional<std::vector<std::string>> {
      if (n == "zone-name") return std::vector<std::string>{z};
      if (n == "zone-id") return std::vector<std::string>{zid};
      if (n == "region-name" || n == "group-name") return std::vector<std::string>{call.ctx.region};
      if (n == "state") return std::vector<std::string>{"available"};
      if (n == "zone-type") return std::vector<std::string>{"availability-zone"};
      if (n == "opt-in-status") return std::vector<std::string>{"opt-in-not-required"};
      return std::nullopt;
    }, {});
    if (!m) return m.error();
    if (*m) out.push_back(std::move(doc)), seen.push_back(z), seen.push_back(zid);
  }
  for (auto& n : names)
    if (std::find(seen.begin(), seen.end(), n) == seen.end())
      return invalid_value("The zone '" + n + "' does not exist.");
  for (auto& n : ids)
    if (std::find(seen.begin(), seen.end(), n) == seen.end())
      return invalid_value("The zone id '" + n + "' does not exist.");
  return json::object{{"AvailabilityZones", std::move(out)}};
}

Result<json::value> describe_regions(Call& call) {
  auto names = strings(call.input.if_contains("RegionNames"));
  for (auto& n : names)
    if (std::find(region_names().begin(), region_names().end(), n) == region_names().end())
      return ec2_error("InvalidParameterValue", "Invalid region: " + n);
  auto fs = filters(call.input);
  json::array out;
  for (auto& r : region_names()) {
    if (!names.empty() && std::find(names.begin(), names.end(), r) == names.end()) continue;
    std::string endpoint = "ec2." + r + ".amazonaws.com";
    auto m = matches(fs, [&](const std::string& n) -> std::optional<std::vector<std::string>> {
      if (n == "region-name") return std::vector<std::string>{r};
      if (n == "endpoint") return std::vector<std::string>{endpoint};
      if (n == "opt-in-status") return std::vector<std::string>{"opt-in-not-required"};
      return std::nullopt;
    }, {});
    if (!m) return m.error();
    if (*m) out.push_back(json::object{{"RegionName", r}, {"Endpoint", endpoint}, {"OptInStatus", "opt-in-not-required"}});
  }
  return json::object{{"Regions", std::move(out)}};
}

}  // namespace

json::object new_vpc_doc(const std::string& account, const std::string& id, const Cidr& cidr, bool is_default,
                         const std::string& tenancy) {
  return json::object{{"VpcId", id},
                      {"OwnerId", account},
                      {"State", "available"},
                      {"CidrBlock", cidr.str()},
                      {"DhcpOptionsId", "default"},
                      {"InstanceTenancy", tenancy},
                      {"IsDefault", is_default},
                      {"CidrBlockAssociationSet",
                       json::array{json::object{{"AssociationId", new_id("vpc-cidr-assoc")},
                                                {"CidrBlock", cidr.str()},
                                                {"CidrBlockState", json::object{{"State", "associated"}}}}}},
                      {"Ipv6CidrBlockAssociationSet", json::array{}}};
}

json::object new_subnet_doc(const std::string& account, const std::string& region, const std::string& id,
                            const std::string& vpc_id, const Cidr& cidr, const std::string& zone, bool is_default) {
  return json::object{{"SubnetId", id},
                      {"SubnetArn", arn(region, account, "subnet", id)},
                      {"VpcId", vpc_id},
                      {"OwnerId", account},
                      {"State", "available"},
                      {"CidrBlock", cidr.str()},
                      {"AvailabilityZone", zone},
                      {"AvailabilityZoneId", zone_id(region, zone)},
                      // AWS reserves the first four addresses and the last one of every subnet.
                      {"AvailableIpAddressCount", static_cast<int64_t>(cidr.size()) - 5},
                      {"DefaultForAz", is_default},
                      {"MapPublicIpOnLaunch", is_default},
                      {"AssignIpv6AddressOnCreation", false},
                      {"Ipv6CidrBlockAssociationSet", json::array{}},
                      {"_NextHost", 4}};
}

void add_vpc_operations(std::vector<OperationDef>& ops) {
  auto vpc_targets = [](const char* member) {
    return [member](const RequestContext& ctx, const json::object& in, store::Tx&) { return id_targets(ctx, in, member, "vpc"); };
  };
  auto subnet_targets = [](const char* member) {
    return [member](const RequestContext& ctx, const json::object& in, store::Tx&) { return id_targets(ctx, in, member, "subnet"); };
  };
  auto create_targets = [](const char* type) {
    return [type](const RequestContext& ctx, const json::object&, store::Tx&) {
      return std::vector<Target>{{arn(ctx.region, ctx.principal->account_id, type, "*"), ""}};
    };
  };
  ops.push_back(ec2_op("DescribeVpcs", true, nullptr, [](Call& c) { return describe(c, kVpcs); }));
  ops.push_back(ec2_op("DescribeSubnets", true, nullptr, [](Call& c) { return describe(c, kSubnets); }));
  ops.push_back(ec2_op("CreateVpc", false, create_targets("vpc"), create_vpc, add_request_tags));
  ops.push_back(ec2_op("DeleteVpc", false, vpc_targets("VpcId"), delete_vpc));
  ops.push_back(ec2_op("CreateSubnet", false, [](const RequestContext& ctx, const json::object& in, store::Tx& tx) {
    auto t = id_targets(ctx, in, "VpcId", "vpc");
    t.insert(t.begin(), Target{arn(ctx.region, ctx.principal->account_id, "subnet", "*"), ""});
    return t;
  }, create_subnet, add_request_tags));
  ops.push_back(ec2_op("DeleteSubnet", false, subnet_targets("SubnetId"), delete_subnet));
  ops.push_back(ec2_op("DescribeAvailabilityZones", true, nullptr, describe_zones));
  ops.push_back(ec2_op("DescribeRegions", true, nullptr, describe_regions));
}

}  // namespace citadel::services::ec2
