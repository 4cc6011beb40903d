#include "protocol/xml_shape.h"

#include "base/time.h"
#include "protocol/shapes.h"

namespace citadel::protocol {

namespace json = boost::json;
using shapes::resolve;
using shapes::type_of;

namespace {

void write_scalar(XmlWriter& w, const json::object* shape, const json::value& v) {
  auto t = type_of(shape);
  if (t == "timestamp" && v.is_number()) {
    w.text(timeutil::iso8601(v.to_number<int64_t>(), true));
  } else if (v.is_string()) {
    w.text(v.as_string());
  } else if (v.is_bool()) {
    w.text(v.as_bool() ? "true" : "false");
  } else if (!v.is_null()) {
    w.text(json::serialize(v));
  }
}

// The element name of a list item: the list member's locationName, else "member" (or "item" on EC2).
std::string item_name(const json::object& list_shape, Wire wire) {
  const auto& m = list_shape.at("member").as_object();
  auto ln = shapes::str_field(m, "locationName");
  if (!ln.empty()) return std::string(ln);
  return wire == Wire::Ec2 ? "item" : "member";
}

}  // namespace

void write_value_xml(XmlWriter& w, const ServiceModel& svc, const json::object* shape, const json::value& v,
                     std::string_view name, Wire wire) {
  auto t = type_of(shape);
  if (t == "structure") {
    w.open(name);
    write_members_xml(w, svc, shape, v, wire);
    w.close(name);
  } else if (t == "list") {
    const auto* item = resolve(svc, shape->at("member"));
    bool flattened = shapes::flag(*shape, "flattened");
    std::string iname = item_name(*shape, wire);
    if (!flattened) w.open(name);
    if (v.is_array())
      for (auto& e : v.as_array()) write_value_xml(w, svc, item, e, flattened ? name : std::string_view(iname), wire);
    if (!flattened) w.close(name);
  } else if (t == "map") {
    const auto& ks = shape->at("key").as_object();
    const auto& vs = shape->at("value").as_object();
    std::string kname = shapes::wire_name(ks, "key"), vname = shapes::wire_name(vs, "value");
    const auto* vshape = resolve(svc, shape->at("value"));
    bool flattened = shapes::flag(*shape, "flattened");
    if (!flattened) w.open(name);
    if (v.is_object())
      for (auto& [k, e] : v.as_object()) {
        w.open(flattened ? name : std::string_view("entry"));
        w.element(kname, k);
        write_value_xml(w, svc, vshape, e, vname, wire);
        w.close(flattened ? name : std::string_view("entry"));
      }
    if (!flattened) w.close(name);
  } else {
    w.open(name);
    write_scalar(w, shape, v);
    w.close(name);
  }
}

void write_members_xml(XmlWriter& w, const ServiceModel& svc, const json::object* shape, const json::value& v,
                       Wire wire) {
  if (!shape || !v.is_object()) return;
  const auto* members = shape->if_contains("members");
  if (!members) return;
  const auto& o = v.as_object();
  for (auto& [k, ref] : members->as_object()) {
    const auto* mv = o.if_contains(k);
    if (!mv || mv->is_null()) continue;
    const auto& r = ref.as_object();
    auto loc = shapes::str_field(r, "location");
    if (!loc.empty()) continue;  // headers and status codes are not part of the body
    const auto* ms = resolve(svc, ref);
    std::string name = shapes::wire_name(r, k);
    // A flattened list's items are named after the list member when the member has a locationName.
    if (type_of(ms) == "list" && shapes::flag(*ms, "flattened")) {
      auto iln = shapes::str_field(ms->at("member").as_object(), "locationName");
      if (!iln.empty() && shapes::str_field(r, "locationName").empty()) name = iln;
    }
    write_value_xml(w, svc, ms, *mv, name, wire);
  }
}

}  // namespace citadel::protocol
