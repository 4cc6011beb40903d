// Instances as managed records. State model: a call that starts a transition answers with the
// transitional state (pending, stopping, shutting-down) and stores the settled one (running,
// stopped, terminated), so every later read sees the transition complete. Terminated instances
// stay visible for an hour.
#include <cctype>

#include "base/time.h"
#include "services/ec2/ec2_common.h"
#include "services/ec2/instance_actions.h"
#include "services/ec2/network_interfaces.h"

namespace citadel::services::ec2 {

namespace {

constexpr int64_t kTerminatedVisibleMs = 3600 * 1000;
constexpr int64_t kMaxInstances = 100;  // per account and region, not terminated

struct InstanceType {
  const char* name;
  const char* arch;
  int cores, threads;
};
constexpr InstanceType kTypes[] = {
    {"m1.small", "x86_64", 1, 1},   {"t2.nano", "x86_64", 1, 1},    {"t2.micro", "x86_64", 1, 1},   {"t2.small", "x86_64", 1, 1},
    {"t2.medium", "x86_64", 2, 1},  {"t2.large", "x86_64", 2, 1},   {"t3.nano", "x86_64", 1, 2},    {"t3.micro", "x86_64", 1, 2},
    {"t3.small", "x86_64", 1, 2},   {"t3.medium", "x86_64", 1, 2},  {"t3.large", "x86_64", 1, 2},   {"t3.xlarge", "x86_64", 2, 2},
    {"t3a.micro", "x86_64", 1, 2},  {"t3a.small", "x86_64", 1, 2},  {"t3a.medium", "x86_64", 1, 2}, {"t3a.large", "x86_64", 1, 2},
    {"t4g.nano", "arm64", 2, 1},    {"t4g.micro", "arm64", 2, 1},   {"t4g.small", "arm64", 2, 1},   {"t4g.medium", "arm64", 2, 1},
    {"t4g.large", "arm64", 2, 1},   {"m5.large", "x86_64", 1, 2},   {"m5.xlarge", "x86_64", 2, 2},  {"m5.2xlarge", "x86_64", 4, 2},
    {"m5.4xlarge", "x86_64", 8, 2}, {"m6i.large", "x86_64", 1, 2},  {"m6i.xlarge", "x86_64", 2, 2}, {"m6g.medium", "arm64", 1, 1},
    {"m6g.large", "arm64", 2, 1},   {"m7g.medium", "arm64", 1, 1},  {"m7g.large", "arm64", 2, 1},   {"c5.large", "x86_64", 1, 2},
    {"c5.xlarge", "x86_64", 2, 2},  {"c6i.large", "x86_64", 1, 2},  {"c6g.large", "arm64", 2, 1},   {"c7g.large", "arm64", 2, 1},
    {"r5.large", "x86_64", 1, 2},   {"r5.xlarge", "x86_64", 2, 2},  {"r6g.large", "arm64", 2, 1},
};

// A type of the table, or any other the model's enum lets through (the codec checks it): its
// architecture read from the family (a1 and families with a "g" after the generation are Graviton).
const InstanceType* instance_type(const std::string& name) {
  for (const auto& t : kTypes)
    if (name == t.name) return &t;
  static thread_local std::string other;
  static thread_local InstanceType inferred;
  size_t dot = name.find('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == name.size()) return nullptr;
  std::string family = name.substr(0, dot);
  bool arm = family == "a1";
  for (size_t i = 1; i < family.size(); ++i)
    if (std::isdigit(static_cast<unsigned char>(family[i - 1])) && family[i] == 'g') arm = true;
  other = name;
  inferred = InstanceType{other.c_str(), arm ? "arm64" : "x86_64", 1, arm ? 1 : 2};
  return &inferred;
}

int state_code(const std::string& s) {
  if (s == "pending") return 0;
  if (s == "running") return 16;
  if (s == "shutting-down") return 32;
  if (s == "terminated") return 48;
  if (s == "stopping") return 64;
  return 80;  // stopped
}
json::object state(const std::string& s) { return json::object{{"Code", state_code(s)}, {"Name", s}}; }
std::string state_name(const Resource& i) { return text(i.doc.at("State").as_object(), "Name"); }

std::string gmt(int64_t ms) {
  std::string iso = timeutil::iso8601(ms);  // 2024-01-02T03:04:05Z
  return iso.substr(0, 10) + " " + iso.substr(11, 8) + " GMT";
}

// Stores the settled state of a transition started by the user.
void settle(Resource& i, const std::string& s, int64_t now_ms) {
  i.doc["State"] = state(s);
  i.doc["_StateMs"] = now_ms;
  if (s == "running") {
    i.doc["StateTransitionReason"] = "";
    i.doc.erase("StateReason");
  } else {
    i.doc["StateTransitionReason"] = "User initiated (" + gmt(now_ms) + ")";
    i.doc["StateReason"] = json::object{{"Code", "Client.UserInitiatedShutdown"}, {"Message", "Client.UserInitiatedShutdown: User initiated shutdown"}};
  }
}

bool visible(const Resource& i, int64_t now_ms) {
  if (state_name(i) != "terminated") return true;
  const auto* at = i.doc.if_contains("_StateMs");
  return !at || !at->is_int64() || now_ms - at->as_int64() < kTerminatedVisibleMs;
}

std::optional<std::vector<std::string>> instance_field(const Resource& i, const std::string& name) {
  const auto& d = i.doc;
  auto one = [](std::string v) { return std::optional<std::vector<std::string>>(std::vector<std::string>{std::move(v)}); };
  if (name == "instance-id") return one(i.id);
  if (name == "instance-state-name") return one(state_name(i));
  if (name == "instance-state-code") return one(std::to_string(state_code(state_name(i))));
  if (name == "instance-type") return one(text(d, "InstanceType"));
  if (name == "vpc-id") return one(text(d, "VpcId"));
  if (name == "subnet-id") return one(text(d, "SubnetId"));
  if (name == "image-id") return one(text(d, "ImageId"));
  if (name == "key-name") return one(text(d, "KeyName"));
  if (name == "architecture") return one(text(d, "Architecture"));
  if (name == "private-ip-address") return one(text(d, "PrivateIpAddress"));
  if (name == "private-dns-name") return one(text(d, "PrivateDnsName"));
  if (name == "reservation-id") return one(text(d, "_ReservationId"));
  if (name == "owner-id") return one(i.account);
  if (name == "availability-zone") return one(text(d.at("Placement").as_object(), "AvailabilityZone"));
  if (name == "iam-instance-profile.arn")
    return one(d.contains("IamInstanceProfile") ? text(d.at("IamInstanceProfile").as_object(), "Arn") : "");
  if (name == "instance.group-id" || name == "group-id" || name == "instance.group-name" || name == "group-name") {
    std::vector<std::string> out;
    bool ids = name.find("group-id") != std::string::npos;
    for (auto& g : d.at("SecurityGroups").as_array()) out.push_back(text(g.as_object(), ids ? "GroupId" : "GroupName"));
    return out;
  }
  return std::nullopt;
}

DescribeSpec instances_spec(int64_t now_ms) {
  return DescribeSpec{"instance", "InstanceIds", "i", "Reservations", "InvalidInstanceID.Malformed",
                      [](const std::vector<std::string>& ids) { return not_found_ids("InvalidInstanceID.NotFound", "instance", ids); },
                      instance_field, [now_ms](const Resource& i) { return visible(i, now_ms); }};
}

// The instances InstanceIds names, each visible one, in the order named.
Result<std::vector<Resource>> named_instances(Call& call) {
  auto spec = instances_spec(call.ctx.now_ms);
  json::object only_ids{{"InstanceIds", call.input.contains("InstanceIds") ? call.input.at("InstanceIds") : json::array{}}};
  Call narrowed{call.ctx, only_ids, call.tx, call.env, {}};
  auto found = find(narrowed, spec);
  if (!found) return found.error();
  return std::move(found->resources);
}

Result<Resource> one_instance(Call& call, const std::string& id) {
  json::object only{{"InstanceIds", json::array{json::value(id)}}};
  Call narrowed{call.ctx, only, call.tx, call.env, {}};
  auto found = find(narrowed, instances_spec(call.ctx.now_ms));
  if (!found) return found.error();
  if (found->resources.empty()) return not_found_ids("InvalidInstanceID.NotFound", "instance", {id});
  return std::move(found->resources.front());
}

// The instance with its tags and its network interfaces (kept as interface resources).
json::object instance_view(const Resource& i, const std::map<std::string, Tags>& tags,
                           const std::map<std::string, json::array>& interfaces) {
  json::object o = with_tags(i, tags);
  auto it = interfaces.find(i.id);
  o["NetworkInterfaces"] = it == interfaces.end() ? json::array{} : it->second;
  return o;
}

json::object reservation(const std::string& id, const std::string& owner, json::array instances) {
  return json::object{{"ReservationId", id}, {"OwnerId", owner}, {"Groups", json::array{}}, {"Instances", std::move(instances)}};
}

Result<json::value> describe_instances(Call& call) {
  auto found = find(call, instances_spec(call.ctx.now_ms));
  if (!found) return found.error();
  auto interfaces = instance_interfaces(call.tx, call.account(), call.ctx.region);
  if (!interfaces) return interfaces.error();
  json::array reservations;
  std::map<std::string, size_t> index;
  for (auto& i : found->resources) {
    std::string rid = text(i.doc, "_ReservationId");
    auto it = index.find(rid);
    if (it == index.end()) {
      index[rid] = reservations.size();
      reservations.push_back(reservation(rid, i.account, {}));
      it = index.find(rid);
    }
    reservations[it->second].as_object()["Instances"].as_array().push_back(instance_view(i, found->tags, *interfaces));
  }
  return json::object{{"Reservations", std::move(reservations)}};
}

Result<Resource> launch_subnet(Call& call, bool& default_vpc) {
  std::string id = call.str("SubnetId");
  auto dv = default_vpc_id(call.tx, call.account(), call.ctx.region);
  if (!dv) return dv.error();
  if (!id.empty()) {
    if (!well_formed(id, "subnet")) return ec2_error("InvalidSubnetID.Malformed", "Invalid id: \"" + id + "\"");
    auto s = load(call.tx, call.account(), call.ctx.region, id);
    if (!s) return s.error();
    if (!*s) return not_found_ids("InvalidSubnetID.NotFound", "subnet", {id});
    default_vpc = (*s)->vpc_id == *dv;
    return std::move(**s);
  }
  std::string zone;
  if (const auto* p = call.input.if_contains("Placement"); p && p->is_object()) zone = text(p->as_object(), "AvailabilityZone");
  auto subnets = load_kind(call.tx, call.account(), call.ctx.region, "subnet");
  if (!subnets) return subnets.error();
  for (auto& s : *subnets)
    if (s.vpc_id == *dv && s.doc["DefaultForAz"] == true && (zone.empty() || text(s.doc, "AvailabilityZone") == zone)) {
      default_vpc = true;
      return s;
    }
  if (!zone.empty()) return invalid_value("Invalid availability zone: [" + zone + "]");
  return ec2_error("VPCIdNotSpecified", "No default VPC for this user. GroupName is only supported for EC2-Classic and default VPC.");
}

// The instance profile RunInstances names (by ARN or name), as {Arn, Id}.
Result<json::object> launch_profile(Call& call) {
  const auto* p = call.input.if_contains("IamInstanceProfile");
  if (!p || !p->is_object()) return json::object{};
  std::string by_arn = text(p->as_object(), "Arn"), name = text(p->as_object(), "Name");
  if (by_arn.empty() && name.empty()) return json::object{};
  auto rows = by_arn.empty()
                  ? call.tx.query("SELECT arn, instance_profile_id FROM iam_instance_profiles WHERE account_id = ? AND name_lc = lower(?)", {call.account(), name})
                  : call.tx.query("SELECT arn, instance_profile_id FROM iam_instance_profiles WHERE account_id = ? AND arn = ?", {call.account(), by_arn});
  if (!rows) return rows.error();
  if (rows->empty())
    return by_arn.empty() ? invalid_value("Value (" + name + ") for parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name")
                          : invalid_value("Value (" + by_arn + ") for parameter iamInstanceProfile.arn is invalid. Invalid IAM Instance Profile ARN");
  return json::object{{"Arn", rows->front().str(0)}, {"Id", rows->front().str(1)}};
}

Result<json::value> run_instances(Call& call) {
  std::string image_id = call.str("ImageId");
  if (image_id.empty()) return ec2_error("MissingParameter", "The request must contain the parameter ImageId");
  if (!well_formed(image_id, "ami")) return ec2_error("InvalidAMIID.Malformed", "Invalid id: \"" + image_id + "\" (expecting \"ami-...\")");
  auto image = catalog_image(image_id);
  if (!image) return ec2_error("InvalidAMIID.NotFound", "The image id '[" + image_id + "]' does not exist");
  std::string type_name = call.has("InstanceType") ? call.str("InstanceType") : "m1.small";
  const InstanceType* type = instance_type(type_name);
  if (!type) return invalid_value("Invalid value '" + type_name + "' for InstanceType.");
  std::string arch = text(*image, "Architecture");
  if (arch != type->arch)
    return invalid_value("The architecture '" + std::string(type->arch) + "' of the specified instance type does not match the architecture '" +
                         arch + "' of the specified AMI. Specify an instance type and an AMI that have matching architectures, and try again.");
  int64_t min = call.input.at("MinCount").to_number<int64_t>(), max = call.input.at("MaxCount").to_number<int64_t>();
  if (min < 1) return invalid_value("Value (" + std::to_string(min) + ") for parameter minCount is invalid. Expected a positive integer.");
  if (max < min) return invalid_value("Value (" + std::to_string(max) + ") for parameter maxCount is invalid. Expected a value greater than or equal to minCount.");
  auto all = load_kind(call.tx, call.account(), call.ctx.region, "instance");
  if (!all) return all.error();
  int64_t live = 0;
  for (auto& i : *all) {
    if (state_name(i) != "terminated") ++live;
    else if (!visible(i, call.ctx.now_ms))
      if (auto s = remove(call.tx, i); !s) return s.error();
  }
  if (live + min > kMaxInstances)
    return ec2_error("InstanceLimitExceeded", "You have requested more instances (" + std::to_string(min) +
                                                  ") than your current instance limit of " + std::to_string(kMaxInstances - live) +
                                                  " allows for the specified instance type.");
  int64_t count = std::min(max, kMaxInstances - live);
  bool default_vpc = false;
  auto subnet = launch_subnet(call, default_vpc);
  if (!subnet) return subnet.error();
  auto groups = launch_groups(call, subnet->vpc_id, default_vpc);
  if (!groups) return groups.error();
  std::string key_name = call.str("KeyName");
  if (!key_name.empty()) {
    auto rows = call.tx.query("SELECT 1 FROM ec2_resources WHERE account_id = ? AND region = ? AND kind = 'key-pair' AND name = ?",
                              {call.account(), call.ctx.region, key_name});
    if (!rows) return rows.error();
    if (rows->empty()) return ec2_error("InvalidKeyPair.NotFound", "The key pair '" + key_name + "' does not exist");
  }
  auto profile = launch_profile(call);
  if (!profile) return profile.error();
  int64_t available = subnet->doc["AvailableIpAddressCount"].to_number<int64_t>();
  if (available < count)
    return ec2_error("InsufficientFreeAddressesInSubnet", "There are not enough free addresses in subnet '" + subnet->id + "' to satisfy the requested number of instances.");

  std::string reservation_id = new_id("r");
  std::string zone = text(subnet->doc, "AvailabilityZone");
  const json::object& root_mapping = (*image)["BlockDeviceMappings"].as_array().front().as_object();
  std::string root_device = text(*image, "RootDeviceName");
  json::array instance_tags = spec_tags(call.input, "instance"), volume_tags = spec_tags(call.input, "volume");
  json::array launched;
  for (int64_t n = 0; n < count; ++n) {
    auto ip = allocate_address(call.tx, *subnet, "");
    if (!ip) return ip.error();
    std::string dns = private_dns_name(*ip, call.ctx.region);

    Resource inst{new_id("i"), call.account(), call.ctx.region, "instance", subnet->vpc_id, "", call.ctx.now_ms + n, {}};
    Resource vol{new_id("vol"), call.account(), call.ctx.region, "volume", "", "", call.ctx.now_ms + n, {}};
    const auto& ebs = root_mapping.at("Ebs").as_object();
    std::string vtype = text(ebs, "VolumeType");
    int64_t size = ebs.at("VolumeSize").to_number<int64_t>();
    json::object attachment{{"AttachTime", call.ctx.now_ms}, {"Device", root_device}, {"InstanceId", inst.id},
                            {"State", "attached"},           {"VolumeId", vol.id},    {"DeleteOnTermination", true}};
    vol.doc = json::object{{"VolumeId", vol.id},          {"Size", size},          {"SnapshotId", ebs.at("SnapshotId")},
                           {"AvailabilityZone", zone},    {"State", "in-use"},     {"CreateTime", call.ctx.now_ms},
                           {"Attachments", json::array{attachment}},             {"VolumeType", vtype},
                           {"Iops", vtype == "gp3" ? 3000 : std::max<int64_t>(100, 3 * size)}, {"Encrypted", false},
                           {"MultiAttachEnabled", false}};
    if (vtype == "gp3") vol.doc["Throughput"] = 125;

    json::object d{{"InstanceId", inst.id},
                   {"ImageId", image_id},
                   {"State", state("running")},
                   {"PrivateDnsName", dns},
                   {"PublicDnsName", ""},
                   {"StateTransitionReason", ""},
                   {"AmiLaunchIndex", n},
                   {"ProductCodes", json::array{}},
                   {"InstanceType", type_name},
                   {"LaunchTime", call.ctx.now_ms},
                   {"Placement", json::object{{"AvailabilityZone", zone}, {"GroupName", ""}, {"Tenancy", "default"}}},
                   {"Monitoring", json::object{{"State", "disabled"}}},
                   {"SubnetId", subnet->id},
                   {"VpcId", subnet->vpc_id},
                   {"PrivateIpAddress", *ip},
                   {"Architecture", arch},
                   {"RootDeviceName", root_device},
                   {"RootDeviceType", "ebs"},
                   {"BlockDeviceMappings", json::array{json::object{
                        {"DeviceName", root_device},
                        {"Ebs", json::object{{"AttachTime", call.ctx.now_ms}, {"DeleteOnTermination", true}, {"Status", "attached"}, {"VolumeId", vol.id}}}}}},
                   {"ClientToken", call.str("ClientToken")},
                   {"EbsOptimized", false},
                   {"EnaSupport", true},
                   {"Hypervisor", "xen"},
                   {"SecurityGroups", *groups},
                   {"SourceDestCheck", true},
                   {"VirtualizationType", "hvm"},
                   {"CpuOptions", json::object{{"CoreCount", type->cores}, {"ThreadsPerCore", type->threads}}},
                   {"PlatformDetails", "Linux/UNIX"},
                   {"UsageOperation", "RunInstances"},
                   {"UsageOperationUpdateTime", call.ctx.now_ms},
                   {"MetadataOptions", json::object{{"State", "applied"}, {"HttpTokens", "required"}, {"HttpPutResponseHopLimit", 2}, {"HttpEndpoint", "enabled"}}},
                   {"_ReservationId", reservation_id},
                   {"_UserData", call.str("UserData")},
                   {"_StateMs", call.ctx.now_ms},
                   {"_DisableApiTermination", call.input.contains("DisableApiTermination") && call.input.at("DisableApiTermination") == true}};
    if (!key_name.empty()) d["KeyName"] = key_name;
    if (!profile->empty()) d["IamInstanceProfile"] = *profile;
    inst.doc = std::move(d);
    if (auto s = save(call.tx, inst); !s) return s.error();
    if (auto s = save(call.tx, vol); !s) return s.error();
    Resource eni = new_network_interface(*subnet, *ip, *groups, "", call.ctx.now_ms);
    attach_primary(eni, inst.id, call.ctx.now_ms);
    if (auto s = save(call.tx, eni); !s) return s.error();
    if (auto s = put_tags(call.tx, call.account(), call.ctx.region, inst.id, instance_tags); !s) return s.error();
    if (auto s = put_tags(call.tx, call.account(), call.ctx.region, vol.id, volume_tags); !s) return s.error();
    json::object shown = inst.doc;
    shown["State"] = state("pending");
    shown["NetworkInterfaces"] = json::array{instance_interface_view(eni)};
    if (!instance_tags.empty()) shown["Tags"] = instance_tags;
    launched.push_back(std::move(shown));
  }
  if (auto s = save(call.tx, *subnet); !s) return s.error();
  return reservation(reservation_id, call.account(), std::move(launched));
}

// Start, stop and terminate: one InstanceStateChange per instance.
using Transition = std::function<Result<std::string>(Resource&, Call&)>;  // the transitional state shown
Result<json::value> change_states(Call& call, const char* out_member, const Transition& transition) {
  auto instances = named_instances(call);
  if (!instances) return instances.error();
  json::array out;
  for (auto& i : *instances) {
    std::string before = state_name(i);
    auto shown = transition(i, call);
    if (!shown) return shown.error();
    if (auto s = save(call.tx, i); !s) return s.error();
    out.push_back(json::object{{"InstanceId", i.id}, {"CurrentState", state(*shown)}, {"PreviousState", state(before)}});
  }
  return json::object{{out_member, std::move(out)}};
}

AwsError incorrect_state(const Resource& i, const std::string& verb) {
  return ec2_error("IncorrectInstanceState", "The instance '" + i.id + "' is not in a state from which it can be " + verb + ".");
}

Result<json::value> start_instances(Call& call) {
  return change_states(call, "StartingInstances", [](Resource& i, Call& c) -> Result<std::string> {
    std::string s = state_name(i);
    if (s == "running") return s;
    if (s != "stopped") return incorrect_state(i, "started");
    settle(i, "running", c.ctx.now_ms);
    return std::string("pending");
  });
}

// Terminates one instance: volumes attached with DeleteOnTermination go with it, the others become
// available. Returns the transitional state shown.
Result<std::string> terminate_one(Resource& i, store::Tx& tx, int64_t now_ms) {
  std::string s = state_name(i);
  if (s == "terminated") return s;
  if (i.doc["_DisableApiTermination"] == true)
    return ec2_error("OperationNotPermitted", "The instance '" + i.id + "' may not be terminated. Modify its 'disableApiTermination' instance attribute and try again.");
  auto volumes = load_kind(tx, i.account, i.region, "volume");
  if (!volumes) return volumes.error();
  for (auto& v : *volumes) {
    auto& atts = v.doc["Attachments"].as_array();
    if (atts.empty() || text(atts.front().as_object(), "InstanceId") != i.id) continue;
    if (atts.front().as_object()["DeleteOnTermination"] == true) {
      if (auto st = remove(tx, v); !st) return st.error();
      continue;
    }
    atts.clear();
    v.doc["State"] = "available";
    if (auto st = save(tx, v); !st) return st.error();
  }
  if (auto st = delete_instance_interfaces(tx, i.account, i.region, i.id); !st) return st.error();
  i.doc["BlockDeviceMappings"] = json::array{};
  settle(i, "terminated", now_ms);
  return std::string("shutting-down");
}

Result<std::string> stop_one(Resource& i, int64_t now_ms) {
  std::string s = state_name(i);
  if (s == "stopped") return s;
  if (s != "running") return incorrect_state(i, "stopped");
  settle(i, "stopped", now_ms);
  return std::string("stopping");
}

Result<json::value> stop_instances(Call& call) {
  return change_states(call, "StoppingInstances", [](Resource& i, Call& c) { return stop_one(i, c.ctx.now_ms); });
}

Result<json::value> terminate_instances(Call& call) {
  return change_states(call, "TerminatingInstances",
                       [](Resource& i, Call& c) { return terminate_one(i, c.tx, c.ctx.now_ms); });
}

Result<json::value> reboot_instances(Call& call) {
  auto instances = named_instances(call);
  if (!instances) return instances.error();
  for (auto& i : *instances)
    if (state_name(i) != "running") return incorrect_state(i, "rebooted");
  return json::object{};
}

json::object status_of(const std::string& s) {
  return json::object{{"Status", s}, {"Details", s == "ok" ? json::array{json::object{{"Name", "reachability"}, {"Status", "passed"}}} : json::array{}}};
}

Result<json::value> describe_instance_status(Call& call) {
  auto spec = instances_spec(call.ctx.now_ms);
  bool all = call.input.contains("IncludeAllInstances") && call.input.at("IncludeAllInstances") == true;
  json::object narrowed_input;
  if (call.input.contains("InstanceIds")) narrowed_input["InstanceIds"] = call.input.at("InstanceIds");
  Call narrowed{call.ctx, narrowed_input, call.tx, call.env, {}};
  auto found = find(narrowed, spec);
  if (!found) return found.error();
  auto fs = filters(call.input);
  json::array out;
  for (auto& i : found->resources) {
    std::string s = state_name(i);
    if (!all && s != "running") continue;
    std::string health = s == "running" ? "ok" : "not-applicable";
    std::string zone = text(i.doc.at("Placement").as_object(), "AvailabilityZone");
    auto m = matches(fs, [&](const std::string& n) -> std::optional<std::vector<std::string>> {
      if (n == "instance-state-name") return std::vector<std::string>{s};
      if (n == "instance-state-code") return std::vector<std::string>{std::to_string(state_code(s))};
      if (n == "availability-zone") return std::vector<std::string>{zone};
      if (n == "instance-status.status" || n == "system-status.status") return std::vector<std::string>{health};
      return std::nullopt;
    }, {});
    if (!m) return m.error();
    if (!*m) continue;
    out.push_back(json::object{{"InstanceId", i.id},         {"AvailabilityZone", zone},       {"InstanceState", state(s)},
                               {"InstanceStatus", status_of(health)}, {"SystemStatus", status_of(health)}, {"Events", json::array{}}});
  }
  return json::object{{"InstanceStatuses", std::move(out)}};
}

const json::value* attribute_value(const json::object& in, const char* member) {
  const auto* v = in.if_contains(member);
  if (!v || !v->is_object()) return nullptr;
  return v->as_object().if_contains("Value");
}

Result<json::value> modify_instance_attribute(Call& call) {
  auto found = one_instance(call, call.str("InstanceId"));
  if (!found) return found.error();
  Resource& i = *found;
  std::string s = state_name(i);
  if (s == "terminated") return incorrect_state(i, "modified");
  json::object in = call.input;
  // The older form: Attribute + Value.
  std::string attribute = call.str("Attribute");
  if (!attribute.empty()) {
    static const std::pair<const char*, const char*> forms[] = {
        {"instanceType", "InstanceType"}, {"userData", "UserData"}, {"disableApiTermination", "DisableApiTermination"},
        {"sourceDestCheck", "SourceDestCheck"}, {"ebsOptimized", "EbsOptimized"}};
    bool known = false;
    for (auto& [a, member] : forms)
      if (attribute == a) {
        known = true;
        std::string v = call.str("Value");
        in[member] = json::object{{"Value", std::string_view(member) == "InstanceType" || std::string_view(member) == "UserData" ? json::value(v) : json::value(v == "true")}};
      }
    if (!known) return AwsError::not_implemented("ModifyInstanceAttribute of " + attribute);
  }
  auto must_be_stopped = [&]() -> Status {
    if (s != "stopped") return ec2_error("IncorrectInstanceState", "The instance '" + i.id + "' is not in the 'stopped' state.");
    return Ok{};
  };
  if (const auto* v = attribute_value(in, "InstanceType")) {
    if (auto st = must_be_stopped(); !st) return st.error();
    std::string name = v->is_string() ? std::string(v->as_string()) : "";
    const InstanceType* t = instance_type(name);
    if (!t) return invalid_value("Invalid value '" + name + "' for InstanceType.");
    if (t->arch != text(i.doc, "Architecture"))
      return invalid_value("The instance type '" + name + "' does not support the architecture '" + text(i.doc, "Architecture") + "'.");
    i.doc["InstanceType"] = name;
    i.doc["CpuOptions"] = json::object{{"CoreCount", t->cores}, {"ThreadsPerCore", t->threads}};
  }
  if (const auto* v = attribute_value(in, "UserData")) {
    if (auto st = must_be_stopped(); !st) return st.error();
    i.doc["_UserData"] = v->is_string() ? v->as_string() : "";
  }
  if (const auto* v = attribute_value(in, "DisableApiTermination")) i.doc["_DisableApiTermination"] = *v == true;
  if (const auto* v = attribute_value(in, "SourceDestCheck")) i.doc["SourceDestCheck"] = *v == true;
  if (const auto* v = attribute_value(in, "EbsOptimized")) i.doc["EbsOptimized"] = *v == true;
  if (in.contains("Groups")) {
    auto ids = strings(in.if_contains("Groups"));
    if (ids.empty()) return ec2_error("MissingParameter", "The request must contain at least one security group.");
    json::object groups_input{{"SecurityGroupIds", in.at("Groups")}};
    Call narrowed{call.ctx, groups_input, call.tx, call.env, {}};
    auto groups = launch_groups(narrowed, i.vpc_id, false);
    if (!groups) return groups.error();
    if (auto st = set_instance_interface_groups(call.tx, i.account, i.region, i.id, *groups); !st) return st.error();
    i.doc["SecurityGroups"] = std::move(*groups);
  }
  if (auto st = save(call.tx, i); !st) return st.error();
  return json::object{};
}

Result<json::value> describe_instance_attribute(Call& call) {
  auto found = one_instance(call, call.str("InstanceId"));
  if (!found) return found.error();
  const auto& d = found->doc;
  std::string a = call.str("Attribute");
  json::object out{{"InstanceId", found->id}};
  auto value = [](json::value v) { return json::object{{"Value", std::move(v)}}; };
  if (a == "instanceType") out["InstanceType"] = value(d.at("InstanceType"));
  else if (a == "userData") out["UserData"] = text(d, "_UserData").empty() ? json::object{} : value(d.at("_UserData"));
  else if (a == "disableApiTermination") out["DisableApiTermination"] = value(d.at("_DisableApiTermination"));
  else if (a == "groupSet") out["Groups"] = d.at("SecurityGroups");
  else if (a == "rootDeviceName") out["RootDeviceName"] = value(d.at("RootDeviceName"));
  else if (a == "blockDeviceMapping") out["BlockDeviceMappings"] = d.at("BlockDeviceMappings");
  else if (a == "sourceDestCheck") out["SourceDestCheck"] = value(d.at("SourceDestCheck"));
  else if (a == "ebsOptimized") out["EbsOptimized"] = value(d.at("EbsOptimized"));
  else if (a == "instanceInitiatedShutdownBehavior") out["InstanceInitiatedShutdownBehavior"] = value("stop");
  else if (a == "productCodes") out["ProductCodes"] = json::array{};
  else if (a == "enaSupport") out["EnaSupport"] = value(true);
  else if (a == "disableApiStop") out["DisableApiStop"] = value(false);
  else return AwsError::not_implemented("DescribeInstanceAttribute of " + a);
  return out;
}

std::vector<Target> instance_targets(const RequestContext& ctx, const json::object& in, store::Tx&) {
  return id_targets(ctx, in, in.contains("InstanceIds") ? "InstanceIds" : "InstanceId", "instance");
}

// RunInstances is decided on every resource it uses, each with the keys EC2 gives that type.
std::vector<Target> run_targets(const RequestContext& ctx, const json::object& in, store::Tx& tx) {
  const std::string& account = ctx.principal->account_id;
  std::vector<Target> t{{arn(ctx.region, account, "instance", "*"), ""}};
  std::string image = input_str(in, "ImageId");
  if (!image.empty()) t.push_back({"arn:aws:ec2:" + ctx.region + "::image/" + image, ""});
  std::string subnet = input_str(in, "SubnetId");
  if (subnet.empty()) {
    auto dv = default_vpc_id(tx, account, ctx.region);
    auto subnets = dv && !dv->empty() ? load_kind(tx, account, ctx.region, "subnet") : Result<std::vector<Resource>>(std::vector<Resource>{});
    if (subnets)
      for (auto& s : *subnets)
        if (s.vpc_id == *dv && s.doc["DefaultForAz"] == true) {
          subnet = s.id;
          break;
        }
  }
  if (!subnet.empty()) t.push_back({arn(ctx.region, account, "subnet", subnet), subnet});
  for (auto& g : id_targets(ctx, in, "SecurityGroupIds", "security-group")) t.push_back(g);
  for (auto& k : key_pair_target(ctx, tx, input_str(in, "KeyName"), "")) t.push_back(k);
  t.push_back({arn(ctx.region, account, "volume", "*"), ""});
  t.push_back({arn(ctx.region, account, "network-interface", "*"), ""});
  return t;
}

void run_extra(AuthzRequest& r, const RequestContext& ctx, const json::object& in, store::Tx& tx) {
  json::object tags = spec_tag_condition_keys(in);
  std::string type = in.contains("InstanceType") ? input_str(in, "InstanceType") : "m1.small";
  for (auto* d : decisions(r)) {
    const std::string& res = d->resources.front();
    bool instance = res.find(":instance/") != std::string::npos, volume = res.find(":volume/") != std::string::npos;
    if (instance) d->condition_keys["ec2:InstanceType"] = type;
    if (instance || volume)
      for (auto& [k, v] : tags) d->condition_keys[k] = v;
  }
  // Tagging on launch needs ec2:CreateTags too.
  if (!tags.empty()) {
    AuthzRequest create_tags{"ec2:CreateTags", {arn(ctx.region, ctx.principal->account_id, "instance", "*")}, tags};
    create_tags.condition_keys["ec2:CreateAction"] = "RunInstances";
    create_tags.condition_keys["ec2:Region"] = ctx.region;
    r.also.push_back(std::move(create_tags));
  }
  // An instance profile passes its role to EC2: iam:PassRole on the role.
  const auto* p = in.if_contains("IamInstanceProfile");
  if (p && p->is_object()) {
    std::string by_arn = text(p->as_object(), "Arn"), name = text(p->as_object(), "Name");
    auto rows = tx.query("SELECT r.arn FROM iam_instance_profiles ip JOIN iam_instance_profile_roles pr ON pr.instance_profile_id = ip.instance_profile_id "
                         "JOIN iam_roles r ON r.role_id = pr.role_id WHERE ip.account_id = ? AND (ip.arn = ? OR ip.name_lc = lower(?))",
                         {ctx.principal->account_id, by_arn, name});
    if (rows)
      for (auto& row : *rows)
        r.also.push_back(AuthzRequest{"iam:PassRole", {row.str(0)}, json::object{{"iam:PassedToService", "ec2.amazonaws.com"}}});
  }
}

}  // namespace

Result<json::array> launch_groups(Call& call, const std::string& vpc_id, bool default_vpc) {
  auto ids = strings(call.input.if_contains("SecurityGroupIds"));
  auto names = strings(call.input.if_contains("SecurityGroups"));
  if (!names.empty() && !default_vpc)
    return ec2_error("InvalidParameterCombination", "The parameter groupName cannot be used with the parameter subnet");
  auto groups = load_kind(call.tx, call.account(), call.ctx.region, "security-group");
  if (!groups) return groups.error();
  json::array out;
  auto add = [&](const Resource& g) {
    for (auto& e : out)
      if (text(e.as_object(), "GroupId") == g.id) return;
    out.push_back(json::object{{"GroupName", g.name}, {"GroupId", g.id}});
  };
  for (auto& id : ids) {
    if (!well_formed(id, "sg")) return ec2_error("InvalidGroupId.Malformed", "Invalid id: \"" + id + "\" (expecting \"sg-...\")");
    auto g = std::find_if(groups->begin(), groups->end(), [&](const Resource& r) { return r.id == id; });
    if (g == groups->end()) return ec2_error("InvalidGroup.NotFound", "The security group '" + id + "' does not exist");
    if (g->vpc_id != vpc_id) return ec2_error("InvalidParameter", "Security group " + id + " and subnet belong to different networks.");
    add(*g);
  }
  for (auto& n : names) {
    auto g = std::find_if(groups->begin(), groups->end(), [&](const Resource& r) { return r.name == n && r.vpc_id == vpc_id; });
    if (g == groups->end()) return ec2_error("InvalidGroup.NotFound", "The security group '" + n + "' does not exist in VPC '" + vpc_id + "'");
    add(*g);
  }
  if (out.empty())
    for (auto& g : *groups)
      if (g.vpc_id == vpc_id && g.name == "default") add(g);
  return out;
}

void add_instance_operations(std::vector<OperationDef>& ops) {
  ops.push_back(ec2_op("RunInstances", false, run_targets, run_instances, run_extra));
  ops.push_back(ec2_op("DescribeInstances", true, nullptr, describe_instances));
  ops.push_back(ec2_op("DescribeInstanceStatus", true, nullptr, describe_instance_status));
  ops.push_back(ec2_op("DescribeInstanceAttribute", true, instance_targets, describe_instance_attribute));
  ops.push_back(ec2_op("StartInstances", false, instance_targets, start_instances));
  ops.push_back(ec2_op("StopInstances", false, instance_targets, stop_instances));
  ops.push_back(ec2_op("RebootInstances", false, instance_targets, reboot_instances));
  ops.push_back(ec2_op("TerminateInstances", false, instance_targets, terminate_instances));
  ops.push_back(ec2_op("ModifyInstanceAttribute", false, instance_targets, modify_instance_attribute));
}

Result<std::string> alarm_instance_action(store::Tx& tx, const std::string& account, const std::string& region,
                                          const std::string& instance_id, std::string_view verb, int64_t now_ms) {
  auto found = load(tx, account, region, instance_id);
  if (!found) return found.error();
  if (!*found || (*found)->kind != "instance" || !visible(**found, now_ms))
    return ec2_error("InvalidInstanceID.NotFound", "The instance ID '" + instance_id + "' does not exist");
  Resource& i = **found;
  Result<std::string> shown = std::string();
  if (verb == "stop") shown = stop_one(i, now_ms);
  else if (verb == "terminate") shown = terminate_one(i, tx, now_ms);
  else if (verb == "reboot") shown = state_name(i) == "running" ? Result<std::string>(std::string("running")) : Result<std::string>(incorrect_state(i, "rebooted"));
  else return ec2_error("InvalidAction", "Unknown instance action " + std::string(verb));
  if (!shown) return shown;
  if (auto s = save(tx, i); !s) return s.error();
  return state_name(i);
}

}  // namespace citadel::services::ec2
