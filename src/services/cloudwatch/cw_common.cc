#include "services/cloudwatch/cw_common.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "base/crypto.h"
#include "services/cloudwatch/alarm_store.h"

namespace citadel::services::cloudwatch {

AwsError invalid_value(std::string message) { return AwsError::sender("InvalidParameterValue", std::move(message), 400); }
AwsError invalid_combination(std::string message) {
  return AwsError::sender("InvalidParameterCombination", std::move(message), 400);
}
AwsError missing_parameter(std::string message) { return AwsError::sender("MissingParameter", std::move(message), 400); }
AwsError alarm_not_found(std::string message) { return AwsError::sender("ResourceNotFound", std::move(message), 404); }
AwsError invalid_next_token() { return AwsError::sender("InvalidNextToken", "The service cannot process the NextToken.", 400); }

Result<Dimensions> read_dimensions(const json::value* v, const std::string& where) {
  Dimensions out;
  if (!v || !v->is_array()) return out;
  size_t i = 0;
  for (const auto& d : v->as_array()) {
    ++i;
    const auto* o = d.if_object();
    if (!o) continue;
    std::string name = text(*o, "Name"), value = text(*o, "Value");
    std::string at = where + ".member." + std::to_string(i);
    if (name.empty()) return missing_parameter("The parameter " + at + ".Name is required.");
    if (value.empty()) return missing_parameter("The parameter " + at + ".Value is required.");
    out.push_back({std::move(name), std::move(value)});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  for (size_t k = 1; k < out.size(); ++k)
    if (out[k].name == out[k - 1].name)
      return invalid_value("The collection " + where + " must not contain duplicate dimension names: " + out[k].name);
  return out;
}

// Unit and record separators cannot appear in names CloudWatch accepts from clients that matter
// here, and keep the key readable in the database.
std::string dimensions_key(const Dimensions& d) {
  std::string key;
  for (const auto& x : d) {
    if (!key.empty()) key += '\x1e';
    key += x.name;
    key += '\x1f';
    key += x.value;
  }
  return key;
}

Dimensions dimensions_from_key(const std::string& key) {
  Dimensions out;
  size_t i = 0;
  while (i < key.size()) {
    size_t end = key.find('\x1e', i);
    if (end == std::string::npos) end = key.size();
    size_t sep = key.find('\x1f', i);
    if (sep == std::string::npos || sep > end) sep = end;
    out.push_back({key.substr(i, sep - i), sep < end ? key.substr(sep + 1, end - sep - 1) : ""});
    i = end + 1;
  }
  return out;
}

json::array dimensions_json(const Dimensions& d) {
  json::array a;
  for (const auto& x : d) a.push_back(json::object{{"Name", x.name}, {"Value", x.value}});
  return a;
}

std::string alarm_arn(const std::string& region, const std::string& account, const std::string& name) {
  return "arn:aws:cloudwatch:" + region + ":" + account + ":alarm:" + name;
}

std::optional<std::string> alarm_name_of(const std::string& arn, const std::string& region, const std::string& account) {
  std::string prefix = alarm_arn(region, account, "");
  if (arn.size() <= prefix.size() || arn.compare(0, prefix.size(), prefix) != 0) return std::nullopt;
  return arn.substr(prefix.size());
}

std::string dashboard_arn(const std::string& account, const std::string& name) {
  return "arn:aws:cloudwatch::" + account + ":dashboard/" + name;
}

std::optional<std::string> dashboard_name_of(const std::string& arn, const std::string& account) {
  std::string prefix = dashboard_arn(account, "");
  if (arn.size() <= prefix.size() || arn.compare(0, prefix.size(), prefix) != 0) return std::nullopt;
  return arn.substr(prefix.size());
}

namespace {

std::vector<std::string> alarm_resources(const RequestContext& ctx, const json::object& in, Resource r) {
  const std::string& account = ctx.principal->account_id;
  std::vector<std::string> out;
  switch (r) {
    case Resource::None: return {"*"};
    case Resource::AlarmName: return {alarm_arn(ctx.region, account, input_str(in, "AlarmName"))};
    case Resource::ResourceArn: return {input_str(in, "ResourceARN")};
    case Resource::DashboardName: return {dashboard_arn(account, input_str(in, "DashboardName"))};
    case Resource::DashboardNames:
      if (const auto* names = array(in, "DashboardNames"))
        for (const auto& n : *names)
          if (n.is_string()) out.push_back(dashboard_arn(account, std::string(n.as_string())));
      return out.empty() ? std::vector<std::string>{"*"} : out;
    case Resource::AlarmNames:
    case Resource::AlarmsOrAll:
      if (const auto* names = array(in, "AlarmNames"); names && !names->empty()) {
        for (const auto& n : *names)
          if (n.is_string()) out.push_back(alarm_arn(ctx.region, account, std::string(n.as_string())));
        return out;
      }
      if (r == Resource::AlarmsOrAll) {
        std::string one = input_str(in, "AlarmName");
        return {alarm_arn(ctx.region, account, one.empty() ? "*" : one)};
      }
      return {"*"};
  }
  return {"*"};
}

}  // namespace

OperationDef cw_op(const char* name, bool read_only, Resource resource, Handler handler) {
  OperationDef op;
  op.name = name;
  op.read_only = read_only;
  std::string action = std::string("cloudwatch:") + name;
  op.authz = [action, resource](const RequestContext& ctx, const json::object& in, store::Tx& tx) {
    AuthzRequest r;
    r.action = action;
    r.resources = alarm_resources(ctx, in, resource);
    // aws:ResourceTag/KEY of the one alarm a call acts on.
    if (r.resources.size() == 1 && r.resources.front() != "*")
      if (auto tags = alarm_tags(tx, r.resources.front()); tags)
        for (const auto& [k, v] : *tags) r.condition_keys["aws:ResourceTag/" + k] = v;
    if (action == "cloudwatch:PutMetricData") r.condition_keys["cloudwatch:namespace"] = input_str(in, "Namespace");
    // cloudwatch:AlarmActions: every action ARN the alarm would run (the Service Authorization
    // Reference lists it for PutMetricAlarm and PutCompositeAlarm).
    if (action == "cloudwatch:PutMetricAlarm" || action == "cloudwatch:PutCompositeAlarm") {
      json::array actions;
      for (const char* member : {"AlarmActions", "OKActions", "InsufficientDataActions"})
        if (const auto* list = array(in, member))
          for (const auto& a : *list) actions.push_back(a);
      if (!actions.empty()) r.condition_keys["cloudwatch:AlarmActions"] = std::move(actions);
    }
    if (in.contains("Tags")) {
      auto keys = tag_condition_keys(in, "Tags");
      for (auto& [k, v] : keys) r.condition_keys[k] = v;
    }
    if (in.contains("TagKeys")) r.condition_keys["aws:TagKeys"] = tag_condition_keys(in, "TagKeys")["aws:TagKeys"];
    return r;
  };
  op.handler = std::move(handler);
  return op;
}

std::optional<double> number(const json::object& o, std::string_view member) {
  const auto* v = o.if_contains(member);
  if (!v || !v->is_number()) return std::nullopt;
  return v->to_number<double>();
}

std::optional<int64_t> integer(const json::object& o, std::string_view member) {
  const auto* v = o.if_contains(member);
  if (!v || !(v->is_int64() || v->is_uint64())) return std::nullopt;
  if (v->is_uint64()) return static_cast<int64_t>(std::min<uint64_t>(v->get_uint64(), INT64_MAX));
  return v->get_int64();
}

const json::array* array(const json::object& o, std::string_view member) {
  const auto* v = o.if_contains(member);
  return v ? v->if_array() : nullptr;
}

std::string text(const json::object& o, std::string_view member) {
  const auto* v = o.if_contains(member);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::string json_text(const json::value& v) {
  switch (v.kind()) {
    case json::kind::double_: {
      double d = v.get_double();
      if (!std::isfinite(d)) return "null";
      char buf[64];
      auto r = std::to_chars(buf, buf + sizeof buf, d);
      std::string s(buf, r.ptr);
      if (s.find_first_of(".e") == std::string::npos) s += ".0";
      return s;
    }
    case json::kind::array: {
      std::string out = "[";
      for (const auto& e : v.get_array()) out += (out.size() > 1 ? "," : "") + json_text(e);
      return out + "]";
    }
    case json::kind::object: {
      std::string out = "{";
      for (const auto& [k, e] : v.get_object())
        out += (out.size() > 1 ? "," : "") + json::serialize(json::value(json::string(k))) + ":" + json_text(e);
      return out + "}";
    }
    default: return json::serialize(v);
  }
}

std::string offset_token(size_t offset) { return crypto::base64_encode("cw1:" + std::to_string(offset)); }

Result<size_t> token_offset(const std::string& token) {
  auto raw = crypto::base64_decode(token);
  if (!raw || raw->rfind("cw1:", 0) != 0 || raw->size() > 24) return invalid_next_token();
  size_t n = 0;
  for (char c : raw->substr(4)) {
    if (c < '0' || c > '9') return invalid_next_token();
    n = n * 10 + static_cast<size_t>(c - '0');
  }
  return n;
}

}  // namespace citadel::services::cloudwatch
