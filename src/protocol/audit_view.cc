#include "protocol/audit_view.h"

#include "base/time.h"
#include "base/wire_names.h"
#include "protocol/shapes.h"

namespace citadel::protocol {

namespace json = boost::json;

json::value audit_view(const ServiceModel& svc, const json::object* shape, const json::value& v, SensitiveValues mode) {
  if (shape && shapes::flag(*shape, "sensitive")) return json::value(kHiddenValue);
  auto t = shapes::type_of(shape);
  if (t == "timestamp" && v.is_number()) return json::value(timeutil::iso8601(v.to_number<int64_t>()));
  if (t == "structure" && v.is_object()) {
    json::object out;
    const auto* members = shape->if_contains("members");
    for (auto& [k, mv] : v.as_object()) {
      const json::value* ref = members ? members->as_object().if_contains(k) : nullptr;
      const json::object* ms = ref ? shapes::resolve(svc, *ref) : nullptr;
      if (mode == SensitiveValues::Drop && ms && shapes::flag(*ms, "sensitive")) continue;
      // Streamed payloads (S3 object bytes) are data, never part of the audit record.
      if ((ref && shapes::flag(ref->as_object(), "streaming")) || (ms && shapes::flag(*ms, "streaming"))) continue;
      // Nor are log event messages (CloudWatch Logs' PutLogEvents): customer data, which an
      // encrypted log group keeps sealed, would otherwise sit in the clear in every audit record.
      if (ref && svc.id == "logs" && ref->as_object().contains("shape") && ref->as_object().at("shape") == "EventMessage") continue;
      // Nor is a handler's status override.
      if (k == kHttpStatus) continue;
      std::string name(k);
      if (!name.empty()) name[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(name[0])));
      out.emplace(name, audit_view(svc, ms, mv, mode));
    }
    return out;
  }
  if (t == "list" && v.is_array()) {
    json::array out;
    const auto* item = shapes::resolve(svc, shape->at("member"));
    for (auto& e : v.as_array()) out.push_back(audit_view(svc, item, e, mode));
    return out;
  }
  if (t == "map" && v.is_object()) {
    json::object out;
    const auto* val = shapes::resolve(svc, shape->at("value"));
    for (auto& [k, e] : v.as_object()) out.emplace(k, audit_view(svc, val, e, mode));
    return out;
  }
  return v;
}

}  // namespace citadel::protocol
