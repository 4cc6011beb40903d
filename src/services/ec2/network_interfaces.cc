// Elastic network interfaces: CreateNetworkInterface, DescribeNetworkInterfaces,
// DeleteNetworkInterface, and the primary interface of each instance.
#include "services/ec2/network_interfaces.h"

#include <set>

#include "base/crypto.h"

namespace citadel::services::ec2 {

namespace {

constexpr int kReservedLow = 4;  // AWS reserves a subnet's first four addresses and its last

// A locally administered unicast MAC ("0e:..."), as EC2's interfaces have.
std::string new_mac() {
  std::string bytes = crypto::random_bytes(5);
  std::string mac = "0e";
  for (unsigned char b : bytes) mac += ":" + crypto::to_hex(&b, 1);
  return mac;
}

std::optional<uint32_t> parse_ipv4(const std::string& s) {
  auto c = parse_cidr(s + "/32");
  if (!c) return std::nullopt;
  return c->base;
}

Result<std::set<std::string>> addresses_in_use(store::Tx& tx, const Resource& subnet) {
  auto enis = load_kind(tx, subnet.account, subnet.region, "network-interface");
  if (!enis) return enis.error();
  std::set<std::string> used;
  for (auto& e : *enis)
    if (text(e.doc, "SubnetId") == subnet.id) used.insert(text(e.doc, "PrivateIpAddress"));
  return used;
}

Status give_back_address(store::Tx& tx, const Resource& eni) {
  auto subnet = load(tx, eni.account, eni.region, text(eni.doc, "SubnetId"));
  if (!subnet) return subnet.error();
  if (!*subnet) return Ok{};  // the subnet went first (it cannot while the interface exists)
  (*subnet)->doc["AvailableIpAddressCount"] = (*subnet)->doc["AvailableIpAddressCount"].to_number<int64_t>() + 1;
  return save(tx, **subnet);
}

std::string attachment_text(const Resource& eni, const char* member) {
  const auto* a = eni.doc.if_contains("Attachment");
  return a && a->is_object() ? text(a->as_object(), member) : "";
}

std::optional<std::vector<std::string>> interface_field(const Resource& r, const std::string& name) {
  const auto& d = r.doc;
  using V = std::vector<std::string>;
  auto one = [&](const char* m) { return std::optional<V>(V{text(d, m)}); };
  if (name == "network-interface-id") return V{r.id};
  if (name == "subnet-id") return one("SubnetId");
  if (name == "vpc-id") return one("VpcId");
  if (name == "availability-zone") return one("AvailabilityZone");
  if (name == "description") return one("Description");
  if (name == "mac-address") return one("MacAddress");
  if (name == "owner-id") return one("OwnerId");
  if (name == "status") return one("Status");
  if (name == "interface-type") return one("InterfaceType");
  if (name == "source-dest-check") return one("SourceDestCheck");
  if (name == "requester-managed") return one("RequesterManaged");
  if (name == "private-dns-name") return one("PrivateDnsName");
  if (name == "private-ip-address" || name == "addresses.private-ip-address") return one("PrivateIpAddress");
  if (name == "addresses.primary") return V{"true"};
  if (name == "attachment.instance-id") return V{attachment_text(r, "InstanceId")};
  if (name == "attachment.instance-owner-id") return V{attachment_text(r, "InstanceOwnerId")};
  if (name == "attachment.attachment-id") return V{attachment_text(r, "AttachmentId")};
  if (name == "attachment.status") return V{attachment_text(r, "Status")};
  if (name == "attachment.device-index") return V{attachment_text(r, "DeviceIndex")};
  if (name == "attachment.delete-on-termination") return V{attachment_text(r, "DeleteOnTermination")};
  if (name == "group-id" || name == "group-name") {
    V out;
    for (auto& g : d.at("Groups").as_array()) out.push_back(text(g.as_object(), name == "group-id" ? "GroupId" : "GroupName"));
    return out;
  }
  return std::nullopt;
}

const DescribeSpec kInterfaces{
    "network-interface", "NetworkInterfaceIds", "eni", "NetworkInterfaces", "InvalidNetworkInterfaceID.Malformed",
    [](const std::vector<std::string>& ids) { return not_found_ids("InvalidNetworkInterfaceID.NotFound", "networkInterface", ids); },
    interface_field};

// NetworkInterface names its tags TagSet (and always has it), not Tags.
json::object interface_view(const Resource& eni, const std::map<std::string, Tags>& tags) {
  json::object o = eni.doc;
  auto it = tags.find(eni.id);
  o["TagSet"] = it == tags.end() ? json::array{} : tags_json(it->second);
  return o;
}

Result<json::value> describe_network_interfaces(Call& call) {
  auto found = find(call, kInterfaces);
  if (!found) return found.error();
  json::array out;
  for (auto& r : found->resources) out.push_back(interface_view(r, found->tags));
  return json::object{{"NetworkInterfaces", std::move(out)}};
}

Result<json::value> create_network_interface(Call& call) {
  std::string subnet_id = call.str("SubnetId");
  if (!well_formed(subnet_id, "subnet")) return ec2_error("InvalidSubnetID.Malformed", "Invalid id: \"" + subnet_id + "\"");
  auto subnet = load(call.tx, call.account(), call.ctx.region, subnet_id);
  if (!subnet) return subnet.error();
  if (!*subnet || (*subnet)->kind != "subnet") return not_found_ids("InvalidSubnetID.NotFound", "subnet", {subnet_id});
  json::object groups_input;
  if (call.input.contains("Groups")) groups_input["SecurityGroupIds"] = call.input.at("Groups");
  Call narrowed{call.ctx, groups_input, call.tx, call.env, {}};
  auto groups = launch_groups(narrowed, (*subnet)->vpc_id, false);
  if (!groups) return groups.error();
  auto ip = allocate_address(call.tx, **subnet, call.str("PrivateIpAddress"));
  if (!ip) return ip.error();
  Resource eni = new_network_interface(**subnet, *ip, *groups, call.str("Description"), call.ctx.now_ms);
  if (auto s = save(call.tx, eni); !s) return s.error();
  if (auto s = save(call.tx, **subnet); !s) return s.error();
  if (auto s = put_tags(call.tx, call.account(), call.ctx.region, eni.id, spec_tags(call.input, "network-interface")); !s)
    return s.error();
  auto tags = tags_of(call.tx, eni.id);
  if (!tags) return tags.error();
  json::object out{{"NetworkInterface", interface_view(eni, {{eni.id, *tags}})}};
  if (call.has("ClientToken")) out["ClientToken"] = call.str("ClientToken");
  return out;
}

Result<json::value> delete_network_interface(Call& call) {
  auto eni = existing_interface(call.tx, call.account(), call.ctx.region, call.str("NetworkInterfaceId"));
  if (!eni) return eni.error();
  if (eni->doc.contains("Attachment"))
    return ec2_error("InvalidNetworkInterface.InUse", "The network interface '" + eni->id + "' is currently in use.");
  if (auto s = give_back_address(call.tx, *eni); !s) return s.error();
  if (auto s = remove(call.tx, *eni); !s) return s.error();
  return json::object{};
}

}  // namespace

Result<std::string> allocate_address(store::Tx& tx, Resource& subnet, const std::string& requested) {
  auto cidr = parse_cidr(text(subnet.doc, "CidrBlock"));
  if (!cidr) return invalid_value("The subnet '" + subnet.id + "' has no IPv4 CIDR block.");
  int64_t available = subnet.doc["AvailableIpAddressCount"].to_number<int64_t>();
  if (available < 1)
    return ec2_error("InsufficientFreeAddressesInSubnet",
                     "There are not enough free addresses in subnet '" + subnet.id + "' to satisfy the requested number of instances.");
  auto used = addresses_in_use(tx, subnet);
  if (!used) return used.error();
  const int64_t last = static_cast<int64_t>(cidr->size()) - 2;  // the highest usable host number
  std::string ip;
  if (!requested.empty()) {
    auto addr = parse_ipv4(requested);
    int64_t host = addr ? static_cast<int64_t>(*addr) - static_cast<int64_t>(cidr->base) : -1;
    if (!addr || host < kReservedLow || host > last)
      return invalid_value("Address " + requested + " does not fall within the subnet's address range");
    if (used->count(requested)) return ec2_error("InvalidIPAddress.InUse", "The specified address is already in use.");
    ip = requested;
  } else {
    // The next host after the last one handed out, wrapping round to the reserved ones' end.
    int64_t next = subnet.doc["_NextHost"].to_number<int64_t>();
    for (int64_t i = 0, span = last - kReservedLow + 1; i < span && ip.empty(); ++i) {
      int64_t host = kReservedLow + (next - kReservedLow + i) % span;
      std::string candidate = ipv4(cidr->base + static_cast<uint32_t>(host));
      if (!used->count(candidate)) {
        ip = candidate;
        subnet.doc["_NextHost"] = host + 1;
      }
    }
    if (ip.empty())
      return ec2_error("InsufficientFreeAddressesInSubnet", "There are not enough free addresses in subnet '" + subnet.id + "'.");
  }
  subnet.doc["AvailableIpAddressCount"] = available - 1;
  return ip;
}

std::string private_dns_name(const std::string& ip, const std::string& region) {
  std::string dashed = ip;
  std::replace(dashed.begin(), dashed.end(), '.', '-');
  return "ip-" + dashed + (region == "us-east-1" ? ".ec2.internal" : "." + region + ".compute.internal");
}

Resource new_network_interface(const Resource& subnet, const std::string& ip, const json::array& groups,
                               const std::string& description, int64_t now_ms) {
  Resource eni{new_id("eni"), subnet.account, subnet.region, "network-interface", subnet.vpc_id, "", now_ms, {}};
  std::string dns = private_dns_name(ip, subnet.region);
  eni.doc = json::object{{"NetworkInterfaceId", eni.id},
                         {"AvailabilityZone", text(subnet.doc, "AvailabilityZone")},
                         {"AvailabilityZoneId", text(subnet.doc, "AvailabilityZoneId")},
                         {"Description", description},
                         {"Groups", groups},
                         {"InterfaceType", "interface"},
                         {"Ipv6Addresses", json::array{}},
                         {"MacAddress", new_mac()},
                         {"OwnerId", subnet.account},
                         {"PrivateDnsName", dns},
                         {"PrivateIpAddress", ip},
                         {"PrivateIpAddresses", json::array{json::object{{"Primary", true}, {"PrivateDnsName", dns}, {"PrivateIpAddress", ip}}}},
                         {"RequesterManaged", false},
                         {"SourceDestCheck", true},
                         {"Status", "available"},
                         {"SubnetId", subnet.id},
                         {"VpcId", subnet.vpc_id}};
  return eni;
}

void attach_primary(Resource& eni, const std::string& instance_id, int64_t now_ms) {
  eni.doc["Attachment"] = json::object{{"AttachTime", now_ms},         {"AttachmentId", new_id("eni-attach")},
                                       {"DeleteOnTermination", true}, {"DeviceIndex", 0},
                                       {"NetworkCardIndex", 0},       {"InstanceId", instance_id},
                                       {"InstanceOwnerId", eni.account}, {"Status", "attached"}};
  eni.doc["Status"] = "in-use";
}

json::object instance_interface_view(const Resource& eni) {
  // InstanceNetworkInterface has the interface's members but its attachment without the owner.
  json::object o = eni.doc;
  if (auto* a = o.if_contains("Attachment"); a && a->is_object()) a->as_object().erase("InstanceOwnerId");
  return o;
}

Result<std::map<std::string, json::array>> instance_interfaces(store::Tx& tx, const std::string& account,
                                                               const std::string& region) {
  auto enis = load_kind(tx, account, region, "network-interface");
  if (!enis) return enis.error();
  std::map<std::string, json::array> out;
  for (auto& e : *enis) {
    std::string instance = attachment_text(e, "InstanceId");
    if (!instance.empty()) out[instance].push_back(instance_interface_view(e));
  }
  return out;
}

Status delete_instance_interfaces(store::Tx& tx, const std::string& account, const std::string& region,
                                  const std::string& instance_id) {
  auto enis = load_kind(tx, account, region, "network-interface");
  if (!enis) return enis.error();
  for (auto& e : *enis) {
    if (attachment_text(e, "InstanceId") != instance_id || attachment_text(e, "DeleteOnTermination") != "true") continue;
    if (auto s = give_back_address(tx, e); !s) return s;
    if (auto s = remove(tx, e); !s) return s;
  }
  return Ok{};
}

Status set_instance_interface_groups(store::Tx& tx, const std::string& account, const std::string& region,
                                     const std::string& instance_id, const json::array& groups) {
  auto enis = load_kind(tx, account, region, "network-interface");
  if (!enis) return enis.error();
  for (auto& e : *enis) {
    if (attachment_text(e, "InstanceId") != instance_id) continue;
    e.doc["Groups"] = groups;
    if (auto s = save(tx, e); !s) return s;
  }
  return Ok{};
}

Result<Resource> existing_interface(store::Tx& tx, const std::string& account, const std::string& region,
                                    const std::string& id) {
  if (!well_formed(id, "eni")) return ec2_error("InvalidNetworkInterfaceID.Malformed", "Invalid id: \"" + id + "\" (expecting \"eni-...\")");
  auto r = load(tx, account, region, id);
  if (!r) return r.error();
  if (!*r || (*r)->kind != "network-interface") return not_found_ids("InvalidNetworkInterfaceID.NotFound", "networkInterface", {id});
  return std::move(**r);
}

void add_network_interface_operations(std::vector<OperationDef>& ops) {
  // CreateNetworkInterface is decided on the new interface, its subnet and each security group.
  auto create_targets = [](const RequestContext& ctx, const json::object& in, store::Tx&) {
    std::vector<Target> t{{arn(ctx.region, ctx.principal->account_id, "network-interface", "*"), ""}};
    for (auto& s : id_targets(ctx, in, "SubnetId", "subnet")) t.push_back(s);
    for (auto& g : id_targets(ctx, in, "Groups", "security-group")) t.push_back(g);
    return t;
  };
  auto interface_targets = [](const RequestContext& ctx, const json::object& in, store::Tx&) {
    return id_targets(ctx, in, "NetworkInterfaceId", "network-interface");
  };
  ops.push_back(ec2_op("CreateNetworkInterface", false, create_targets, create_network_interface, add_request_tags));
  ops.push_back(ec2_op("DescribeNetworkInterfaces", true, nullptr, describe_network_interfaces));
  ops.push_back(ec2_op("DeleteNetworkInterface", false, interface_targets, delete_network_interface));
}

}  // namespace citadel::services::ec2
