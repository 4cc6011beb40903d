#include "protocol/cbor_shape.h"

#include "base/crypto.h"
#include "protocol/shapes.h"

namespace citadel::protocol {

namespace json = boost::json;

namespace {

// Members carried outside the body (none in RPC v2 models) and nulls are not written.
bool written(const json::object* members, std::string_view name, const json::value& v) {
  if (v.is_null()) return false;
  const json::value* ref = members ? members->if_contains(name) : nullptr;
  return !ref || shapes::str_field(ref->as_object(), "location").empty();
}

}  // namespace

void write_value_cbor(cbor::Writer& w, const ServiceModel& svc, const json::object* shape, const json::value& v) {
  auto t = shapes::type_of(shape);
  if (t == "timestamp" && v.is_number()) {
    auto ms = v.to_number<int64_t>();
    w.tag(1);
    if (ms % 1000 == 0) w.int64(ms / 1000);
    else w.float64(static_cast<double>(ms) / 1000.0);
  } else if (t == "blob" && v.is_string()) {
    auto raw = crypto::base64_decode(v.as_string());
    w.bytes(raw ? std::string_view(*raw) : std::string_view(v.as_string()));
  } else if ((t == "double" || t == "float") && v.is_number()) {
    w.float64(v.to_number<double>());
  } else if (t == "structure" && v.is_object()) {
    const auto* mv = shape->if_contains("members");
    const json::object* members = mv ? mv->if_object() : nullptr;
    size_t n = 0;
    for (auto& [k, e] : v.as_object()) n += written(members, k, e);
    w.map(n);
    for (auto& [k, e] : v.as_object()) {
      if (!written(members, k, e)) continue;
      w.text(k);
      const json::value* ref = members ? members->if_contains(k) : nullptr;
      if (ref) write_value_cbor(w, svc, shapes::resolve(svc, *ref), e);
      else w.value(e);
    }
  } else if (t == "list" && v.is_array()) {
    const auto* item = shapes::resolve(svc, shape->at("member"));
    w.array(v.as_array().size());
    for (auto& e : v.as_array()) write_value_cbor(w, svc, item, e);
  } else if (t == "map" && v.is_object()) {
    const auto* val = shapes::resolve(svc, shape->at("value"));
    w.map(v.as_object().size());
    for (auto& [k, e] : v.as_object()) {
      w.text(k);
      write_value_cbor(w, svc, val, e);
    }
  } else {
    w.value(v);
  }
}

}  // namespace citadel::protocol
