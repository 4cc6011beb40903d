// Query and EC2 protocol inputs: form parameters ("Tags.member.1.Key=...") to JSON by shape.
#include <map>

#include "base/uri.h"
#include "protocol/query_decode.h"
#include "protocol/shapes.h"

namespace citadel::protocol {

namespace json = boost::json;
using Params = std::map<std::string, std::string, std::less<>>;

namespace {

bool has_prefix(const Params& p, const std::string& prefix) {
  auto it = p.lower_bound(prefix);
  if (it == p.end()) return false;
  if (it->first == prefix) return true;
  it = p.lower_bound(prefix + ".");
  return it != p.end() && it->first.compare(0, prefix.size() + 1, prefix + ".") == 0;
}

std::string ec2_name(const json::object& ref, std::string_view member) {
  auto qn = shapes::str_field(ref, "queryName");
  if (!qn.empty()) return std::string(qn);
  auto ln = shapes::str_field(ref, "locationName");
  std::string n(ln.empty() ? member : ln);
  if (!n.empty()) n[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(n[0])));
  return n;
}

Result<json::value> decode(const ServiceModel& svc, const json::object* shape, const std::string& prefix,
                           const Params& p, Wire wire);

Result<json::value> decode_struct(const ServiceModel& svc, const json::object* shape, const std::string& prefix,
                                  const Params& p, Wire wire) {
  json::object out;
  const auto* members = shape ? shape->if_contains("members") : nullptr;
  if (!members) return json::value(std::move(out));
  for (auto& [k, ref] : members->as_object()) {
    const auto& r = ref.as_object();
    std::string name = wire == Wire::Ec2 ? ec2_name(r, k) : shapes::wire_name(r, k);
    const auto* ms = shapes::resolve(svc, ref);
    // A flattened list member is addressed by its item locationName when the member has none.
    if (wire == Wire::Query && shapes::type_of(ms) == "list" && shapes::flag(*ms, "flattened") &&
        shapes::str_field(r, "locationName").empty()) {
      auto iln = shapes::str_field(ms->at("member").as_object(), "locationName");
      if (!iln.empty()) name = iln;
    }
    std::string full = prefix.empty() ? name : prefix + "." + name;
    if (!has_prefix(p, full)) continue;
    auto v = decode(svc, ms, full, p, wire);
    if (!v) return v;
    out.emplace(k, std::move(v.value()));
  }
  return json::value(std::move(out));
}

Result<json::value> decode(const ServiceModel& svc, const json::object* shape, const std::string& prefix,
                           const Params& p, Wire wire) {
  auto t = shapes::type_of(shape);
  if (t == "structure") return decode_struct(svc, shape, prefix, p, wire);
  if (t == "list") {
    json::array out;
    const auto& mref = shape->at("member").as_object();
    std::string base = prefix;
    if (wire == Wire::Query && !shapes::flag(*shape, "flattened")) {
      auto ln = shapes::str_field(mref, "locationName");
      base += "." + std::string(ln.empty() ? "member" : ln);
    }
    // An empty list is sent as "Name=" with no items.
    for (size_t i = 1;; ++i) {
      std::string item = base + "." + std::to_string(i);
      if (!has_prefix(p, item)) break;
      auto v = decode(svc, shapes::resolve(svc, shape->at("member")), item, p, wire);
      if (!v) return v;
      out.push_back(std::move(v.value()));
    }
    return json::value(std::move(out));
  }
  if (t == "map") {
    json::object out;
    std::string base = prefix + (shapes::flag(*shape, "flattened") ? "" : ".entry");
    std::string kn = shapes::wire_name(shape->at("key").as_object(), "key");
    std::string vn = shapes::wire_name(shape->at("value").as_object(), "value");
    for (size_t i = 1;; ++i) {
      std::string item = base + "." + std::to_string(i);
      auto k = p.find(item + "." + kn);
      if (k == p.end()) break;
      auto v = decode(svc, shapes::resolve(svc, shape->at("value")), item + "." + vn, p, wire);
      if (!v) return v;
      out[k->second] = std::move(v.value());
    }
    return json::value(std::move(out));
  }
  auto it = p.find(prefix);
  if (it == p.end()) return json::value(nullptr);
  auto v = shapes::scalar_from_text(shape, it->second);
  if (!v)
    return AwsError::sender(wire == Wire::Ec2 ? "InvalidParameterValue" : "MalformedInput",
                            "Invalid value '" + it->second + "' for parameter " + prefix, 400);
  return std::move(*v);
}

}  // namespace

Result<json::object> decode_query_input(const ServiceModel& svc, const Operation& op,
                                        const std::vector<std::pair<std::string, std::string>>& params, Wire wire) {
  Params p;
  for (auto& [k, v] : params) p.emplace(k, v);
  auto v = decode_struct(svc, svc.shape(op.input_shape), "", p, wire);
  if (!v) return v.error();
  return std::move(v.value().as_object());
}

}  // namespace citadel::protocol
