#include "services/cloudwatch/alarm_store.h"

namespace citadel::services::cloudwatch {

std::vector<store::Migration> alarm_migrations() {
  return {{"cloudwatch/002_alarms", R"sql(
CREATE TABLE cw_alarms (
  account_id            TEXT NOT NULL,
  region                TEXT NOT NULL,
  alarm_name            TEXT NOT NULL,
  config                TEXT NOT NULL,
  state_value           TEXT NOT NULL,
  state_reason          TEXT NOT NULL,
  state_reason_data     TEXT NOT NULL,
  state_updated_ms      INTEGER NOT NULL,
  state_transitioned_ms INTEGER NOT NULL,
  config_updated_ms     INTEGER NOT NULL,
  actions_enabled       INTEGER NOT NULL,
  PRIMARY KEY (account_id, region, alarm_name)
);
CREATE TABLE cw_alarm_history (
  item_id    INTEGER PRIMARY KEY,
  account_id TEXT NOT NULL,
  region     TEXT NOT NULL,
  alarm_name TEXT NOT NULL,
  alarm_type TEXT NOT NULL,
  ts_ms      INTEGER NOT NULL,
  item_type  TEXT NOT NULL,
  summary    TEXT NOT NULL,
  data       TEXT NOT NULL
);
CREATE INDEX cw_alarm_history_by_alarm ON cw_alarm_history(account_id, region, alarm_name, ts_ms);
CREATE INDEX cw_alarm_history_by_time ON cw_alarm_history(account_id, region, ts_ms);
CREATE TABLE cw_tags (
  resource_arn TEXT NOT NULL,
  tag_key      TEXT NOT NULL,
  tag_value    TEXT NOT NULL,
  PRIMARY KEY (resource_arn, tag_key)
);
)sql"}};
}

namespace {

constexpr const char* kColumns =
    "SELECT account_id, region, alarm_name, config, state_value, state_reason, state_reason_data, state_updated_ms, "
    "state_transitioned_ms, config_updated_ms, actions_enabled FROM cw_alarms";

AlarmRow row_of(const store::Row& r) {
  AlarmRow a;
  a.account = r.str(0);
  a.region = r.str(1);
  a.name = r.str(2);
  boost::system::error_code ec;
  auto cfg = json::parse(r.str(3), ec);
  if (!ec && cfg.is_object()) a.config = std::move(cfg.as_object());
  a.state = r.str(4);
  a.reason = r.str(5);
  a.reason_data = r.str(6);
  a.state_updated_ms = r.i64(7);
  a.state_transitioned_ms = r.i64(8);
  a.config_updated_ms = r.i64(9);
  a.actions_enabled = r.i64(10) != 0;
  return a;
}

}  // namespace

Result<std::optional<AlarmRow>> load_alarm(store::Tx& tx, const std::string& account, const std::string& region, const std::string& name) {
  auto rows = tx.query(std::string(kColumns) + " WHERE account_id = ? AND region = ? AND alarm_name = ?", {account, region, name});
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<AlarmRow>();
  return std::optional<AlarmRow>(row_of(rows->front()));
}

Result<std::vector<AlarmRow>> load_alarms(store::Tx& tx, const std::string& account, const std::string& region) {
  auto rows = account.empty() ? tx.query(std::string(kColumns) + " ORDER BY account_id, region, alarm_name")
                              : tx.query(std::string(kColumns) + " WHERE account_id = ? AND region = ? ORDER BY alarm_name", {account, region});
  if (!rows) return rows.error();
  std::vector<AlarmRow> out;
  for (const auto& r : *rows) out.push_back(row_of(r));
  return out;
}

Status save_alarm(store::Tx& tx, const AlarmRow& a) {
  auto r = tx.exec(
      "INSERT OR REPLACE INTO cw_alarms (account_id, region, alarm_name, config, state_value, state_reason, state_reason_data, "
      "state_updated_ms, state_transitioned_ms, config_updated_ms, actions_enabled) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {a.account, a.region, a.name, json::serialize(a.config), a.state, a.reason, a.reason_data, a.state_updated_ms,
       a.state_transitioned_ms, a.config_updated_ms, int64_t{a.actions_enabled ? 1 : 0}});
  if (!r) return r.error();
  return Ok{};
}

Status delete_alarm(store::Tx& tx, const AlarmRow& a) {
  auto r = tx.exec("DELETE FROM cw_alarms WHERE account_id = ? AND region = ? AND alarm_name = ?", {a.account, a.region, a.name});
  if (!r) return r.error();
  auto t = tx.exec("DELETE FROM cw_tags WHERE resource_arn = ?", {alarm_arn(a.region, a.account, a.name)});
  if (!t) return t.error();
  return Ok{};
}

Result<int64_t> count_alarms(store::Tx& tx, const std::string& account, const std::string& region) {
  auto rows = tx.query("SELECT COUNT(*) FROM cw_alarms WHERE account_id = ? AND region = ?", {account, region});
  if (!rows) return rows.error();
  return rows->front().i64(0);
}

json::object alarm_view(const AlarmRow& a) {
  json::object v;
  static const char* kCopied[] = {"AlarmDescription", "MetricName", "Namespace", "Statistic", "ExtendedStatistic", "Period", "Unit",
                                  "EvaluationPeriods", "DatapointsToAlarm", "Threshold", "ComparisonOperator", "TreatMissingData",
                                  "EvaluateLowSampleCountPercentile", "Metrics", "ThresholdMetricId", "AlarmRule"};
  v["AlarmName"] = a.name;
  v["AlarmArn"] = alarm_arn(a.region, a.account, a.name);
  for (const char* k : kCopied)
    if (const auto* x = a.config.if_contains(k)) v[k] = *x;
  v["AlarmConfigurationUpdatedTimestamp"] = a.config_updated_ms;
  v["ActionsEnabled"] = a.actions_enabled;
  for (const char* k : {"OKActions", "AlarmActions", "InsufficientDataActions"}) {
    const auto* x = a.config.if_contains(k);
    v[k] = x && x->is_array() ? *x : json::value(json::array{});
  }
  const auto* dims = a.config.if_contains("Dimensions");
  if (!a.config.contains("Metrics") && !a.composite()) v["Dimensions"] = dims && dims->is_array() ? *dims : json::value(json::array{});
  v["StateValue"] = a.state;
  v["StateReason"] = a.reason;
  if (!a.reason_data.empty()) v["StateReasonData"] = a.reason_data;
  v["StateUpdatedTimestamp"] = a.state_updated_ms;
  v["StateTransitionedTimestamp"] = a.state_transitioned_ms;
  return v;
}

Status add_history(store::Tx& tx, const AlarmRow& a, const HistoryItem& item) {
  auto r = tx.exec("INSERT INTO cw_alarm_history (account_id, region, alarm_name, alarm_type, ts_ms, item_type, summary, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                   {a.account, a.region, a.name, std::string(a.type()), item.ts_ms, item.type, item.summary, json_text(item.data)});
  if (!r) return r.error();
  return Ok{};
}

Result<std::pair<json::array, bool>> read_history(store::Tx& tx, const HistoryQuery& q) {
  std::string sql = "SELECT alarm_name, ts_ms, item_type, summary, data, alarm_type FROM cw_alarm_history WHERE account_id = ? AND region = ? AND ts_ms >= ? AND ts_ms < ?";
  std::vector<store::Value> params{q.account, q.region, q.start_ms, q.end_ms};
  if (!q.name.empty()) {
    sql += " AND alarm_name = ?";
    params.emplace_back(q.name);
  }
  if (!q.type.empty()) {
    sql += " AND item_type = ?";
    params.emplace_back(q.type);
  }
  if (!q.alarm_types.empty()) {
    sql += " AND alarm_type IN (";
    for (size_t i = 0; i < q.alarm_types.size(); ++i) {
      sql += i ? ", ?" : "?";
      params.emplace_back(q.alarm_types[i]);
    }
    sql += ")";
  }
  sql += q.ascending ? " ORDER BY ts_ms, item_id" : " ORDER BY ts_ms DESC, item_id DESC";
  sql += " LIMIT ? OFFSET ?";
  params.emplace_back(static_cast<int64_t>(q.limit + 1));
  params.emplace_back(static_cast<int64_t>(q.offset));
  auto rows = tx.query_v(sql, params);
  if (!rows) return rows.error();
  json::array items;
  for (size_t i = 0; i < rows->size() && i < q.limit; ++i) {
    const auto& r = (*rows)[i];
    items.push_back(json::object{{"AlarmName", r.str(0)}, {"AlarmType", r.str(5)}, {"Timestamp", r.i64(1)},
                                 {"HistoryItemType", r.str(2)}, {"HistorySummary", r.str(3)}, {"HistoryData", r.str(4)}});
  }
  return std::make_pair(std::move(items), rows->size() > q.limit);
}

Result<std::vector<std::pair<std::string, std::string>>> alarm_tags(store::Tx& tx, const std::string& arn) {
  auto rows = tx.query("SELECT tag_key, tag_value FROM cw_tags WHERE resource_arn = ? ORDER BY tag_key", {arn});
  if (!rows) return rows.error();
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& r : *rows) out.emplace_back(r.str(0), r.str(1));
  return out;
}

Status put_alarm_tags(store::Tx& tx, const std::string& arn, const json::array& tags) {
  for (const auto& t : tags) {
    if (!t.is_object()) continue;
    auto r = tx.exec("INSERT OR REPLACE INTO cw_tags (resource_arn, tag_key, tag_value) VALUES (?, ?, ?)",
                     {arn, text(t.as_object(), "Key"), text(t.as_object(), "Value")});
    if (!r) return r.error();
  }
  return Ok{};
}

Status remove_alarm_tags(store::Tx& tx, const std::string& arn, const json::array& keys) {
  for (const auto& k : keys) {
    if (!k.is_string()) continue;
    auto r = tx.exec("DELETE FROM cw_tags WHERE resource_arn = ? AND tag_key = ?", {arn, std::string(k.as_string())});
    if (!r) return r.error();
  }
  return Ok{};
}

}  // namespace citadel::services::cloudwatch
