// PutMetricAlarm, DescribeAlarms, DescribeAlarmsForMetric, DeleteAlarms.
#include "services/cloudwatch/alarm_config.h"
#include "services/cloudwatch/alarm_store.h"
#include "services/cloudwatch/cloudwatch_operations.h"

namespace citadel::services::cloudwatch {

namespace {

constexpr int64_t kMaxAlarms = 5000;  // per account and region, CloudWatch's quota
constexpr int64_t kDefaultMaxRecords = 50;

json::object history_alarm(const AlarmRow& a) {
  json::object o = alarm_view(a);
  o.erase("StateReason");
  o.erase("StateReasonData");
  return o;
}

Result<json::value> put_metric_alarm(Call& call) {
  if (auto s = check_alarm_config(call.input, call.ctx.region); !s) return s.error();
  std::string name = call.str("AlarmName");
  auto existing = load_alarm(call.tx, call.account(), call.ctx.region, name);
  if (!existing) return existing.error();
  AlarmRow a;
  if (*existing) {
    a = **existing;  // an update keeps the state; the configuration is replaced whole
  } else {
    auto n = count_alarms(call.tx, call.account(), call.ctx.region);
    if (!n) return n.error();
    if (*n >= kMaxAlarms) return AwsError::sender("LimitExceeded", "The maximum number of alarms (" + std::to_string(kMaxAlarms) + ") has been reached.", 400);
    a.account = call.account();
    a.region = call.ctx.region;
    a.name = name;
    a.reason = "Unchecked: Initial alarm creation";
    a.state_updated_ms = a.state_transitioned_ms = call.ctx.now_ms;
  }
  json::object before = history_alarm(a);
  a.config = call.input;
  a.config.erase("Tags");
  // Dimensions in canonical order, so DescribeAlarmsForMetric matches them whatever order they came in.
  if (a.config.contains("Dimensions")) a.config["Dimensions"] = dimensions_json(*read_dimensions(a.config.if_contains("Dimensions"), "Dimensions"));
  const auto* enabled = call.input.if_contains("ActionsEnabled");
  a.actions_enabled = !enabled || !enabled->is_bool() || enabled->as_bool();
  a.config_updated_ms = call.ctx.now_ms;
  if (auto s = save_alarm(call.tx, a); !s) return s.error();
  json::object data{{"version", "1.0"}};
  if (*existing) {
    data["type"] = "Update";
    data["updatedAlarm"] = history_alarm(a);
    data["originalAlarm"] = std::move(before);
  } else {
    data["type"] = "Create";
    data["createdAlarm"] = history_alarm(a);
  }
  HistoryItem h{"ConfigurationUpdate", "Alarm \"" + name + "\" " + (*existing ? "updated" : "created"), std::move(data), call.ctx.now_ms};
  if (auto s = add_history(call.tx, a, h); !s) return s.error();
  // Tags are applied on creation only, as in CloudWatch (TagResource changes them later).
  if (const auto* tags = array(call.input, "Tags"); tags && !*existing)
    if (auto s = put_alarm_tags(call.tx, alarm_arn(a.region, a.account, a.name), *tags); !s) return s.error();
  return json::object{};
}

bool has_action_prefix(const AlarmRow& a, const std::string& prefix) {
  for (const char* member : {"AlarmActions", "OKActions", "InsufficientDataActions"})
    if (const auto* actions = array(a.config, member))
      for (const auto& x : *actions)
        if (x.is_string() && x.as_string().subview().substr(0, prefix.size()) == prefix) return true;
  return false;
}

Result<json::value> describe_alarms(Call& call) {
  const auto* names = array(call.input, "AlarmNames");
  std::string prefix = call.str("AlarmNamePrefix");
  if (names && !names->empty() && !prefix.empty())
    return invalid_combination("The parameters AlarmNames and AlarmNamePrefix are mutually exclusive and you have specified both.");
  if (call.has("ChildrenOfAlarmName") || call.has("ParentsOfAlarmName")) {
    // Composite alarms are not built: no metric alarm has a parent or a child.
    return json::object{{"MetricAlarms", json::array{}}, {"CompositeAlarms", json::array{}}};
  }
  bool metric_alarms = true;
  if (const auto* types = array(call.input, "AlarmTypes"); types && !types->empty()) {
    metric_alarms = false;
    for (const auto& t : *types) metric_alarms = metric_alarms || (t.is_string() && t.as_string() == "MetricAlarm");
  }
  size_t offset = 0;
  if (auto t = call.str("NextToken"); !t.empty()) {
    auto off = token_offset(t);
    if (!off) return off.error();
    offset = *off;
  }
  auto max = static_cast<size_t>(integer(call.input, "MaxRecords").value_or(kDefaultMaxRecords));
  auto all = load_alarms(call.tx, call.account(), call.ctx.region);
  if (!all) return all.error();
  std::string state = call.str("StateValue"), action_prefix = call.str("ActionPrefix");
  std::vector<const AlarmRow*> matched;
  for (const auto& a : *all) {
    if (!metric_alarms) break;
    if (names && !names->empty()) {
      bool named = false;
      for (const auto& n : *names) named = named || (n.is_string() && n.as_string() == a.name);
      if (!named) continue;
    }
    if (!prefix.empty() && a.name.rfind(prefix, 0) != 0) continue;
    if (!state.empty() && a.state != state) continue;
    if (!action_prefix.empty() && !has_action_prefix(a, action_prefix)) continue;
    matched.push_back(&a);
  }
  json::array out;
  for (size_t i = offset; i < matched.size() && out.size() < max; ++i) out.push_back(alarm_view(*matched[i]));
  json::object res{{"MetricAlarms", std::move(out)}, {"CompositeAlarms", json::array{}}};
  if (offset + max < matched.size()) res["NextToken"] = offset_token(offset + max);
  return res;
}

Result<json::value> describe_alarms_for_metric(Call& call) {
  auto all = load_alarms(call.tx, call.account(), call.ctx.region);
  if (!all) return all.error();
  std::optional<json::array> dims;
  if (call.has("Dimensions")) {
    auto d = read_dimensions(call.input.if_contains("Dimensions"), "Dimensions");
    if (!d) return d.error();
    dims = dimensions_json(*d);
  }
  json::array out;
  for (const auto& a : *all) {
    const auto& c = a.config;
    if (text(c, "MetricName") != call.str("MetricName") || text(c, "Namespace") != call.str("Namespace")) continue;
    bool ok = true;
    for (const char* k : {"Statistic", "ExtendedStatistic", "Unit"})
      if (call.has(k) && text(c, k) != call.str(k)) ok = false;
    if (call.has("Period") && integer(c, "Period") != integer(call.input, "Period")) ok = false;
    if (dims) {
      const auto* cd = c.if_contains("Dimensions");
      if ((cd ? *cd : json::value(json::array{})) != json::value(*dims)) ok = false;
    }
    if (ok) out.push_back(alarm_view(a));
  }
  return json::object{{"MetricAlarms", std::move(out)}};
}

Result<json::value> delete_alarms(Call& call) {
  std::vector<AlarmRow> found;
  std::vector<std::string> missing;
  for (const auto& n : *array(call.input, "AlarmNames")) {
    if (!n.is_string()) continue;
    auto a = load_alarm(call.tx, call.account(), call.ctx.region, std::string(n.as_string()));
    if (!a) return a.error();
    if (*a) found.push_back(std::move(**a));
    else missing.emplace_back(n.as_string());
  }
  // One unknown name deletes nothing, as in CloudWatch.
  if (!missing.empty()) {
    std::string list;
    for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
    return alarm_not_found("1 or more alarms not found: [" + list + "]");
  }
  for (const auto& a : found) {
    if (auto s = delete_alarm(call.tx, a); !s) return s.error();
    HistoryItem h{"ConfigurationUpdate", "Alarm \"" + a.name + "\" deleted",
                  json::object{{"version", "1.0"}, {"type", "Delete"}, {"deletedAlarm", history_alarm(a)}}, call.ctx.now_ms};
    if (auto s = add_history(call.tx, a, h); !s) return s.error();
  }
  return json::object{};
}

}  // namespace

void add_alarm_operations(std::vector<OperationDef>& ops) {
  ops.push_back(cw_op("PutMetricAlarm", false, Resource::AlarmName, put_metric_alarm));
  ops.push_back(cw_op("DescribeAlarms", true, Resource::AlarmsOrAll, describe_alarms));
  ops.push_back(cw_op("DescribeAlarmsForMetric", true, Resource::None, describe_alarms_for_metric));
  ops.push_back(cw_op("DeleteAlarms", false, Resource::AlarmNames, delete_alarms));
}

}  // namespace citadel::services::cloudwatch
