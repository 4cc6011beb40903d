// EBS volumes as records: each instance's root volume, and volumes created, attached and detached.
#include "services/ec2/ec2_common.h"

namespace citadel::services::ec2 {

namespace {

std::optional<std::vector<std::string>> volume_field(const Resource& v, const std::string& name) {
  const auto& d = v.doc;
  auto one = [](std::string s) { return std::optional<std::vector<std::string>>(std::vector<std::string>{std::move(s)}); };
  if (name == "volume-id") return one(v.id);
  if (name == "status") return one(text(d, "State"));
  if (name == "size") return one(text(d, "Size"));
  if (name == "volume-type") return one(text(d, "VolumeType"));
  if (name == "availability-zone") return one(text(d, "AvailabilityZone"));
  if (name == "encrypted") return one(text(d, "Encrypted"));
  if (name == "snapshot-id") return one(text(d, "SnapshotId"));
  if (name.rfind("attachment.", 0) == 0) {
    static const std::pair<const char*, const char*> fields[] = {{"attachment.instance-id", "InstanceId"}, {"attachment.device", "Device"},
                                                                 {"attachment.status", "State"}, {"attachment.delete-on-termination", "DeleteOnTermination"}};
    for (auto& [f, member] : fields)
      if (name == f) {
        std::vector<std::string> out;
        for (auto& a : d.at("Attachments").as_array()) out.push_back(text(a.as_object(), member));
        return out;
      }
  }
  return std::nullopt;
}

const DescribeSpec kVolumes{"volume", "VolumeIds", "vol", "Volumes", "InvalidVolumeID.Malformed",
                            [](const std::vector<std::string>& ids) {
                              return ec2_error("InvalidVolume.NotFound", "The volume '" + ids.front() + "' does not exist.");
                            },
                            volume_field};

Result<Resource> named_volume(Call& call) {
  std::string id = call.str("VolumeId");
  if (!well_formed(id, "vol")) return ec2_error("InvalidVolumeID.Malformed", "Invalid id: \"" + id + "\" (expecting \"vol-...\")");
  auto v = load(call.tx, call.account(), call.ctx.region, id);
  if (!v) return v.error();
  if (!*v) return ec2_error("InvalidVolume.NotFound", "The volume '" + id + "' does not exist.");
  return std::move(**v);
}

Result<json::value> create_volume(Call& call) {
  auto zs = zones(call.ctx.region);
  std::string zone = call.str("AvailabilityZone");
  if (zone.empty()) return ec2_error("MissingParameter", "The request must contain the parameter AvailabilityZone");
  if (std::find(zs.begin(), zs.end(), zone) == zs.end()) return invalid_value("Invalid availability zone: [" + zone + "]");
  if (!call.has("Size")) {
    if (call.has("SnapshotId")) return AwsError::not_implemented("Volumes from snapshots");
    return ec2_error("MissingParameter", "The request must contain the parameter size or snapshotId");
  }
  std::string type = call.has("VolumeType") ? call.str("VolumeType") : "gp2";
  int64_t size = call.input.at("Size").to_number<int64_t>();
  int64_t max = (type == "standard") ? 1024 : (type == "io1" || type == "io2" || type == "gp2" || type == "gp3") ? 16384 : 16384;
  int64_t min = (type == "st1" || type == "sc1") ? 125 : (type == "io1" || type == "io2") ? 4 : 1;
  if (size < min || size > max)
    return invalid_value("Volume of " + std::to_string(size) + "GiB is outside the allowed range for volume type " + type + " (" +
                         std::to_string(min) + "-" + std::to_string(max) + " GiB).");
  Resource v{new_id("vol"), call.account(), call.ctx.region, "volume", "", "", call.ctx.now_ms, {}};
  int64_t iops = call.has("Iops") ? call.input.at("Iops").to_number<int64_t>() : type == "gp3" ? 3000 : std::max<int64_t>(100, 3 * size);
  if ((type == "io1" || type == "io2") && !call.has("Iops"))
    return ec2_error("MissingParameter", "The parameter iops must be specified for " + type + " volumes.");
  v.doc = json::object{{"VolumeId", v.id},         {"Size", size},         {"SnapshotId", ""},
                       {"AvailabilityZone", zone}, {"State", "available"}, {"CreateTime", call.ctx.now_ms},
                       {"Attachments", json::array{}}, {"VolumeType", type}, {"Encrypted", call.input.contains("Encrypted") && call.input.at("Encrypted") == true},
                       {"MultiAttachEnabled", false}};
  if (type != "standard" && type != "st1" && type != "sc1") v.doc["Iops"] = iops;
  if (type == "gp3") v.doc["Throughput"] = call.has("Throughput") ? call.input.at("Throughput") : json::value(125);
  if (call.has("KmsKeyId")) v.doc["KmsKeyId"] = call.str("KmsKeyId");
  if (auto s = save(call.tx, v); !s) return s.error();
  auto tags = spec_tags(call.input, "volume");
  if (auto s = put_tags(call.tx, call.account(), call.ctx.region, v.id, tags); !s) return s.error();
  json::object out = v.doc;
  out["State"] = "creating";
  if (!tags.empty()) out["Tags"] = std::move(tags);
  return out;
}

Result<json::value> delete_volume(Call& call) {
  auto v = named_volume(call);
  if (!v) return v.error();
  auto& atts = v->doc["Attachments"].as_array();
  if (!atts.empty())
    return ec2_error("VolumeInUse", "Volume " + v->id + " is currently attached to " + text(atts.front().as_object(), "InstanceId"));
  if (auto s = remove(call.tx, *v); !s) return s.error();
  return json::object{};
}

Result<json::value> attach_volume(Call& call) {
  auto v = named_volume(call);
  if (!v) return v.error();
  std::string instance_id = call.str("InstanceId"), device = call.str("Device");
  if (!well_formed(instance_id, "i")) return ec2_error("InvalidInstanceID.Malformed", "Invalid id: \"" + instance_id + "\"");
  auto inst = load(call.tx, call.account(), call.ctx.region, instance_id);
  if (!inst) return inst.error();
  if (!*inst || text((*inst)->doc.at("State").as_object(), "Name") == "terminated")
    return not_found_ids("InvalidInstanceID.NotFound", "instance", {instance_id});
  Resource& i = **inst;
  if (!v->doc["Attachments"].as_array().empty() || text(v->doc, "State") != "available")
    return ec2_error("VolumeInUse", v->id + " is already attached to an instance");
  if (text(v->doc, "AvailabilityZone") != text(i.doc.at("Placement").as_object(), "AvailabilityZone"))
    return ec2_error("InvalidVolume.ZoneMismatch", "The volume '" + v->id + "' is not in the same availability zone as instance '" + i.id + "'");
  auto& mappings = i.doc["BlockDeviceMappings"].as_array();
  for (auto& m : mappings)
    if (text(m.as_object(), "DeviceName") == device)
      return invalid_value("Invalid value '" + device + "' for unixDevice. Attachment point " + device + " is already in use");
  json::object attachment{{"AttachTime", call.ctx.now_ms}, {"Device", device}, {"InstanceId", i.id},
                          {"State", "attached"},           {"VolumeId", v->id}, {"DeleteOnTermination", false}};
  v->doc["Attachments"] = json::array{attachment};
  v->doc["State"] = "in-use";
  mappings.push_back(json::object{{"DeviceName", device},
                                  {"Ebs", json::object{{"AttachTime", call.ctx.now_ms}, {"DeleteOnTermination", false}, {"Status", "attached"}, {"VolumeId", v->id}}}});
  if (auto s = save(call.tx, *v); !s) return s.error();
  if (auto s = save(call.tx, i); !s) return s.error();
  attachment["State"] = "attaching";
  return attachment;
}

Result<json::value> detach_volume(Call& call) {
  auto v = named_volume(call);
  if (!v) return v.error();
  auto& atts = v->doc["Attachments"].as_array();
  if (atts.empty()) return ec2_error("IncorrectState", "Volume '" + v->id + "' is in the 'available' state.");
  json::object attachment = atts.front().as_object();
  std::string instance_id = text(attachment, "InstanceId");
  if (call.has("InstanceId") && call.str("InstanceId") != instance_id)
    return ec2_error("InvalidAttachment.NotFound", "Volume '" + v->id + "' is not attached to instance '" + call.str("InstanceId") + "'.");
  auto inst = load(call.tx, call.account(), call.ctx.region, instance_id);
  if (!inst) return inst.error();
  if (*inst) {
    Resource& i = **inst;
    bool root = text(i.doc, "RootDeviceName") == text(attachment, "Device");
    if (root && text(i.doc.at("State").as_object(), "Name") != "stopped")
      return ec2_error("IncorrectState", "Unable to detach root volume '" + v->id + "' from instance '" + i.id + "'");
    auto& mappings = i.doc["BlockDeviceMappings"].as_array();
    mappings.erase(std::remove_if(mappings.begin(), mappings.end(),
                                  [&](const json::value& m) { return text(m.as_object().at("Ebs").as_object(), "VolumeId") == v->id; }),
                   mappings.end());
    if (auto s = save(call.tx, i); !s) return s.error();
  }
  atts.clear();
  v->doc["State"] = "available";
  if (auto s = save(call.tx, *v); !s) return s.error();
  attachment["State"] = "detaching";
  return attachment;
}

}  // namespace

void add_volume_operations(std::vector<OperationDef>& ops) {
  auto volume = [](const RequestContext& ctx, const json::object& in, store::Tx&) { return id_targets(ctx, in, "VolumeId", "volume"); };
  auto with_instance = [](const RequestContext& ctx, const json::object& in, store::Tx&) {
    auto t = id_targets(ctx, in, "VolumeId", "volume");
    for (auto& i : id_targets(ctx, in, "InstanceId", "instance")) t.push_back(i);
    return t;
  };
  ops.push_back(ec2_op("DescribeVolumes", true, nullptr, [](Call& c) { return describe(c, kVolumes); }));
  ops.push_back(ec2_op("CreateVolume", false, [](const RequestContext& ctx, const json::object&, store::Tx&) {
    return std::vector<Target>{{arn(ctx.region, ctx.principal->account_id, "volume", "*"), ""}};
  }, create_volume, add_request_tags));
  ops.push_back(ec2_op("DeleteVolume", false, volume, delete_volume));
  ops.push_back(ec2_op("AttachVolume", false, with_instance, attach_volume));
  ops.push_back(ec2_op("DetachVolume", false, with_instance, detach_volume));
}

}  // namespace citadel::services::ec2
