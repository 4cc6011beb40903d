#include "protocol/shapes.h"

#include <cmath>

#include "base/crypto.h"
#include "base/time.h"

namespace citadel::protocol::shapes {

const json::object* resolve(const ServiceModel& svc, const json::value& member_ref) {
  const auto* o = member_ref.if_object();
  if (!o) return nullptr;
  auto it = o->find("shape");
  if (it == o->end() || !it->value().is_string()) return nullptr;
  return svc.shape(it->value().as_string());
}

std::string_view type_of(const json::object* shape) {
  if (!shape) return {};
  return str_field(*shape, "type");
}

std::string_view str_field(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || !it->value().is_string()) return {};
  return it->value().as_string();
}

bool flag(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_bool() && it->value().as_bool();
}

std::string wire_name(const json::object& member_ref, std::string_view member_name) {
  auto ln = str_field(member_ref, "locationName");
  return std::string(ln.empty() ? member_name : ln);
}

std::optional<json::value> scalar_from_text(const json::object* shape, std::string_view text) {
  auto t = type_of(shape);
  std::string s(text);
  if (t == "integer" || t == "long") {
    char* end = nullptr;
    errno = 0;
    long long v = std::strtoll(s.c_str(), &end, 10);
    if (s.empty() || *end || errno) return std::nullopt;
    return json::value(static_cast<int64_t>(v));
  }
  if (t == "float" || t == "double") {
    char* end = nullptr;
    double v = std::strtod(s.c_str(), &end);
    if (s.empty() || *end || !std::isfinite(v)) return std::nullopt;
    return json::value(v);
  }
  if (t == "boolean") {
    if (s == "true") return json::value(true);
    if (s == "false") return json::value(false);
    return std::nullopt;
  }
  if (t == "timestamp") {
    if (auto ms = timeutil::parse_iso8601(s)) return json::value(*ms);
    if (auto ms = timeutil::parse_http_date(s)) return json::value(*ms);
    char* end = nullptr;
    double secs = std::strtod(s.c_str(), &end);
    if (!s.empty() && !*end && std::isfinite(secs)) return json::value(static_cast<int64_t>(std::llround(secs * 1000)));
    return std::nullopt;
  }
  return json::value(json::string(text));
}

Status normalize_json_input(const ServiceModel& svc, const json::object* shape, json::value& v,
                            const std::string& path) {
  auto t = type_of(shape);
  auto wrong = [&](std::string_view expected) -> Status {
    return AwsError::sender("SerializationException",
                            "Unexpected value at '" + path + "': expected " + std::string(expected), 400);
  };
  if (v.is_null()) return Ok{};
  if (t == "structure") {
    if (!v.is_object()) return wrong("an object");
    const auto* members = shape->if_contains("members");
    for (auto& [k, mv] : v.as_object()) {
      const json::value* ref = members ? members->as_object().if_contains(k) : nullptr;
      if (!ref) continue;  // unknown members are ignored, as AWS does
      if (auto s = normalize_json_input(svc, resolve(svc, *ref), mv, path.empty() ? std::string(k) : path + "." + std::string(k)); !s)
        return s;
    }
  } else if (t == "list") {
    if (!v.is_array()) return wrong("a list");
    const auto* item = resolve(svc, shape->at("member"));
    for (auto& e : v.as_array())
      if (auto s = normalize_json_input(svc, item, e, path + ".member"); !s) return s;
  } else if (t == "map") {
    if (!v.is_object()) return wrong("a map");
    const auto* val = resolve(svc, shape->at("value"));
    for (auto& [k, e] : v.as_object())
      if (auto s = normalize_json_input(svc, val, e, path + "." + std::string(k)); !s) return s;
  } else if (t == "timestamp") {
    if (v.is_number()) {
      v = static_cast<int64_t>(std::llround(v.to_number<double>() * 1000));
    } else if (v.is_string()) {
      auto ms = timeutil::parse_iso8601(v.as_string());
      if (!ms) return wrong("a timestamp");
      v = *ms;
    } else {
      return wrong("a timestamp");
    }
  } else if (t == "string" || t == "blob") {
    if (!v.is_string()) return wrong("a string");
  } else if (t == "boolean") {
    if (!v.is_bool()) return wrong("a boolean");
  } else if (t == "integer" || t == "long") {
    if (!v.is_int64() && !v.is_uint64()) return wrong("an integer");
  } else if (t == "float" || t == "double") {
    if (!v.is_number()) return wrong("a number");
  }
  return Ok{};
}

namespace {

std::string lower_camel(std::string_view s) {
  std::string out(s);
  if (!out.empty()) out[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(out[0])));
  return out;
}

std::string render(const json::value& v) {
  if (v.is_string()) return std::string(v.as_string());
  return json::serialize(v);
}

void check(const ServiceModel& svc, const json::object* shape, const json::value* v, const std::string& path,
           std::vector<std::string>& errors) {
  if (!shape || !v || v->is_null()) return;
  auto t = type_of(shape);
  auto bound = [&](std::string_view key) -> std::optional<double> {
    auto it = shape->find(key);
    if (it == shape->end() || !it->value().is_number()) return std::nullopt;
    return it->value().to_number<double>();
  };
  auto min = bound("min"), max = bound("max");
  if (t == "string" && v->is_string()) {
    // Lengths count characters; UTF-8 continuation bytes are not characters.
    size_t n = 0;
    for (unsigned char c : v->as_string()) n += (c & 0xC0) != 0x80;
    if (min && n < *min)
      errors.push_back("Value '" + render(*v) + "' at '" + path + "' failed to satisfy constraint: Member must have length greater than or equal to " + std::to_string(static_cast<int64_t>(*min)));
    if (max && n > *max)
      errors.push_back("Value '" + render(*v) + "' at '" + path + "' failed to satisfy constraint: Member must have length less than or equal to " + std::to_string(static_cast<int64_t>(*max)));
    if (const auto* en = shape->if_contains("enum"); en && en->is_array()) {
      bool found = false;
      for (auto& e : en->as_array()) found = found || (e.is_string() && e.as_string() == v->as_string());
      if (!found) {
        std::string set;
        for (auto& e : en->as_array()) set += (set.empty() ? "" : ", ") + render(e);
        errors.push_back("Value '" + render(*v) + "' at '" + path + "' failed to satisfy constraint: Member must satisfy enum value set: [" + set + "]");
      }
    }
  } else if ((t == "integer" || t == "long" || t == "float" || t == "double") && v->is_number()) {
    double d = v->to_number<double>();
    if (min && d < *min)
      errors.push_back("Value '" + render(*v) + "' at '" + path + "' failed to satisfy constraint: Member must have value greater than or equal to " + std::to_string(static_cast<int64_t>(*min)));
    if (max && d > *max)
      errors.push_back("Value '" + render(*v) + "' at '" + path + "' failed to satisfy constraint: Member must have value less than or equal to " + std::to_string(static_cast<int64_t>(*max)));
  } else if (t == "list" && v->is_array()) {
    const auto& a = v->as_array();
    if (min && a.size() < *min)
      errors.push_back("Value at '" + path + "' failed to satisfy constraint: Member must have length greater than or equal to " + std::to_string(static_cast<int64_t>(*min)));
    if (max && a.size() > *max)
      errors.push_back("Value at '" + path + "' failed to satisfy constraint: Member must have length less than or equal to " + std::to_string(static_cast<int64_t>(*max)));
    const auto* item = resolve(svc, shape->at("member"));
    for (size_t i = 0; i < a.size(); ++i) check(svc, item, &a[i], path + "." + std::to_string(i + 1) + ".member", errors);
  } else if (t == "structure" && v->is_object()) {
    const auto& o = v->as_object();
    const auto* members = shape->if_contains("members");
    if (const auto* req = shape->if_contains("required"); req && req->is_array())
      for (auto& r : req->as_array()) {
        const auto* mv = o.if_contains(r.as_string());
        if (!mv || mv->is_null())
          errors.push_back("Value null at '" + (path.empty() ? "" : path + ".") + lower_camel(r.as_string()) + "' failed to satisfy constraint: Member must not be null");
      }
    if (members)
      for (auto& [k, ref] : members->as_object())
        check(svc, resolve(svc, ref), o.if_contains(k), (path.empty() ? "" : path + ".") + lower_camel(k), errors);
  }
}

}  // namespace

Status validate(const ServiceModel& svc, const json::object* shape, const json::value& v, std::string_view code) {
  std::vector<std::string> errors;
  check(svc, shape, &v, "", errors);
  if (errors.empty()) return Ok{};
  std::string msg = std::to_string(errors.size()) + (errors.size() == 1 ? " validation error detected: " : " validation errors detected: ");
  for (size_t i = 0; i < errors.size(); ++i) msg += (i ? "; " : "") + errors[i];
  return AwsError::sender(std::string(code), msg, 400);
}

}  // namespace citadel::protocol::shapes
