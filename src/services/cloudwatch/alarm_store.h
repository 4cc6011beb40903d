#pragma once
// Alarms, their history and tags (tables cw_alarms, cw_alarm_history, cw_tags). An alarm's
// configuration is kept as the PutMetricAlarm input that made it (without Tags); its state beside.
#include <optional>
#include <string>
#include <vector>

#include "services/cloudwatch/cw_common.h"

namespace citadel::services::cloudwatch {

struct AlarmRow {
  std::string account, region, name;
  json::object config;  // PutMetricAlarm's input
  std::string state = "INSUFFICIENT_DATA", reason, reason_data;
  int64_t state_updated_ms = 0, state_transitioned_ms = 0, config_updated_ms = 0;
  bool actions_enabled = true;

  // A composite alarm's configuration is PutCompositeAlarm's input, with its AlarmRule.
  bool composite() const { return config.contains("AlarmRule"); }
  const char* type() const { return composite() ? "CompositeAlarm" : "MetricAlarm"; }
};

Result<std::optional<AlarmRow>> load_alarm(store::Tx& tx, const std::string& account, const std::string& region, const std::string& name);
// The alarms of one account and region by name; every alarm of every account when `account` is "".
Result<std::vector<AlarmRow>> load_alarms(store::Tx& tx, const std::string& account, const std::string& region);
Status save_alarm(store::Tx& tx, const AlarmRow& a);  // insert or replace
Status delete_alarm(store::Tx& tx, const AlarmRow& a);  // with its tags; history stays
Result<int64_t> count_alarms(store::Tx& tx, const std::string& account, const std::string& region);

// The MetricAlarm or CompositeAlarm shape DescribeAlarms returns.
json::object alarm_view(const AlarmRow& a);

struct HistoryItem {
  std::string type;     // ConfigurationUpdate, StateUpdate, Action
  std::string summary;  // "Alarm updated from OK to ALARM"
  json::object data;    // HistoryData, serialized as JSON text
  int64_t ts_ms = 0;
};
Status add_history(store::Tx& tx, const AlarmRow& a, const HistoryItem& item);
struct HistoryQuery {
  std::string account, region, name, type;
  std::vector<std::string> alarm_types;  // MetricAlarm, CompositeAlarm; empty: both
  int64_t start_ms = 0, end_ms = INT64_MAX;
  bool ascending = false;
  size_t offset = 0, limit = 100;
};
// Items matching the query and whether there are more after them.
Result<std::pair<json::array, bool>> read_history(store::Tx& tx, const HistoryQuery& q);

Result<std::vector<std::pair<std::string, std::string>>> alarm_tags(store::Tx& tx, const std::string& arn);
Status put_alarm_tags(store::Tx& tx, const std::string& arn, const json::array& tags);
Status remove_alarm_tags(store::Tx& tx, const std::string& arn, const json::array& keys);

std::vector<store::Migration> alarm_migrations();

}  // namespace citadel::services::cloudwatch
