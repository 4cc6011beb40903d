// DescribeImages over a small built-in catalog of public AMIs (the same ids in every region).
#include "services/ec2/ec2_common.h"

namespace citadel::services::ec2 {

namespace {

struct CatalogEntry {
  const char *id, *name, *description, *owner, *alias, *arch, *root_device, *volume_type, *snapshot, *created;
};

constexpr CatalogEntry kCatalog[] = {
    {"ami-0c02fb55956c7d316", "amzn2-ami-kernel-5.10-hvm-2.0.20241113.1-x86_64-gp2", "Amazon Linux 2 Kernel 5.10 AMI 2.0.20241113.1 x86_64 HVM gp2",
     "137112412989", "amazon", "x86_64", "/dev/xvda", "gp2", "snap-0a1f3e9c5b7d24e61", "2024-11-14T21:30:41.000Z"},
    {"ami-01816d07b1128cd2d", "al2023-ami-2023.6.20241212.0-kernel-6.1-x86_64", "Amazon Linux 2023 AMI 2023.6.20241212.0 x86_64 HVM kernel-6.1",
     "137112412989", "amazon", "x86_64", "/dev/xvda", "gp3", "snap-05d2a8f7c1e9b3460", "2024-12-13T17:51:38.000Z"},
    {"ami-0a7a4e87939439934", "al2023-ami-2023.6.20241212.0-kernel-6.1-arm64", "Amazon Linux 2023 AMI 2023.6.20241212.0 arm64 HVM kernel-6.1",
     "137112412989", "amazon", "arm64", "/dev/xvda", "gp3", "snap-0e6b4c2d9a7f13580", "2024-12-13T17:51:42.000Z"},
    {"ami-0e2c8caa4b6378d8c", "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20241206",
     "Canonical, Ubuntu, 24.04, amd64 noble image", "099720109477", "", "x86_64", "/dev/sda1", "gp3", "snap-0b8e2f4a6c1d39750",
     "2024-12-06T08:42:55.000Z"},
    {"ami-0a41d1f14d41c9ecd", "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-arm64-server-20241206",
     "Canonical, Ubuntu, 24.04, arm64 noble image", "099720109477", "", "arm64", "/dev/sda1", "gp3", "snap-07c3d9e1f5a2b8640",
     "2024-12-06T08:43:02.000Z"},
    {"ami-005fc0f236362e99f", "ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20241002",
     "Canonical, Ubuntu, 22.04 LTS, amd64 jammy image build on 2024-10-02", "099720109477", "", "x86_64", "/dev/sda1", "gp2",
     "snap-0f1a6b3c8d2e47591", "2024-10-02T21:09:17.000Z"},
    {"ami-064519b8c76274859", "debian-12-amd64-20241201-1948", "Debian 12 (20241201-1948)", "136693071363", "", "x86_64", "/dev/xvda",
     "gp2", "snap-0d4e7a2b9c5f16380", "2024-12-01T20:51:31.000Z"},
    {"ami-0789039e34e739d67", "debian-12-arm64-20241201-1948", "Debian 12 (20241201-1948)", "136693071363", "", "arm64", "/dev/xvda",
     "gp2", "snap-02b9c6e4a1d7f8350", "2024-12-01T20:51:36.000Z"},
};

json::object image_doc(const CatalogEntry& e) {
  std::string owner_path = std::string(*e.alias ? e.alias : e.owner) + "/" + e.name;
  json::object ebs{{"DeleteOnTermination", true}, {"SnapshotId", e.snapshot}, {"VolumeSize", 8},
                   {"VolumeType", e.volume_type}, {"Encrypted", false}};
  json::object doc{{"ImageId", e.id},
                   {"ImageLocation", owner_path},
                   {"State", "available"},
                   {"OwnerId", e.owner},
                   {"CreationDate", e.created},
                   {"Public", true},
                   {"Architecture", e.arch},
                   {"ImageType", "machine"},
                   {"Name", e.name},
                   {"Description", e.description},
                   {"RootDeviceName", e.root_device},
                   {"RootDeviceType", "ebs"},
                   {"VirtualizationType", "hvm"},
                   {"Hypervisor", "xen"},
                   {"EnaSupport", true},
                   {"SriovNetSupport", "simple"},
                   {"PlatformDetails", "Linux/UNIX"},
                   {"UsageOperation", "RunInstances"},
                   {"BlockDeviceMappings", json::array{json::object{{"DeviceName", e.root_device}, {"Ebs", std::move(ebs)}}}}};
  if (*e.alias) doc["ImageOwnerAlias"] = e.alias;
  if (std::string_view(e.arch) == "arm64") doc["BootMode"] = "uefi";
  return doc;
}

Result<json::value> describe_images(Call& call) {
  auto ids = strings(call.input.if_contains("ImageIds"));
  for (auto& id : ids)
    if (!well_formed(id, "ami")) return ec2_error("InvalidAMIID.Malformed", "Invalid id: \"" + id + "\" (expecting \"ami-...\")");
  auto owners = strings(call.input.if_contains("Owners"));
  auto fs = filters(call.input);
  json::array out;
  std::vector<std::string> missing = ids;
  for (const auto& e : kCatalog) {
    if (!ids.empty() && std::find(ids.begin(), ids.end(), e.id) == ids.end()) continue;
    missing.erase(std::remove(missing.begin(), missing.end(), e.id), missing.end());
    if (!owners.empty() && std::none_of(owners.begin(), owners.end(), [&](const std::string& o) { return o == e.owner || (*e.alias && o == e.alias); }))
      continue;
    json::object doc = image_doc(e);
    auto m = matches(fs, [&](const std::string& n) -> std::optional<std::vector<std::string>> {
      static const std::pair<const char*, const char*> fields[] = {
          {"name", "Name"}, {"owner-alias", "ImageOwnerAlias"}, {"owner-id", "OwnerId"}, {"architecture", "Architecture"},
          {"image-id", "ImageId"}, {"state", "State"}, {"image-type", "ImageType"}, {"is-public", "Public"},
          {"root-device-type", "RootDeviceType"}, {"root-device-name", "RootDeviceName"},
          {"virtualization-type", "VirtualizationType"}, {"platform-details", "PlatformDetails"}, {"description", "Description"},
          {"hypervisor", "Hypervisor"}, {"ena-support", "EnaSupport"}, {"creation-date", "CreationDate"}};
      for (auto& [filter, member] : fields)
        if (n == filter) return doc.contains(member) ? std::vector<std::string>{text(doc, member)} : std::vector<std::string>{};
      return std::nullopt;
    }, {});
    if (!m) return m.error();
    if (*m) out.push_back(std::move(doc));
  }
  if (!missing.empty()) {
    std::string list;
    for (auto& id : missing) list += (list.empty() ? "" : ", ") + id;
    return ec2_error("InvalidAMIID.NotFound", "The image id '[" + list + "]' does not exist");
  }
  return json::object{{"Images", std::move(out)}};
}

}  // namespace

std::optional<json::object> catalog_image(const std::string& id) {
  for (const auto& e : kCatalog)
    if (id == e.id) return image_doc(e);
  return std::nullopt;
}

void add_image_operations(std::vector<OperationDef>& ops) {
  ops.push_back(ec2_op("DescribeImages", true, nullptr, describe_images));
}

}  // namespace citadel::services::ec2
