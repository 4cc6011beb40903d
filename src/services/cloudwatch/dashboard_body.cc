#include "services/cloudwatch/dashboard_body.h"

#include <boost/json.hpp>
#include <cctype>
#include <cmath>
#include <initializer_list>
#include <optional>

namespace citadel::services::cloudwatch {

namespace json = boost::json;

namespace {

constexpr size_t kMaxWidgets = 500;
constexpr size_t kMaxAlarmsPerWidget = 100;
constexpr const char* kMetricsShape =
    "Field \"metrics\" has to be an array of array of strings, with an optional metricRenderer object as last element";

std::string quoted(std::string_view s) { return json::serialize(json::string(s)); }

// Records messages in the words of CloudWatch's schema validator; each check returns whether the
// value passed, so that callers descend only into values of the right type.
class Checker {
 public:
  explicit Checker(DashboardCheck& out) : out_(out) {}

  void error(const std::string& path, std::string message) { out_.errors.push_back({path, std::move(message)}); }
  void warn(const std::string& path, std::string message) { out_.warnings.push_back({path, std::move(message)}); }

  const json::object* object(const json::value& v, const std::string& path) {
    if (const auto* o = v.if_object()) return o;
    error(path, "Should be object");
    return nullptr;
  }
  const json::array* array(const json::value& v, const std::string& path) {
    if (const auto* a = v.if_array()) return a;
    error(path, "Should be array");
    return nullptr;
  }
  bool string(const json::value& v, const std::string& path) {
    if (v.is_string()) return true;
    error(path, "Should be string");
    return false;
  }
  bool boolean(const json::value& v, const std::string& path) {
    if (v.is_bool()) return true;
    error(path, "Should be boolean");
    return false;
  }
  // An integer (6 and 6.0 alike, as JSON Schema counts them) within [min, max].
  void integer(const json::value& v, const std::string& path, int64_t min, std::optional<int64_t> max) {
    double d = 0;
    if (v.is_int64()) d = static_cast<double>(v.get_int64());
    else if (v.is_uint64()) d = static_cast<double>(v.get_uint64());
    else if (v.is_double() && std::isfinite(v.get_double()) && std::floor(v.get_double()) == v.get_double()) d = v.get_double();
    else return error(path, "Should be integer");
    if (d < static_cast<double>(min)) error(path, "Should be >= " + std::to_string(min));
    else if (max && d > static_cast<double>(*max)) error(path, "Should be <= " + std::to_string(*max));
  }
  void one_of(const json::value& v, const std::string& path, std::initializer_list<std::string_view> allowed) {
    if (!string(v, path)) return;
    for (auto a : allowed)
      if (v.as_string() == a) return;
    error(path, "Should be equal to one of the allowed values");
  }
  void required(const json::object& o, const std::string& path, std::string_view member) {
    if (!o.contains(member)) error(path, "Should have required property '" + std::string(member) + "'");
  }
  // Members a structure does not know are ignored when the dashboard renders: a warning, not an error.
  void known(const json::object& o, const std::string& path, std::initializer_list<std::string_view> members) {
    for (const auto& [k, v] : o) {
      bool ok = false;
      for (auto m : members) ok = ok || k == m;
      if (!ok) warn(path, "Unknown property " + quoted(k) + " is ignored");
    }
  }
  void alarm_arn(const json::value& v, const std::string& path) {
    if (string(v, path)) out_.alarm_arns.push_back({path, std::string(v.as_string())});
  }

 private:
  DashboardCheck& out_;
};

std::string at(const std::string& path, std::string_view member) { return path + "/" + std::string(member); }
std::string at(const std::string& path, size_t i) { return path + "/" + std::to_string(i); }

// The rendering options of one metric row (its last element when that is an object).
void check_renderer(Checker& c, const json::object& o, const std::string& path) {
  for (const auto& [k, v] : o) {
    std::string p = at(path, k);
    if (k == "color") {
      if (!c.string(v, p)) continue;
      auto s = v.as_string();
      bool hex = s.size() == 7 && s[0] == '#';
      for (size_t i = 1; hex && i < s.size(); ++i) hex = std::isxdigit(static_cast<unsigned char>(s[i])) != 0;
      if (!hex) c.error(p, "Should match pattern \"^#([0-9a-fA-F]{6})$\"");
    } else if (k == "yAxis") {
      c.one_of(v, p, {"left", "right"});
    } else if (k == "visible") {
      c.boolean(v, p);
    } else if (k == "period") {
      c.integer(v, p, 1, std::nullopt);
    } else if (k == "id") {
      if (!c.string(v, p)) continue;
      auto s = v.as_string();
      bool ok = !s.empty() && s[0] >= 'a' && s[0] <= 'z';
      for (char ch : s) ok = ok && (std::isalnum(static_cast<unsigned char>(ch)) || ch == '_');
      if (!ok) c.error(p, "Should match pattern \"^[a-z][a-zA-Z0-9_]*$\"");
    } else if (k == "stat" || k == "label" || k == "expression" || k == "region" || k == "accountId") {
      c.string(v, p);
    }
  }
}

// One row of properties.metrics: [Namespace, MetricName, DimName, DimValue, ..., {options}], "."
// repeating the row above, or [{"expression": ...}] alone.
void check_metric_row(Checker& c, const json::value& row, const std::string& path) {
  const auto* a = row.if_array();
  if (!a) {
    c.error(path, "Should be array");
    c.error(path, kMetricsShape);
    return;
  }
  if (a->empty()) return c.error(path, "Should NOT have fewer than 1 items");
  size_t strings = 0;
  for (size_t i = 0; i < a->size(); ++i) {
    const auto& e = (*a)[i];
    if (e.is_string()) {
      ++strings;
    } else if (e.is_object() && i + 1 == a->size()) {
      check_renderer(c, e.as_object(), at(path, i));
    } else {
      c.error(at(path, i), "Should be string");
      c.error(path, kMetricsShape);
      return;
    }
  }
  if (strings == 0 && !a->back().as_object().contains("expression"))
    c.error(at(path, 0), "Should have required property 'expression'");
  else if (strings == 1)
    c.error(path, "Should NOT have fewer than 2 items");
}

void check_annotations(Checker& c, const json::value& v, const std::string& path) {
  const auto* o = c.object(v, path);
  if (!o) return;
  if (const auto* alarms = o->if_contains("alarms"))
    if (const auto* a = c.array(*alarms, at(path, "alarms")))
      for (size_t i = 0; i < a->size(); ++i) c.alarm_arn((*a)[i], at(at(path, "alarms"), i));
  for (const char* axis : {"horizontal", "vertical"})
    if (const auto* lines = o->if_contains(axis))
      if (const auto* a = c.array(*lines, at(path, axis)))
        for (size_t i = 0; i < a->size(); ++i)
          if (const auto* line = c.object((*a)[i], at(at(path, axis), i))) c.required(*line, at(at(path, axis), i), "value");
}

void check_metric_widget(Checker& c, const json::object& p, const std::string& path) {
  bool alarm_graph = false;
  if (const auto* ann = p.if_contains("annotations")) {
    check_annotations(c, *ann, at(path, "annotations"));
    if (const auto* o = ann->if_object())
      if (const auto* alarms = o->if_contains("alarms"); alarms && alarms->is_array() && !alarms->as_array().empty())
        alarm_graph = true;
  }
  // A graph of one alarm needs no metrics: the alarm's own are drawn.
  if (!alarm_graph) c.required(p, path, "metrics");
  if (const auto* metrics = p.if_contains("metrics"))
    if (const auto* rows = c.array(*metrics, at(path, "metrics")))
      for (size_t i = 0; i < rows->size(); ++i) check_metric_row(c, (*rows)[i], at(at(path, "metrics"), i));
  for (const auto& [k, v] : p) {
    std::string kp = at(path, k);
    if (k == "view") c.one_of(v, kp, {"timeSeries", "singleValue", "gauge", "bar", "pie", "table"});
    else if (k == "period") c.integer(v, kp, 1, std::nullopt);
    else if (k == "stacked" || k == "liveData" || k == "setPeriodToTimeRange" || k == "sparkline" || k == "trend" ||
             k == "singleValueFullPrecision")
      c.boolean(v, kp);
    else if (k == "stat" || k == "region" || k == "title" || k == "start" || k == "end" || k == "timezone" || k == "accountId")
      c.string(v, kp);
    else if (k == "yAxis" || k == "legend" || k == "labels" || k == "table")
      c.object(v, kp);
  }
}

void check_alarm_widget(Checker& c, const json::object& p, const std::string& path) {
  c.required(p, path, "alarms");
  if (const auto* alarms = p.if_contains("alarms"))
    if (const auto* a = c.array(*alarms, at(path, "alarms"))) {
      if (a->empty()) c.error(at(path, "alarms"), "Should NOT have fewer than 1 items");
      if (a->size() > kMaxAlarmsPerWidget)
        c.error(at(path, "alarms"), "Should NOT have more than " + std::to_string(kMaxAlarmsPerWidget) + " items");
      for (size_t i = 0; i < a->size(); ++i) c.alarm_arn((*a)[i], at(at(path, "alarms"), i));
    }
  if (const auto* v = p.if_contains("sortBy")) c.one_of(*v, at(path, "sortBy"), {"default", "stateUpdatedTimestamp", "timestamp"});
  if (const auto* v = p.if_contains("states"))
    if (const auto* a = c.array(*v, at(path, "states")))
      for (size_t i = 0; i < a->size(); ++i) c.one_of((*a)[i], at(at(path, "states"), i), {"ALARM", "OK", "INSUFFICIENT_DATA"});
  if (const auto* v = p.if_contains("title")) c.string(*v, at(path, "title"));
}

void check_widget(Checker& c, const json::value& w, const std::string& path) {
  const auto* o = c.object(w, path);
  if (!o) return;
  c.known(*o, path, {"type", "x", "y", "width", "height", "properties"});
  c.required(*o, path, "type");
  std::string type;
  if (const auto* t = o->if_contains("type")) {
    c.one_of(*t, at(path, "type"), {"metric", "text", "log", "alarm", "explorer", "custom"});
    if (t->is_string()) type = t->as_string();
  }
  if (const auto* v = o->if_contains("x")) c.integer(*v, at(path, "x"), 0, 23);
  if (const auto* v = o->if_contains("y")) c.integer(*v, at(path, "y"), 0, std::nullopt);
  if (const auto* v = o->if_contains("width")) c.integer(*v, at(path, "width"), 1, 24);
  if (const auto* v = o->if_contains("height")) c.integer(*v, at(path, "height"), 1, 1000);
  c.required(*o, path, "properties");
  const auto* pv = o->if_contains("properties");
  const json::object* p = pv ? c.object(*pv, at(path, "properties")) : nullptr;
  if (!p) return;
  std::string pp = at(path, "properties");
  if (type == "metric") {
    check_metric_widget(c, *p, pp);
  } else if (type == "alarm") {
    check_alarm_widget(c, *p, pp);
  } else if (type == "text") {
    c.required(*p, pp, "markdown");
    if (const auto* v = p->if_contains("markdown")) c.string(*v, at(pp, "markdown"));
    if (const auto* v = p->if_contains("background")) c.one_of(*v, at(pp, "background"), {"solid", "transparent"});
  } else if (type == "log") {
    c.required(*p, pp, "query");
    if (const auto* v = p->if_contains("query")) c.string(*v, at(pp, "query"));
  }
}

}  // namespace

DashboardCheck check_dashboard_body(std::string_view body) {
  DashboardCheck out;
  boost::system::error_code ec;
  json::value doc = json::parse(body, ec);
  if (ec || !doc.is_object()) {
    out.json_object = false;
    out.errors.push_back({"", "The field DashboardBody must be a valid JSON object"});
    return out;
  }
  Checker c(out);
  const auto& o = doc.as_object();
  c.known(o, "", {"widgets", "start", "end", "periodOverride", "variables"});
  c.required(o, "", "widgets");
  if (const auto* w = o.if_contains("widgets"))
    if (const auto* widgets = c.array(*w, "/widgets")) {
      if (widgets->size() > kMaxWidgets) c.error("/widgets", "Should NOT have more than " + std::to_string(kMaxWidgets) + " items");
      for (size_t i = 0; i < widgets->size(); ++i) check_widget(c, (*widgets)[i], at("/widgets", i));
    }
  if (const auto* v = o.if_contains("start")) c.string(*v, "/start");
  if (const auto* v = o.if_contains("end")) c.string(*v, "/end");
  if (const auto* v = o.if_contains("periodOverride")) c.one_of(*v, "/periodOverride", {"auto", "inherit"});
  if (const auto* v = o.if_contains("variables")) c.array(*v, "/variables");
  return out;
}

std::string invalid_body_message(const DashboardCheck& check) {
  if (!check.json_object) return check.errors.front().message;
  std::string out = "The dashboard body is invalid, there are " + std::to_string(check.errors.size()) + " validation errors:\n[";
  for (size_t i = 0; i < check.errors.size(); ++i) {
    const auto& e = check.errors[i];
    out += std::string(i ? "," : "") + "\n  {\n    \"dataPath\": " + quoted(e.data_path) + ",\n    \"message\": " + quoted(e.message) +
           "\n  }";
  }
  return out + "\n]";
}

}  // namespace citadel::services::cloudwatch
