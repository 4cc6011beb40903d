// PutMetricAlarm, DescribeAlarms (metric and composite alarms), DescribeAlarmsForMetric, DeleteAlarms.
#include "services/cloudwatch/alarm_config.h"
#include "services/cloudwatch/alarm_store.h"
#include "services/cloudwatch/cloudwatch_operations.h"
#include "services/cloudwatch/composite_rule.h"
#include "services/cloudwatch/put_alarm.h"

namespace citadel::services::cloudwatch {

namespace {

constexpr int64_t kDefaultMaxRecords = 50;

Result<json::value> put_metric_alarm(Call& call) {
  if (auto s = check_alarm_config(call.input, call.ctx.region); !s) return s.error();
  return put_alarm(call);
}

bool has_action_prefix(const AlarmRow& a, const std::string& prefix) {
  for (const char* member : {"AlarmActions", "OKActions", "InsufficientDataActions"})
    if (const auto* actions = array(a.config, member))
      for (const auto& x : *actions)
        if (x.is_string() && x.as_string().subview().substr(0, prefix.size()) == prefix) return true;
  return false;
}

// A composite rule names an alarm by its name or its ARN.
bool names_alarm(const std::string& ref, const AlarmRow& a) {
  return ref == a.name || ref == alarm_arn(a.region, a.account, a.name);
}

std::vector<std::string> children_of(const AlarmRow& composite) {
  auto rule = parse_alarm_rule(text(composite.config, "AlarmRule"));
  return rule ? rule_alarms(**rule) : std::vector<std::string>{};
}

// Which alarms a DescribeAlarms call selects, before paging.
Result<std::vector<const AlarmRow*>> select_alarms(Call& call, const std::vector<AlarmRow>& all) {
  std::vector<const AlarmRow*> out;
  std::string children = call.str("ChildrenOfAlarmName"), parents = call.str("ParentsOfAlarmName");
  if (!children.empty() || !parents.empty()) {
    // The alarms a composite alarm's rule names, or the composite alarms whose rules name an alarm;
    // of both types, whatever AlarmTypes says.
    if (!children.empty() && !parents.empty())
      return invalid_combination("The parameters ChildrenOfAlarmName and ParentsOfAlarmName are mutually exclusive and you have specified both.");
    for (const auto& p : all) {
      if (!children.empty() && p.name == children && p.composite())
        for (const auto& ref : children_of(p))
          for (const auto& c : all)
            if (names_alarm(ref, c)) out.push_back(&c);
      if (!parents.empty() && p.composite())
        for (const auto& ref : children_of(p))
          for (const auto& c : all)
            if (c.name == parents && names_alarm(ref, c)) out.push_back(&p);
    }
    return out;
  }
  const auto* names = array(call.input, "AlarmNames");
  std::string prefix = call.str("AlarmNamePrefix");
  if (names && !names->empty() && !prefix.empty())
    return invalid_combination("The parameters AlarmNames and AlarmNamePrefix are mutually exclusive and you have specified both.");
  // Without AlarmTypes, only metric alarms are described, as in CloudWatch.
  bool metric = true, composite = false;
  if (const auto* types = array(call.input, "AlarmTypes"); types && !types->empty()) {
    metric = false;
    for (const auto& t : *types) {
      metric = metric || (t.is_string() && t.as_string() == "MetricAlarm");
      composite = composite || (t.is_string() && t.as_string() == "CompositeAlarm");
    }
  }
  std::string state = call.str("StateValue"), action_prefix = call.str("ActionPrefix");
  for (const auto& a : all) {
    if (a.composite() ? !composite : !metric) continue;
    if (names && !names->empty()) {
      bool named = false;
      for (const auto& n : *names) named = named || (n.is_string() && n.as_string() == a.name);
      if (!named) continue;
    }
    if (!prefix.empty() && a.name.rfind(prefix, 0) != 0) continue;
    if (!state.empty() && a.state != state) continue;
    if (!action_prefix.empty() && !has_action_prefix(a, action_prefix)) continue;
    out.push_back(&a);
  }
  return out;
}

Result<json::value> describe_alarms(Call& call) {
  size_t offset = 0;
  if (auto t = call.str("NextToken"); !t.empty()) {
    auto off = token_offset(t);
    if (!off) return off.error();
    offset = *off;
  }
  auto max = static_cast<size_t>(integer(call.input, "MaxRecords").value_or(kDefaultMaxRecords));
  auto all = load_alarms(call.tx, call.account(), call.ctx.region);
  if (!all) return all.error();
  auto matched = select_alarms(call, *all);
  if (!matched) return matched.error();
  json::array metric, composite;
  for (size_t i = offset; i < matched->size() && i < offset + max; ++i)
    ((*matched)[i]->composite() ? composite : metric).push_back(alarm_view(*(*matched)[i]));
  json::object res{{"MetricAlarms", std::move(metric)}, {"CompositeAlarms", std::move(composite)}};
  if (offset + max < matched->size()) res["NextToken"] = offset_token(offset + max);
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
                  json::object{{"version", "1.0"}, {"type", "Delete"}, {"deletedAlarm", history_view(a)}}, call.ctx.now_ms};
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
