#include "services/ec2/ec2_common.h"

#include "policy/text.h"

#include <algorithm>
#include <cstdio>

#include "base/crypto.h"

namespace citadel::services::ec2 {

AwsError ec2_error(std::string code, std::string message) { return AwsError::sender(std::move(code), std::move(message), 400); }
AwsError invalid_value(const std::string& message) { return ec2_error("InvalidParameterValue", message); }

std::string new_id(const std::string& prefix) { return prefix + "-" + crypto::to_hex(reinterpret_cast<const uint8_t*>(crypto::random_bytes(9).data()), 9).substr(0, 17); }

bool well_formed(const std::string& id, const std::string& prefix) {
  if (id.size() <= prefix.size() + 1 || id.compare(0, prefix.size(), prefix) != 0 || id[prefix.size()] != '-') return false;
  std::string_view hex(id.data() + prefix.size() + 1, id.size() - prefix.size() - 1);
  if (hex.size() != 8 && hex.size() != 17) return false;
  for (char c : hex)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

std::string arn(const std::string& region, const std::string& account, const std::string& type, const std::string& id) {
  return "arn:aws:ec2:" + region + ":" + account + ":" + type + "/" + id;
}

std::string resource_type_of(const std::string& id) {
  static const std::pair<const char*, const char*> kinds[] = {
      {"vpc-", "vpc"},         {"subnet-", "subnet"}, {"sgr-", "security-group-rule"}, {"sg-", "security-group"},
      {"i-", "instance"},      {"vol-", "volume"},    {"key-", "key-pair"},            {"ami-", "image"},
      {"eni-", "network-interface"}, {"fl-", "vpc-flow-log"}};
  for (auto& [prefix, kind] : kinds)
    if (id.rfind(prefix, 0) == 0) return kind;
  return "";
}

// Resources -------------------------------------------------------------------------------------

namespace {
constexpr const char* kColumns = "resource_id, account_id, region, kind, vpc_id, name, created_ms, doc";

Resource from_row(const store::Row& row) {
  Resource r{row.str(0), row.str(1), row.str(2), row.str(3), row.str(4), row.str(5), row.i64(6), {}};
  boost::system::error_code ec;
  auto v = json::parse(row.str(7), ec);
  if (!ec && v.is_object()) r.doc = std::move(v.as_object());
  return r;
}
}  // namespace

Result<std::optional<Resource>> load(store::Tx& tx, const std::string& account, const std::string& region,
                                     const std::string& id) {
  auto rows = tx.query(std::string("SELECT ") + kColumns + " FROM ec2_resources WHERE resource_id = ? AND account_id = ? AND region = ?",
                       {id, account, region});
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<Resource>();
  return std::optional<Resource>(from_row(rows->front()));
}

Result<std::vector<Resource>> load_kind(store::Tx& tx, const std::string& account, const std::string& region,
                                        const std::string& kind) {
  auto rows = tx.query(std::string("SELECT ") + kColumns +
                           " FROM ec2_resources WHERE account_id = ? AND region = ? AND kind = ? ORDER BY created_ms, resource_id",
                       {account, region, kind});
  if (!rows) return rows.error();
  std::vector<Resource> out;
  for (auto& row : *rows) out.push_back(from_row(row));
  return out;
}

Status save(store::Tx& tx, const Resource& r) {
  auto s = tx.exec("INSERT OR REPLACE INTO ec2_resources (resource_id, account_id, region, kind, vpc_id, name, created_ms, doc) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                   {r.id, r.account, r.region, r.kind, r.vpc_id, r.name, r.created_ms, json::serialize(r.doc)});
  if (!s) return s.error();
  return Ok{};
}

Status remove(store::Tx& tx, const Resource& r) {
  if (auto s = tx.exec("DELETE FROM ec2_tags WHERE resource_id = ?", {r.id}); !s) return s.error();
  if (auto s = tx.exec("DELETE FROM ec2_resources WHERE resource_id = ?", {r.id}); !s) return s.error();
  return Ok{};
}

// Tags ------------------------------------------------------------------------------------------

Result<Tags> tags_of(store::Tx& tx, const std::string& id) {
  auto rows = tx.query("SELECT tag_key, tag_value FROM ec2_tags WHERE resource_id = ? ORDER BY tag_key", {id});
  if (!rows) return rows.error();
  Tags out;
  for (auto& r : *rows) out.emplace_back(r.str(0), r.str(1));
  return out;
}

Result<std::map<std::string, Tags>> all_tags(store::Tx& tx, const std::string& account, const std::string& region) {
  auto rows = tx.query("SELECT resource_id, tag_key, tag_value FROM ec2_tags WHERE account_id = ? AND region = ? ORDER BY resource_id, tag_key",
                       {account, region});
  if (!rows) return rows.error();
  std::map<std::string, Tags> out;
  for (auto& r : *rows) out[r.str(0)].emplace_back(r.str(1), r.str(2));
  return out;
}

json::array tags_json(const Tags& tags) {
  json::array a;
  for (auto& [k, v] : tags) a.push_back(json::object{{"Key", k}, {"Value", v}});
  return a;
}

Status put_tags(store::Tx& tx, const std::string& account, const std::string& region, const std::string& id,
                const json::array& tags) {
  for (auto& t : tags) {
    if (!t.is_object()) continue;
    std::string key = text(t.as_object(), "Key"), value = text(t.as_object(), "Value");
    if (key.empty()) return ec2_error("InvalidParameterValue", "Tag keys must be specified.");
    if (key.size() > 127) return ec2_error("InvalidParameterValue", "Tag key exceeds the maximum length of 127 characters");
    if (value.size() > 255) return ec2_error("InvalidParameterValue", "Tag value exceeds the maximum length of 255 characters");
    if (key.rfind("aws:", 0) == 0)
      return ec2_error("InvalidParameterValue", "Value ( " + key + " ) for parameter key is invalid. Tag keys starting with 'aws:' are reserved for internal use");
    auto s = tx.exec("INSERT OR REPLACE INTO ec2_tags (resource_id, account_id, region, tag_key, tag_value) VALUES (?, ?, ?, ?, ?)",
                     {id, account, region, key, value});
    if (!s) return s.error();
  }
  auto n = tx.query("SELECT COUNT(*) FROM ec2_tags WHERE resource_id = ?", {id});
  if (!n) return n.error();
  if (n->front().i64(0) > 50) return ec2_error("TagLimitExceeded", "The maximum number of Tags for a resource has been reached.");
  return Ok{};
}

json::array spec_tags(const json::object& input, const std::string& type) {
  json::array out;
  const auto* specs = input.if_contains("TagSpecifications");
  if (!specs || !specs->is_array()) return out;
  for (auto& s : specs->as_array()) {
    if (!s.is_object() || text(s.as_object(), "ResourceType") != type) continue;
    if (const auto* t = s.as_object().if_contains("Tags"); t && t->is_array())
      for (auto& tag : t->as_array()) out.push_back(tag);
  }
  return out;
}

json::object spec_tag_condition_keys(const json::object& input) {
  json::array all;
  if (const auto* specs = input.if_contains("TagSpecifications"); specs && specs->is_array())
    for (auto& s : specs->as_array())
      if (s.is_object())
        if (const auto* t = s.as_object().if_contains("Tags"); t && t->is_array())
          for (auto& tag : t->as_array()) all.push_back(tag);
  if (all.empty()) return {};
  return tag_condition_keys(json::object{{"Tags", all}}, "Tags");
}

json::object with_tags(const Resource& r, const std::map<std::string, Tags>& tags) {
  json::object o = r.doc;
  if (auto it = tags.find(r.id); it != tags.end() && !it->second.empty()) o["Tags"] = tags_json(it->second);
  return o;
}

// Filters -----------------------------------------------------------------------------------------

std::string text(const json::object& o, std::string_view member) {
  const auto* v = o.if_contains(member);
  if (!v) return "";
  if (v->is_string()) return std::string(v->as_string());
  if (v->is_bool()) return v->as_bool() ? "true" : "false";
  if (v->is_int64()) return std::to_string(v->as_int64());
  if (v->is_uint64()) return std::to_string(v->as_uint64());
  return "";
}

std::vector<std::string> strings(const json::value* v) {
  std::vector<std::string> out;
  if (v && v->is_array())
    for (auto& e : v->as_array())
      if (e.is_string()) out.emplace_back(e.as_string());
  return out;
}

std::vector<Filter> filters(const json::object& input, const char* member) {
  std::vector<Filter> out;
  const auto* fs = input.if_contains(member);
  if (!fs || !fs->is_array()) return out;
  for (auto& f : fs->as_array()) {
    if (!f.is_object()) continue;
    out.push_back({text(f.as_object(), "Name"), strings(f.as_object().if_contains("Values"))});
  }
  return out;
}


Result<bool> matches(const std::vector<Filter>& fs, const FieldFn& field, const Tags& tags) {
  for (const auto& f : fs) {
    std::vector<std::string> have;
    if (f.name.rfind("tag:", 0) == 0) {
      for (auto& [k, v] : tags)
        if (k == f.name.substr(4)) have.push_back(v);
    } else if (f.name == "tag-key") {
      for (auto& t : tags) have.push_back(t.first);
    } else if (f.name == "tag-value") {
      for (auto& t : tags) have.push_back(t.second);
    } else {
      auto v = field(f.name);
      if (!v) return invalid_value("The filter '" + f.name + "' is invalid");
      have = std::move(*v);
    }
    bool any = false;
    for (auto& want : f.values)
      for (auto& h : have) any = any || policy::glob_match(policy::to_glob(want, false), h, false);
    if (!any) return false;
  }
  return true;
}

// Describe -----------------------------------------------------------------------------------------

AwsError not_found_ids(const std::string& code, const std::string& what, const std::vector<std::string>& ids) {
  std::string list;
  for (auto& id : ids) list += (list.empty() ? "" : ", ") + id;
  return ec2_error(code, "The " + what + (ids.size() == 1 ? " ID '" + list + "' does not exist" : " IDs '" + list + "' do not exist"));
}

Result<Found> find(Call& call, const DescribeSpec& spec) {
  auto ids = strings(call.input.if_contains(spec.ids_member));
  for (auto& id : ids)
    if (!well_formed(id, spec.id_prefix)) return ec2_error(spec.malformed, "Invalid id: \"" + id + "\"");
  auto all = load_kind(call.tx, call.account(), call.ctx.region, spec.kind);
  if (!all) return all.error();
  auto tags = all_tags(call.tx, call.account(), call.ctx.region);
  if (!tags) return tags.error();
  auto fs = filters(call.input);
  Found out;
  std::vector<std::string> missing = ids;
  static const Tags none;
  for (auto& r : *all) {
    if (spec.visible && !spec.visible(r)) continue;
    if (!ids.empty()) {
      auto it = std::find(missing.begin(), missing.end(), r.id);
      if (std::find(ids.begin(), ids.end(), r.id) == ids.end()) continue;
      if (it != missing.end()) missing.erase(it);
    }
    auto t = tags->find(r.id);
    auto m = matches(fs, [&](const std::string& name) { return spec.field(r, name); }, t == tags->end() ? none : t->second);
    if (!m) return m.error();
    if (*m) out.resources.push_back(r);
  }
  if (!missing.empty()) return spec.not_found(missing);
  out.tags = std::move(*tags);
  return out;
}

Result<json::value> describe(Call& call, const DescribeSpec& spec) {
  auto found = find(call, spec);
  if (!found) return found.error();
  json::array items;
  for (auto& r : found->resources) items.push_back(with_tags(r, found->tags));
  return json::object{{spec.out_member, std::move(items)}};
}

// CIDR ----------------------------------------------------------------------------------------------

bool Cidr::contains(const Cidr& o) const { return o.prefix >= prefix && (o.base & ~(size() - 1)) == base; }
bool Cidr::overlaps(const Cidr& o) const { return contains(o) || o.contains(*this); }
std::string Cidr::str() const { return ipv4(base) + "/" + std::to_string(prefix); }

std::string ipv4(uint32_t a) {
  return std::to_string(a >> 24) + "." + std::to_string((a >> 16) & 255) + "." + std::to_string((a >> 8) & 255) + "." +
         std::to_string(a & 255);
}

std::optional<Cidr> parse_cidr(const std::string& s) {
  unsigned a, b, c, d, n;
  char tail;
  if (std::sscanf(s.c_str(), "%u.%u.%u.%u/%u%c", &a, &b, &c, &d, &n, &tail) != 5) return std::nullopt;
  if (a > 255 || b > 255 || c > 255 || d > 255 || n > 32) return std::nullopt;
  Cidr r{(a << 24) | (b << 16) | (c << 8) | d, static_cast<int>(n)};
  if (n < 32 && (r.base & (r.size() - 1)) != 0) return std::nullopt;
  return r;
}

// The default VPC -------------------------------------------------------------------------------

std::vector<std::string> zones(const std::string& region) { return {region + "a", region + "b", region + "c"}; }

Result<std::string> default_vpc_id(store::Tx& tx, const std::string& account, const std::string& region) {
  auto rows = tx.query("SELECT vpc_id FROM ec2_default_vpcs WHERE account_id = ? AND region = ?", {account, region});
  if (!rows) return rows.error();
  return rows->empty() ? std::string() : rows->front().str(0);
}

Status ensure_default_vpc(store::Tx& tx, const std::string& account, const std::string& region, int64_t now_ms) {
  auto existing = default_vpc_id(tx, account, region);
  if (!existing) return existing.error();
  if (!existing->empty()) return Ok{};
  Cidr cidr = *parse_cidr("172.31.0.0/16");
  Resource vpc{new_id("vpc"), account, region, "vpc", "", "", now_ms, {}};
  vpc.vpc_id = vpc.id;
  vpc.doc = new_vpc_doc(account, vpc.id, cidr, true, "default");
  if (auto s = save(tx, vpc); !s) return s;
  auto z = zones(region);
  for (size_t i = 0; i < z.size(); ++i) {
    Resource sn{new_id("subnet"), account, region, "subnet", vpc.id, "", now_ms, {}};
    sn.doc = new_subnet_doc(account, region, sn.id, vpc.id, Cidr{cidr.base + static_cast<uint32_t>(i) * 4096u, 20}, z[i], true);
    if (auto s = save(tx, sn); !s) return s;
  }
  Resource sg{new_id("sg"), account, region, "security-group", vpc.id, "default", now_ms, {}};
  sg.doc = new_security_group_doc(account, region, sg.id, vpc.id, "default", "default VPC security group", true);
  if (auto s = save(tx, sg); !s) return s;
  auto s = tx.exec("INSERT INTO ec2_default_vpcs (account_id, region, vpc_id) VALUES (?, ?, ?)", {account, region, vpc.id});
  if (!s) return s.error();
  return Ok{};
}

// Authorization -------------------------------------------------------------------------------------

std::vector<Target> id_targets(const RequestContext& ctx, const json::object& input, const char* member,
                               const std::string& type) {
  std::vector<Target> out;
  const auto* v = input.if_contains(member);
  std::vector<std::string> ids = v && v->is_string() ? std::vector<std::string>{std::string(v->as_string())} : strings(v);
  for (auto& id : ids) out.push_back({arn(ctx.region, ctx.principal->account_id, type, id), id});
  return out;
}

std::vector<AuthzRequest*> decisions(AuthzRequest& r) {
  std::vector<AuthzRequest*> out{&r};
  for (auto& a : r.also)
    if (a.action == r.action) out.push_back(&a);
  return out;
}

void add_request_tags(AuthzRequest& r, const RequestContext&, const json::object& input, store::Tx&) {
  for (auto& [k, v] : spec_tag_condition_keys(input)) r.condition_keys[k] = v;
}

OperationDef ec2_op(const char* name, bool read_only, TargetsFn targets, Handler handler, ExtraAuthz extra) {
  OperationDef op;
  op.name = name;
  op.read_only = read_only;
  op.writes_store = read_only;  // the first call may create the default VPC
  std::string action = std::string("ec2:") + name;
  op.authz = [action, targets, extra](const RequestContext& ctx, const json::object& input, store::Tx& tx) {
    // A store that cannot be written (citadel admin operations) leaves the default VPC for later.
    (void)ensure_default_vpc(tx, ctx.principal->account_id, ctx.region, ctx.now_ms);
    std::vector<Target> ts = targets ? targets(ctx, input, tx) : std::vector<Target>{};
    if (ts.empty()) ts.push_back({"*", ""});
    auto decision = [&](const Target& t) {
      AuthzRequest r;
      r.action = action;
      r.resources = {t.arn};
      r.condition_keys["ec2:Region"] = ctx.region;
      if (!t.id.empty()) {
        auto tags = tags_of(tx, t.id);
        if (tags)
          for (auto& [k, v] : *tags) {
            r.condition_keys["aws:ResourceTag/" + k] = v;
            r.condition_keys["ec2:ResourceTag/" + k] = v;
          }
      }
      return r;
    };
    AuthzRequest main = decision(ts.front());
    for (size_t i = 1; i < ts.size(); ++i) main.also.push_back(decision(ts[i]));
    if (extra) extra(main, ctx, input, tx);
    return main;
  };
  op.handler = [handler](Call& call) -> Result<json::value> {
    if (auto s = ensure_default_vpc(call.tx, call.account(), call.ctx.region, call.ctx.now_ms); !s) return s.error();
    const auto* dry = call.input.if_contains("DryRun");
    if (dry && dry->is_bool() && dry->as_bool())
      return AwsError::sender("DryRunOperation", "Request would have succeeded, but DryRun flag is set.", 412);
    return handler(call);
  };
  return op;
}

}  // namespace citadel::services::ec2
