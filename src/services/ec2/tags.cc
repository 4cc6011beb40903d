// CreateTags, DeleteTags and DescribeTags for every EC2 resource Citadel keeps.
#include "services/ec2/ec2_common.h"

namespace citadel::services::ec2 {

namespace {

// The not-found error of a resource of this type.
AwsError missing(const std::string& id) {
  std::string type = resource_type_of(id);
  if (type == "instance") return not_found_ids("InvalidInstanceID.NotFound", "instance", {id});
  if (type == "vpc") return not_found_ids("InvalidVpcID.NotFound", "vpc", {id});
  if (type == "subnet") return not_found_ids("InvalidSubnetID.NotFound", "subnet", {id});
  if (type == "security-group") return ec2_error("InvalidGroup.NotFound", "The security group '" + id + "' does not exist");
  if (type == "volume") return ec2_error("InvalidVolume.NotFound", "The volume '" + id + "' does not exist.");
  if (type == "key-pair") return ec2_error("InvalidKeyPair.NotFound", "The key pair ID '" + id + "' does not exist");
  if (type == "network-interface") return not_found_ids("InvalidNetworkInterfaceID.NotFound", "networkInterface", {id});
  if (type == "vpc-flow-log") return ec2_error("InvalidFlowLogId.NotFound", "These flow log ids in the input list are not found: [TotalCount: 1] " + id);
  if (type == "image") return ec2_error("InvalidAMIID.NotFound", "The image id '[" + id + "]' does not exist");
  return ec2_error("InvalidID", "The ID '" + id + "' is not valid");
}

Result<std::vector<std::string>> tagged_resources(Call& call) {
  auto ids = strings(call.input.if_contains("Resources"));
  for (auto& id : ids) {
    auto r = load(call.tx, call.account(), call.ctx.region, id);
    if (!r) return r.error();
    if (!*r) return missing(id);
  }
  return ids;
}

Result<json::value> create_tags(Call& call) {
  auto ids = tagged_resources(call);
  if (!ids) return ids.error();
  const auto* tags = call.input.if_contains("Tags");
  json::array list = tags && tags->is_array() ? tags->as_array() : json::array{};
  for (auto& id : *ids)
    if (auto s = put_tags(call.tx, call.account(), call.ctx.region, id, list); !s) return s.error();
  return json::object{};
}

Result<json::value> delete_tags(Call& call) {
  auto ids = tagged_resources(call);
  if (!ids) return ids.error();
  const auto* tags = call.input.if_contains("Tags");
  for (auto& id : *ids) {
    if (!tags || !tags->is_array()) {
      if (auto s = call.tx.exec("DELETE FROM ec2_tags WHERE resource_id = ?", {id}); !s) return s.error();
      continue;
    }
    for (auto& t : tags->as_array()) {
      if (!t.is_object()) continue;
      const auto& o = t.as_object();
      auto s = o.contains("Value") ? call.tx.exec("DELETE FROM ec2_tags WHERE resource_id = ? AND tag_key = ? AND tag_value = ?",
                                                  {id, text(o, "Key"), text(o, "Value")})
                                   : call.tx.exec("DELETE FROM ec2_tags WHERE resource_id = ? AND tag_key = ?", {id, text(o, "Key")});
      if (!s) return s.error();
    }
  }
  return json::object{};
}

Result<json::value> describe_tags(Call& call) {
  auto tags = all_tags(call.tx, call.account(), call.ctx.region);
  if (!tags) return tags.error();
  auto fs = filters(call.input);
  json::array out;
  for (auto& [id, list] : *tags)
    for (auto& [k, v] : list) {
      std::string type = resource_type_of(id);
      auto m = matches(fs, [&](const std::string& n) -> std::optional<std::vector<std::string>> {
        if (n == "key") return std::vector<std::string>{k};
        if (n == "value") return std::vector<std::string>{v};
        if (n == "resource-id") return std::vector<std::string>{id};
        if (n == "resource-type") return std::vector<std::string>{type};
        return std::nullopt;
      }, {});
      if (!m) return m.error();
      if (*m) out.push_back(json::object{{"Key", k}, {"ResourceId", id}, {"ResourceType", type}, {"Value", v}});
    }
  return json::object{{"Tags", std::move(out)}};
}

std::vector<Target> tag_targets(const RequestContext& ctx, const json::object& in, store::Tx& tx) {
  std::vector<Target> out;
  for (auto& id : strings(in.if_contains("Resources"))) {
    std::string type = resource_type_of(id);
    if (type == "key-pair") {
      for (auto& t : key_pair_target(ctx, tx, "", id)) out.push_back(t);
    } else if (type == "image") {
      out.push_back({"arn:aws:ec2:" + ctx.region + "::image/" + id, ""});
    } else {
      out.push_back({arn(ctx.region, ctx.principal->account_id, type.empty() ? "*" : type, id), id});
    }
  }
  return out;
}

// The tags a call adds or removes are the request's tags on every resource it names.
void tag_keys(AuthzRequest& r, const RequestContext&, const json::object& in, store::Tx&) {
  json::object keys = tag_condition_keys(in, "Tags");
  for (auto* d : decisions(r))
    for (auto& [k, v] : keys) d->condition_keys[k] = v;
}

}  // namespace

void add_tag_operations(std::vector<OperationDef>& ops) {
  ops.push_back(ec2_op("CreateTags", false, tag_targets, create_tags, tag_keys));
  ops.push_back(ec2_op("DeleteTags", false, tag_targets, delete_tags, tag_keys));
  ops.push_back(ec2_op("DescribeTags", true, nullptr, describe_tags));
}

}  // namespace citadel::services::ec2
