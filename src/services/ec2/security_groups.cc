// Security groups and their rules. A group's rules are kept in its document ("_rules") as
// SecurityGroupRule shapes, one per peer; IpPermissions are built from them when shown.
#include <algorithm>
#include <cctype>

#include "services/ec2/ec2_common.h"

namespace citadel::services::ec2 {

namespace {

// One rule as a request names it, before it is stored.
struct RuleSpec {
  std::string protocol;  // tcp, udp, icmp, icmpv6, -1 or a protocol number
  int64_t from = -1, to = -1;
  std::string cidr4, cidr6, group_id;
  std::string description;
  std::string key() const {
    return protocol + "|" + std::to_string(from) + "|" + std::to_string(to) + "|" + cidr4 + "|" + cidr6 + "|" + group_id;
  }
};

std::string rule_key(const json::object& r) {
  std::string group;
  if (const auto* g = r.if_contains("ReferencedGroupInfo"); g && g->is_object()) group = text(g->as_object(), "GroupId");
  return text(r, "IpProtocol") + "|" + text(r, "FromPort") + "|" + text(r, "ToPort") + "|" + text(r, "CidrIpv4") + "|" +
         text(r, "CidrIpv6") + "|" + group;
}

json::object make_rule(const std::string& account, const std::string& region, const std::string& group_id, bool egress,
                       const RuleSpec& s) {
  std::string id = new_id("sgr");
  json::object r{{"SecurityGroupRuleId", id}, {"GroupId", group_id},        {"GroupOwnerId", account},
                 {"IsEgress", egress},        {"IpProtocol", s.protocol},   {"FromPort", s.from},
                 {"ToPort", s.to},            {"SecurityGroupRuleArn", arn(region, account, "security-group-rule", id)}};
  if (!s.cidr4.empty()) r["CidrIpv4"] = s.cidr4;
  if (!s.cidr6.empty()) r["CidrIpv6"] = s.cidr6;
  if (!s.group_id.empty()) r["ReferencedGroupInfo"] = json::object{{"GroupId", s.group_id}, {"UserId", account}};
  if (!s.description.empty()) r["Description"] = s.description;
  return r;
}

json::array& rules_of(Resource& g) {
  if (!g.doc.contains("_rules") || !g.doc["_rules"].is_array()) g.doc["_rules"] = json::array{};
  return g.doc["_rules"].as_array();
}

bool has_ports(const std::string& protocol) { return protocol == "tcp" || protocol == "udp" || protocol == "icmp" || protocol == "icmpv6"; }

// The group as DescribeSecurityGroups shows it: IpPermissions grouped by protocol and ports.
json::object group_view(const Resource& g, const std::map<std::string, Tags>& tags) {
  json::object o = with_tags(g, tags);
  json::array in, out;
  const auto* rules = g.doc.if_contains("_rules");
  if (rules && rules->is_array())
    for (auto& rv : rules->as_array()) {
      const auto& r = rv.as_object();
      json::array& perms = r.at("IsEgress").as_bool() ? out : in;
      std::string proto = text(r, "IpProtocol");
      json::object* perm = nullptr;
      for (auto& p : perms) {
        auto& po = p.as_object();
        if (text(po, "IpProtocol") == proto && po["_from"] == r.at("FromPort") && po["_to"] == r.at("ToPort")) perm = &po;
      }
      if (!perm) {
        json::object p{{"IpProtocol", proto}, {"IpRanges", json::array{}}, {"Ipv6Ranges", json::array{}},
                       {"UserIdGroupPairs", json::array{}}, {"PrefixListIds", json::array{}},
                       {"_from", r.at("FromPort")}, {"_to", r.at("ToPort")}};
        if (has_ports(proto)) p["FromPort"] = r.at("FromPort"), p["ToPort"] = r.at("ToPort");
        perms.push_back(std::move(p));
        perm = &perms.back().as_object();
      }
      std::string desc = text(r, "Description");
      auto with_desc = [&](json::object e) {
        if (!desc.empty()) e["Description"] = desc;
        return e;
      };
      if (r.contains("CidrIpv4")) (*perm)["IpRanges"].as_array().push_back(with_desc({{"CidrIp", r.at("CidrIpv4")}}));
      if (r.contains("CidrIpv6")) (*perm)["Ipv6Ranges"].as_array().push_back(with_desc({{"CidrIpv6", r.at("CidrIpv6")}}));
      if (const auto* ref = r.if_contains("ReferencedGroupInfo"))
        (*perm)["UserIdGroupPairs"].as_array().push_back(
            with_desc({{"GroupId", ref->as_object().at("GroupId")}, {"UserId", ref->as_object().at("UserId")}}));
    }
  o["IpPermissions"] = std::move(in);
  o["IpPermissionsEgress"] = std::move(out);
  return o;
}

// The security group a call names by GroupId, or by GroupName in the default VPC.
Result<Resource> named_group(store::Tx& tx, const std::string& account, const std::string& region, const std::string& group_id,
                             const std::string& group_name) {
  if (!group_id.empty()) {
    if (!well_formed(group_id, "sg"))
      return ec2_error("InvalidGroupId.Malformed", "Invalid id: \"" + group_id + "\" (expecting \"sg-...\")");
    auto g = load(tx, account, region, group_id);
    if (!g) return g.error();
    if (!*g) return ec2_error("InvalidGroup.NotFound", "The security group '" + group_id + "' does not exist");
    return std::move(**g);
  }
  if (group_name.empty()) return ec2_error("MissingParameter", "The request must contain the parameter groupName or groupId");
  auto vpc = default_vpc_id(tx, account, region);
  if (!vpc) return vpc.error();
  auto rows = tx.query("SELECT resource_id FROM ec2_resources WHERE account_id = ? AND region = ? AND kind = 'security-group' AND vpc_id = ? AND name = ?",
                       {account, region, *vpc, group_name});
  if (!rows) return rows.error();
  if (rows->empty())
    return ec2_error("InvalidGroup.NotFound", "The security group '" + group_name + "' does not exist in default VPC '" + *vpc + "'");
  auto g = load(tx, account, region, rows->front().str(0));
  if (!g) return g.error();
  return std::move(**g);
}

Result<std::string> normalize_protocol(std::string p) {
  std::transform(p.begin(), p.end(), p.begin(), [](unsigned char c) { return std::tolower(c); });
  if (p == "-1" || p == "all") return std::string("-1");
  if (p == "tcp" || p == "6") return std::string("tcp");
  if (p == "udp" || p == "17") return std::string("udp");
  if (p == "icmp" || p == "1") return std::string("icmp");
  if (p == "icmpv6" || p == "58") return std::string("icmpv6");
  if (!p.empty() && p.size() <= 3 && std::all_of(p.begin(), p.end(), ::isdigit) && std::stoi(p) <= 255) return p;
  return invalid_value("Invalid value '" + p + "' for IP protocol. Unknown protocol.");
}

Status check_ports(RuleSpec& s, const json::object& perm) {
  bool has_from = perm.contains("FromPort") && !perm.at("FromPort").is_null();
  bool has_to = perm.contains("ToPort") && !perm.at("ToPort").is_null();
  int64_t from = has_from ? perm.at("FromPort").to_number<int64_t>() : -1;
  int64_t to = has_to ? perm.at("ToPort").to_number<int64_t>() : -1;
  if (s.protocol == "tcp" || s.protocol == "udp") {
    if (!has_from || !has_to) return invalid_value("Invalid value 'Must specify both from and to ports with TCP/UDP.' for portRange");
    if (from < 0 || from > 65535 || to < 0 || to > 65535 || from > to)
      return invalid_value("Invalid value '" + std::to_string(from) + "-" + std::to_string(to) + "' for portRange. The from port must be lower than or equal to the to port, both within 0-65535.");
    s.from = from, s.to = to;
  } else if (s.protocol == "icmp" || s.protocol == "icmpv6") {
    if (from < -1 || from > 255) return invalid_value("Invalid value '" + std::to_string(from) + "' for ICMP type.");
    if (to < -1 || to > 255) return invalid_value("Invalid value '" + std::to_string(to) + "' for ICMP code.");
    s.from = from, s.to = to;
  }
  return Ok{};
}

// The rules a call's IpPermissions (or its older top-level members) name, one per peer.
Result<std::vector<RuleSpec>> rule_specs(Call& call, const std::string& account) {
  json::array perms;
  if (const auto* p = call.input.if_contains("IpPermissions"); p && p->is_array()) perms = p->as_array();
  if (call.has("IpProtocol") || call.has("CidrIp") || call.has("SourceSecurityGroupName")) {
    json::object legacy;
    legacy["IpProtocol"] = call.has("IpProtocol") ? json::value(call.str("IpProtocol")) : json::value("-1");
    if (call.has("FromPort")) legacy["FromPort"] = call.input.at("FromPort");
    if (call.has("ToPort")) legacy["ToPort"] = call.input.at("ToPort");
    if (call.has("CidrIp")) legacy["IpRanges"] = json::array{json::object{{"CidrIp", call.str("CidrIp")}}};
    if (call.has("SourceSecurityGroupName"))
      legacy["UserIdGroupPairs"] = json::array{json::object{{"GroupName", call.str("SourceSecurityGroupName")}}};
    perms.push_back(std::move(legacy));
  }
  std::vector<RuleSpec> out;
  for (auto& pv : perms) {
    if (!pv.is_object()) continue;
    const auto& perm = pv.as_object();
    RuleSpec base;
    auto proto = normalize_protocol(text(perm, "IpProtocol"));
    if (!proto) return proto.error();
    base.protocol = *proto;
    if (auto s = check_ports(base, perm); !s) return s.error();
    size_t before = out.size();
    auto each = [&](const char* list, auto&& fill) -> Status {
      if (const auto* l = perm.if_contains(list); l && l->is_array())
        for (auto& e : l->as_array()) {
          if (!e.is_object()) continue;
          RuleSpec s = base;
          s.description = text(e.as_object(), "Description");
          if (auto st = fill(s, e.as_object()); !st) return st;
          out.push_back(std::move(s));
        }
      return Ok{};
    };
    auto st = each("IpRanges", [&](RuleSpec& s, const json::object& e) -> Status {
      s.cidr4 = text(e, "CidrIp");
      if (!parse_cidr(s.cidr4)) return invalid_value("CIDR block " + s.cidr4 + " is malformed");
      return Ok{};
    });
    if (!st) return st.error();
    st = each("Ipv6Ranges", [&](RuleSpec& s, const json::object& e) -> Status {
      s.cidr6 = text(e, "CidrIpv6");
      std::transform(s.cidr6.begin(), s.cidr6.end(), s.cidr6.begin(), [](unsigned char c) { return std::tolower(c); });
      if (s.cidr6.find(':') == std::string::npos || s.cidr6.find('/') == std::string::npos)
        return invalid_value("CIDR block " + s.cidr6 + " is malformed");
      return Ok{};
    });
    if (!st) return st.error();
    st = each("UserIdGroupPairs", [&](RuleSpec& s, const json::object& e) -> Status {
      std::string user = text(e, "UserId");
      if (!user.empty() && user != account)
        return ec2_error("InvalidGroup.NotFound", "You have specified a security group of another account, which Citadel does not support.");
      auto g = named_group(call.tx, account, call.ctx.region, text(e, "GroupId"), text(e, "GroupName"));
      if (!g) return g.error();
      s.group_id = g->id;
      return Ok{};
    });
    if (!st) return st.error();
    if (perm.contains("PrefixListIds") && perm.at("PrefixListIds").is_array() && !perm.at("PrefixListIds").as_array().empty())
      return AwsError::not_implemented("Prefix lists in security group rules");
    if (out.size() == before)
      return ec2_error("MissingParameter", "The request must contain at least one source or destination (IpRanges, Ipv6Ranges or UserIdGroupPairs).");
  }
  if (out.empty()) return ec2_error("MissingParameter", "No IpPermissions were given.");
  return out;
}

std::string describe_rule(const RuleSpec& s) {
  std::string peer = !s.cidr4.empty() ? s.cidr4 : !s.cidr6.empty() ? s.cidr6 : s.group_id;
  std::string proto = s.protocol;
  std::transform(proto.begin(), proto.end(), proto.begin(), [](unsigned char c) { return std::toupper(c); });
  if (proto == "-1") proto = "ALL";
  std::string out = "peer: " + peer + ", " + proto;
  if (has_ports(s.protocol)) out += ", from port: " + std::to_string(s.from) + ", to port: " + std::to_string(s.to);
  return out + ", ALLOW";
}

Result<Resource> call_group(Call& call) { return named_group(call.tx, call.account(), call.ctx.region, call.str("GroupId"), call.str("GroupName")); }

Result<json::value> authorize(Call& call, bool egress) {
  auto g = call_group(call);
  if (!g) return g.error();
  auto specs = rule_specs(call, call.account());
  if (!specs) return specs.error();
  auto& rules = rules_of(*g);
  std::vector<std::string> keys;
  for (auto& r : rules)
    if (r.as_object().at("IsEgress").as_bool() == egress) keys.push_back(rule_key(r.as_object()));
  json::array added;
  for (auto& s : *specs) {
    if (std::find(keys.begin(), keys.end(), s.key()) != keys.end())
      return ec2_error("InvalidPermission.Duplicate", "the specified rule \"" + describe_rule(s) + "\" already exists");
    keys.push_back(s.key());
    if (rules.size() >= 120) return ec2_error("RulesPerSecurityGroupLimitExceeded", "The maximum number of rules per security group has been reached.");
    auto rule = make_rule(call.account(), call.ctx.region, g->id, egress, s);
    rules.push_back(rule);
    added.push_back(std::move(rule));
  }
  if (auto s = save(call.tx, *g); !s) return s.error();
  return json::object{{"Return", true}, {"SecurityGroupRules", std::move(added)}};
}

json::object revoked_view(const json::object& r) {
  json::object o;
  for (const char* m : {"SecurityGroupRuleId", "GroupId", "IsEgress", "IpProtocol", "FromPort", "ToPort", "CidrIpv4", "CidrIpv6", "Description"})
    if (r.contains(m)) o[m] = r.at(m);
  if (const auto* ref = r.if_contains("ReferencedGroupInfo")) o["ReferencedGroupId"] = ref->as_object().at("GroupId");
  return o;
}

Result<json::value> revoke(Call& call, bool egress) {
  auto g = call_group(call);
  if (!g) return g.error();
  auto& rules = rules_of(*g);
  json::array revoked;
  auto rule_ids = strings(call.input.if_contains("SecurityGroupRuleIds"));
  for (auto& id : rule_ids) {
    auto it = std::find_if(rules.begin(), rules.end(), [&](const json::value& r) {
      return text(r.as_object(), "SecurityGroupRuleId") == id && r.as_object().at("IsEgress").as_bool() == egress;
    });
    if (it == rules.end()) return ec2_error("InvalidSecurityGroupRuleId.NotFound", "The security group rule ID '" + id + "' does not exist");
    revoked.push_back(revoked_view(it->as_object()));
    rules.erase(it);
  }
  if (rule_ids.empty()) {
    auto specs = rule_specs(call, call.account());
    if (!specs) return specs.error();
    for (auto& s : *specs) {
      auto it = std::find_if(rules.begin(), rules.end(), [&](const json::value& r) {
        return rule_key(r.as_object()) == s.key() && r.as_object().at("IsEgress").as_bool() == egress;
      });
      if (it == rules.end())
        return ec2_error("InvalidPermission.NotFound", "The specified rule does not exist in this security group.");
      revoked.push_back(revoked_view(it->as_object()));
      rules.erase(it);
    }
  }
  if (auto s = save(call.tx, *g); !s) return s.error();
  return json::object{{"Return", true}, {"RevokedSecurityGroupRules", std::move(revoked)}};
}

Result<json::value> create_group(Call& call) {
  std::string name = call.str("GroupName"), description = call.str("Description");
  if (name.empty() || name.size() > 255) return invalid_value("Value () for parameter groupName is invalid. The value cannot be empty");
  if (name.rfind("sg-", 0) == 0) return invalid_value("Group names may not be in the format sg-*");
  if (name == "default") return ec2_error("InvalidGroup.Reserved", "The security group 'default' is reserved");
  if (description.empty() || description.size() > 255) return invalid_value("Value () for parameter GroupDescription is invalid. The value cannot be empty");
  std::string vpc_id = call.str("VpcId");
  if (vpc_id.empty()) {
    auto d = default_vpc_id(call.tx, call.account(), call.ctx.region);
    if (!d) return d.error();
    vpc_id = *d;
  }
  auto vpc = load(call.tx, call.account(), call.ctx.region, vpc_id);
  if (!vpc) return vpc.error();
  if (!*vpc) {
    if (call.str("VpcId").empty()) return ec2_error("VPCIdNotSpecified", "No default VPC for this user");
    return not_found_ids("InvalidVpcID.NotFound", "vpc", {vpc_id});
  }
  auto clash = call.tx.query("SELECT 1 FROM ec2_resources WHERE account_id = ? AND region = ? AND kind = 'security-group' AND vpc_id = ? AND name = ?",
                             {call.account(), call.ctx.region, vpc_id, name});
  if (!clash) return clash.error();
  if (!clash->empty()) return ec2_error("InvalidGroup.Duplicate", "The security group '" + name + "' already exists for VPC '" + vpc_id + "'");
  Resource g{new_id("sg"), call.account(), call.ctx.region, "security-group", vpc_id, name, call.ctx.now_ms, {}};
  g.doc = new_security_group_doc(call.account(), call.ctx.region, g.id, vpc_id, name, description, false);
  if (auto s = save(call.tx, g); !s) return s.error();
  auto tags = spec_tags(call.input, "security-group");
  if (auto s = put_tags(call.tx, call.account(), call.ctx.region, g.id, tags); !s) return s.error();
  json::object out{{"GroupId", g.id}, {"SecurityGroupArn", g.doc["SecurityGroupArn"]}};
  if (!tags.empty()) out["Tags"] = std::move(tags);
  return out;
}

Result<json::value> delete_group(Call& call) {
  auto g = call_group(call);
  if (!g) return g.error();
  if (g->name == "default")
    return ec2_error("CannotDelete", "the specified group: \"" + g->id + "\" name: \"default\" cannot be deleted by a user");
  auto instances = load_kind(call.tx, call.account(), call.ctx.region, "instance");
  if (!instances) return instances.error();
  for (auto& i : *instances) {
    if (i.doc["State"].as_object()["Name"] == "terminated") continue;
    for (auto& sg : i.doc["SecurityGroups"].as_array())
      if (text(sg.as_object(), "GroupId") == g->id)
        return ec2_error("DependencyViolation", "resource " + g->id + " has a dependent object");
  }
  auto interfaces = load_kind(call.tx, call.account(), call.ctx.region, "network-interface");
  if (!interfaces) return interfaces.error();
  for (auto& e : *interfaces)
    for (auto& sg : e.doc["Groups"].as_array())
      if (text(sg.as_object(), "GroupId") == g->id)
        return ec2_error("DependencyViolation", "resource " + g->id + " has a dependent object");
  auto groups = load_kind(call.tx, call.account(), call.ctx.region, "security-group");
  if (!groups) return groups.error();
  for (auto& other : *groups) {
    if (other.id == g->id) continue;
    for (auto& r : rules_of(other))
      if (const auto* ref = r.as_object().if_contains("ReferencedGroupInfo"); ref && text(ref->as_object(), "GroupId") == g->id)
        return ec2_error("DependencyViolation", "resource " + g->id + " has a dependent object");
  }
  if (auto s = remove(call.tx, *g); !s) return s.error();
  return json::object{{"Return", true}, {"GroupId", g->id}};
}

std::optional<std::vector<std::string>> group_field(const Resource& g, const std::string& name) {
  auto one = [](std::string v) { return std::optional<std::vector<std::string>>(std::vector<std::string>{std::move(v)}); };
  if (name == "group-id") return one(g.id);
  if (name == "group-name") return one(g.name);
  if (name == "vpc-id") return one(g.vpc_id);
  if (name == "description") return one(text(g.doc, "Description"));
  if (name == "owner-id") return one(g.account);
  bool egress = name.rfind("egress.", 0) == 0;
  std::string field = egress ? name.substr(7) : name;
  if (field.rfind("ip-permission.", 0) != 0) return std::nullopt;
  field = field.substr(14);
  std::vector<std::string> out;
  const auto* rules = g.doc.if_contains("_rules");
  if (!rules || !rules->is_array()) return out;
  for (auto& rv : rules->as_array()) {
    const auto& r = rv.as_object();
    if (r.at("IsEgress").as_bool() != egress) continue;
    if (field == "protocol") out.push_back(text(r, "IpProtocol"));
    else if (field == "from-port") out.push_back(text(r, "FromPort"));
    else if (field == "to-port") out.push_back(text(r, "ToPort"));
    else if (field == "cidr") out.push_back(text(r, "CidrIpv4"));
    else if (field == "ipv6-cidr") out.push_back(text(r, "CidrIpv6"));
    else if (field == "group-id" && r.contains("ReferencedGroupInfo")) out.push_back(text(r.at("ReferencedGroupInfo").as_object(), "GroupId"));
    else if (field == "user-id" && r.contains("ReferencedGroupInfo")) out.push_back(text(r.at("ReferencedGroupInfo").as_object(), "UserId"));
    else if (field != "group-id" && field != "user-id") return std::nullopt;
  }
  return out;
}

const DescribeSpec kGroups{"security-group", "GroupIds", "sg", "SecurityGroups", "InvalidGroupId.Malformed",
                           [](const std::vector<std::string>& ids) {
                             return ec2_error("InvalidGroup.NotFound", "The security group '" + ids.front() + "' does not exist");
                           },
                           group_field};

Result<json::value> describe_groups(Call& call) {
  auto found = find(call, kGroups);
  if (!found) return found.error();
  auto names = strings(call.input.if_contains("GroupNames"));
  std::string default_vpc;
  if (!names.empty()) {
    auto d = default_vpc_id(call.tx, call.account(), call.ctx.region);
    if (!d) return d.error();
    default_vpc = *d;
    for (auto& n : names)
      if (std::none_of(found->resources.begin(), found->resources.end(), [&](const Resource& g) { return g.name == n && g.vpc_id == default_vpc; }))
        return ec2_error("InvalidGroup.NotFound", "The security group '" + n + "' does not exist in default VPC '" + default_vpc + "'");
  }
  json::array out;
  for (auto& g : found->resources) {
    if (!names.empty() && (g.vpc_id != default_vpc || std::find(names.begin(), names.end(), g.name) == names.end())) continue;
    out.push_back(group_view(g, found->tags));
  }
  return json::object{{"SecurityGroups", std::move(out)}};
}

Result<json::value> describe_rules(Call& call) {
  auto groups = load_kind(call.tx, call.account(), call.ctx.region, "security-group");
  if (!groups) return groups.error();
  auto ids = strings(call.input.if_contains("SecurityGroupRuleIds"));
  auto fs = filters(call.input);
  json::array out;
  std::vector<std::string> seen;
  for (auto& g : *groups)
    for (auto& rv : rules_of(g)) {
      const auto& r = rv.as_object();
      std::string id = text(r, "SecurityGroupRuleId");
      if (!ids.empty() && std::find(ids.begin(), ids.end(), id) == ids.end()) continue;
      auto m = matches(fs, [&](const std::string& n) -> std::optional<std::vector<std::string>> {
        if (n == "group-id") return std::vector<std::string>{g.id};
        if (n == "security-group-rule-id") return std::vector<std::string>{id};
        return std::nullopt;
      }, {});
      if (!m) return m.error();
      if (*m) out.push_back(r), seen.push_back(id);
    }
  for (auto& id : ids)
    if (std::find(seen.begin(), seen.end(), id) == seen.end())
      return ec2_error("InvalidSecurityGroupRuleId.NotFound", "The security group rule ID '" + id + "' does not exist");
  return json::object{{"SecurityGroupRules", std::move(out)}};
}

Result<json::value> modify_rules(Call& call) {
  auto g = call_group(call);
  if (!g) return g.error();
  auto& rules = rules_of(*g);
  const auto* changes = call.input.if_contains("SecurityGroupRules");
  if (!changes || !changes->is_array()) return ec2_error("MissingParameter", "The request must contain the parameter SecurityGroupRules");
  for (auto& cv : changes->as_array()) {
    const auto& c = cv.as_object();
    std::string id = text(c, "SecurityGroupRuleId");
    auto it = std::find_if(rules.begin(), rules.end(), [&](const json::value& r) { return text(r.as_object(), "SecurityGroupRuleId") == id; });
    if (it == rules.end()) return ec2_error("InvalidSecurityGroupRuleId.NotFound", "The security group rule ID '" + id + "' does not exist");
    const auto* req = c.if_contains("SecurityGroupRule");
    if (!req || !req->is_object()) return ec2_error("MissingParameter", "The request must contain the parameter SecurityGroupRule");
    const auto& q = req->as_object();
    RuleSpec s;
    auto proto = normalize_protocol(text(q, "IpProtocol"));
    if (!proto) return proto.error();
    s.protocol = *proto;
    if (auto st = check_ports(s, q); !st) return st.error();
    s.cidr4 = text(q, "CidrIpv4"), s.cidr6 = text(q, "CidrIpv6"), s.description = text(q, "Description");
    if (!s.cidr4.empty() && !parse_cidr(s.cidr4)) return invalid_value("CIDR block " + s.cidr4 + " is malformed");
    if (!text(q, "ReferencedGroupId").empty()) {
      auto ref = named_group(call.tx, call.account(), call.ctx.region, text(q, "ReferencedGroupId"), "");
      if (!ref) return ref.error();
      s.group_id = ref->id;
    }
    if (s.cidr4.empty() + s.cidr6.empty() + s.group_id.empty() != 2)
      return ec2_error("InvalidParameterCombination", "A security group rule names exactly one of CidrIpv4, CidrIpv6 or ReferencedGroupId.");
    bool egress = it->as_object().at("IsEgress").as_bool();
    json::object updated = make_rule(call.account(), call.ctx.region, g->id, egress, s);
    updated["SecurityGroupRuleId"] = id;
    updated["SecurityGroupRuleArn"] = arn(call.ctx.region, call.account(), "security-group-rule", id);
    *it = std::move(updated);
  }
  if (auto s = save(call.tx, *g); !s) return s.error();
  return json::object{{"Return", true}};
}

// The group a call names, for its authorization (by name: looked up in the default VPC).
std::vector<Target> group_target(const RequestContext& ctx, const json::object& in, store::Tx& tx) {
  const std::string& account = ctx.principal->account_id;
  std::string id = input_str(in, "GroupId");
  if (id.empty() && !input_str(in, "GroupName").empty()) {
    auto g = named_group(tx, account, ctx.region, "", input_str(in, "GroupName"));
    if (g) id = g->id;
    else return {{arn(ctx.region, account, "security-group", input_str(in, "GroupName")), ""}};
  }
  if (id.empty()) return {};
  return {{arn(ctx.region, account, "security-group", id), id}};
}

}  // namespace

json::object new_security_group_doc(const std::string& account, const std::string& region, const std::string& id,
                                    const std::string& vpc_id, const std::string& name, const std::string& description,
                                    bool is_default) {
  json::array rules;
  RuleSpec all{"-1"};
  if (is_default) {
    RuleSpec self = all;
    self.group_id = id;
    rules.push_back(make_rule(account, region, id, false, self));
  }
  RuleSpec anywhere = all;
  anywhere.cidr4 = "0.0.0.0/0";
  rules.push_back(make_rule(account, region, id, true, anywhere));
  return json::object{{"GroupId", id},
                      {"GroupName", name},
                      {"Description", description},
                      {"VpcId", vpc_id},
                      {"OwnerId", account},
                      {"SecurityGroupArn", arn(region, account, "security-group", id)},
                      {"_rules", std::move(rules)}};
}

void add_security_group_operations(std::vector<OperationDef>& ops) {
  ops.push_back(ec2_op("CreateSecurityGroup", false, [](const RequestContext& ctx, const json::object& in, store::Tx& tx) {
    std::vector<Target> t{{arn(ctx.region, ctx.principal->account_id, "security-group", "*"), ""}};
    std::string vpc = input_str(in, "VpcId");
    if (vpc.empty()) {
      auto d = default_vpc_id(tx, ctx.principal->account_id, ctx.region);
      if (d) vpc = *d;
    }
    if (!vpc.empty()) t.push_back({arn(ctx.region, ctx.principal->account_id, "vpc", vpc), vpc});
    return t;
  }, create_group, add_request_tags));
  ops.push_back(ec2_op("DeleteSecurityGroup", false, group_target, delete_group));
  ops.push_back(ec2_op("DescribeSecurityGroups", true, nullptr, describe_groups));
  ops.push_back(ec2_op("DescribeSecurityGroupRules", true, nullptr, describe_rules));
  ops.push_back(ec2_op("AuthorizeSecurityGroupIngress", false, group_target, [](Call& c) { return authorize(c, false); }, add_request_tags));
  ops.push_back(ec2_op("AuthorizeSecurityGroupEgress", false, group_target, [](Call& c) { return authorize(c, true); }, add_request_tags));
  ops.push_back(ec2_op("RevokeSecurityGroupIngress", false, group_target, [](Call& c) { return revoke(c, false); }));
  ops.push_back(ec2_op("RevokeSecurityGroupEgress", false, group_target, [](Call& c) { return revoke(c, true); }));
  ops.push_back(ec2_op("ModifySecurityGroupRules", false, group_target, modify_rules));
}

}  // namespace citadel::services::ec2
