#include "services/cloudwatch/alarm_notification.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

#include "base/time.h"

namespace citadel::services::cloudwatch {

namespace {

// CloudWatch's notifications write times as "2026-05-13T16:04:44.196+0000".
std::string notification_time(int64_t ms) {
  std::string t = timeutil::iso8601(ms, true);
  if (!t.empty() && t.back() == 'Z') t.replace(t.size() - 1, 1, "+0000");
  return t;
}

json::array actions(const json::object& config, std::string_view member) {
  const auto* a = array(config, member);
  return a ? *a : json::array{};
}

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

// The Trigger of a metric alarm: its metric (dimensions as {"value", "name"}) or its metric math.
json::object trigger(const json::object& c) {
  json::object t;
  if (const auto* metrics = array(c, "Metrics")) {
    t["Metrics"] = *metrics;
  } else {
    t["MetricName"] = text(c, "MetricName");
    t["Namespace"] = text(c, "Namespace");
    if (c.contains("ExtendedStatistic")) {
      t["StatisticType"] = "ExtendedStatistic";
      t["ExtendedStatistic"] = text(c, "ExtendedStatistic");
    } else {
      t["StatisticType"] = "Statistic";
      t["Statistic"] = upper(text(c, "Statistic"));
    }
    t["Unit"] = c.contains("Unit") ? json::value(text(c, "Unit")) : json::value(nullptr);
    json::array dims;
    if (const auto* d = array(c, "Dimensions"))
      for (const auto& x : *d)
        if (x.is_object()) dims.push_back(json::object{{"value", text(x.as_object(), "Value")}, {"name", text(x.as_object(), "Name")}});
    t["Dimensions"] = std::move(dims);
  }
  if (auto p = integer(c, "Period")) t["Period"] = *p;
  auto n = integer(c, "EvaluationPeriods").value_or(1);
  t["EvaluationPeriods"] = n;
  t["DatapointsToAlarm"] = integer(c, "DatapointsToAlarm").value_or(n);
  t["ComparisonOperator"] = text(c, "ComparisonOperator");
  t["Threshold"] = number(c, "Threshold").value_or(0.0);
  t["TreatMissingData"] = text(c, "TreatMissingData");
  t["EvaluateLowSampleCountPercentile"] = text(c, "EvaluateLowSampleCountPercentile");
  return t;
}

// At most `n` characters (UTF-8), as a subject must be shorter than 100.
std::string clip(std::string s, size_t n) {
  size_t chars = 0;
  for (size_t i = 0; i < s.size(); ++i)
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && ++chars > n) return s.substr(0, i);
  return s;
}

}  // namespace

std::string region_display_name(const std::string& region) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 24> kNames{{
      {"us-east-1", "US East (N. Virginia)"},       {"us-east-2", "US East (Ohio)"},
      {"us-west-1", "US West (N. California)"},     {"us-west-2", "US West (Oregon)"},
      {"af-south-1", "Africa (Cape Town)"},         {"ap-east-1", "Asia Pacific (Hong Kong)"},
      {"ap-south-1", "Asia Pacific (Mumbai)"},      {"ap-northeast-1", "Asia Pacific (Tokyo)"},
      {"ap-northeast-2", "Asia Pacific (Seoul)"},   {"ap-northeast-3", "Asia Pacific (Osaka)"},
      {"ap-southeast-1", "Asia Pacific (Singapore)"}, {"ap-southeast-2", "Asia Pacific (Sydney)"},
      {"ca-central-1", "Canada (Central)"},         {"eu-central-1", "EU (Frankfurt)"},
      {"eu-central-2", "EU (Zurich)"},              {"eu-west-1", "EU (Ireland)"},
      {"eu-west-2", "EU (London)"},                 {"eu-west-3", "EU (Paris)"},
      {"eu-north-1", "EU (Stockholm)"},             {"eu-south-1", "EU (Milan)"},
      {"me-south-1", "Middle East (Bahrain)"},      {"me-central-1", "Middle East (UAE)"},
      {"sa-east-1", "South America (Sao Paulo)"},   {"il-central-1", "Israel (Tel Aviv)"},
  }};
  for (const auto& [code, name] : kNames)
    if (code == region) return std::string(name);
  return region;
}

AlarmNotification alarm_notification(const AlarmRow& a, const std::string& old_state) {
  const json::object& c = a.config;
  json::object m;
  m["AlarmName"] = a.name;
  m["AlarmDescription"] = c.contains("AlarmDescription") ? json::value(text(c, "AlarmDescription")) : json::value(nullptr);
  m["AWSAccountId"] = a.account;
  m["AlarmConfigurationUpdatedTimestamp"] = notification_time(a.config_updated_ms);
  m["NewStateValue"] = a.state;
  m["NewStateReason"] = a.reason;
  m["StateChangeTime"] = notification_time(a.state_updated_ms);
  m["Region"] = region_display_name(a.region);
  m["AlarmArn"] = alarm_arn(a.region, a.account, a.name);
  m["OldStateValue"] = old_state;
  m["OKActions"] = actions(c, "OKActions");
  m["AlarmActions"] = actions(c, "AlarmActions");
  m["InsufficientDataActions"] = actions(c, "InsufficientDataActions");
  if (a.composite()) m["AlarmRule"] = text(c, "AlarmRule");
  else m["Trigger"] = trigger(c);
  return {clip(a.state + ": \"" + a.name + "\" in " + region_display_name(a.region), 99), json_text(m)};
}

}  // namespace citadel::services::cloudwatch
