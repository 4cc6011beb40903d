#include "services/cloudwatch/metric_store.h"

namespace citadel::services::cloudwatch {

std::vector<store::Migration> metric_migrations() {
  return {{"cloudwatch/001_metrics", R"sql(
-- One row per metric: namespace, name and dimensions (dims_key: cw_common.h dimensions_key).
CREATE TABLE cw_metrics (
  metric_id   INTEGER PRIMARY KEY,
  account_id  TEXT NOT NULL,
  region      TEXT NOT NULL,
  namespace   TEXT NOT NULL,
  metric_name TEXT NOT NULL,
  dims_key    TEXT NOT NULL,
  last_put_ms INTEGER NOT NULL,
  UNIQUE (account_id, region, namespace, metric_name, dims_key)
);
-- grain: seconds per period the row stands for: 1 or 60 as put, 60/300/3600 after roll-up.
-- vals: raw values for percentiles (statistics.h pack_values), NULL for statistic sets.
CREATE TABLE cw_samples (
  metric_id INTEGER NOT NULL,
  ts_ms     INTEGER NOT NULL,
  grain     INTEGER NOT NULL,
  unit      TEXT NOT NULL,
  cnt       REAL NOT NULL,
  total     REAL NOT NULL,
  min_v     REAL NOT NULL,
  max_v     REAL NOT NULL,
  vals      TEXT
);
CREATE INDEX cw_samples_by_metric ON cw_samples(metric_id, ts_ms);
CREATE INDEX cw_samples_by_age ON cw_samples(grain, ts_ms);
)sql"}};
}

Result<int64_t> upsert_metric(store::Tx& tx, const MetricKey& k, int64_t now_ms) {
  auto rows = tx.query(
      "INSERT INTO cw_metrics (account_id, region, namespace, metric_name, dims_key, last_put_ms) VALUES (?, ?, ?, ?, ?, ?) "
      "ON CONFLICT (account_id, region, namespace, metric_name, dims_key) DO UPDATE SET last_put_ms = "
      "MAX(last_put_ms, excluded.last_put_ms) RETURNING metric_id",
      {k.account, k.region, k.ns, k.name, dimensions_key(k.dims), now_ms});
  if (!rows) return rows.error();
  if (rows->empty()) return AwsError::internal("metric row not returned");
  return rows->front().i64(0);
}

Status insert_sample(store::Tx& tx, int64_t metric_id, const Sample& s) {
  auto r = tx.exec("INSERT INTO cw_samples (metric_id, ts_ms, grain, unit, cnt, total, min_v, max_v, vals) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   {metric_id, s.ts_ms, int64_t{s.resolution}, s.unit, s.count, s.sum, s.min, s.max,
                    s.values.empty() ? store::Value{} : store::Value{s.values}});
  if (!r) return r.error();
  return Ok{};
}

Status put_sample(store::Tx& tx, const MetricKey& key, const Sample& s, int64_t now_ms) {
  auto id = upsert_metric(tx, key, now_ms);
  if (!id) return id.error();
  return insert_sample(tx, *id, s);
}

Status put_value(store::Tx& tx, const MetricKey& key, const std::string& unit, double value, int64_t ts_ms, int64_t now_ms) {
  Sample s;
  s.ts_ms = ts_ms;
  s.unit = unit;
  s.count = 1;
  s.sum = s.min = s.max = value;
  return put_sample(tx, key, s, now_ms);
}

Result<std::optional<int64_t>> find_metric(store::Tx& tx, const MetricKey& k) {
  auto rows = tx.query("SELECT metric_id FROM cw_metrics WHERE account_id = ? AND region = ? AND namespace = ? AND metric_name = ? AND dims_key = ?",
                       {k.account, k.region, k.ns, k.name, dimensions_key(k.dims)});
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<int64_t>();
  return std::optional<int64_t>(rows->front().i64(0));
}

namespace {

double real(const store::Row& r, size_t i) {
  const auto& v = r.cols.at(i);
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* n = std::get_if<int64_t>(&v)) return static_cast<double>(*n);
  return 0;
}

}  // namespace

Result<Periods> read_periods(store::Tx& tx, int64_t metric_id, int64_t start_ms, int64_t end_ms, int64_t period_s,
                             const std::string& unit, bool with_values) {
  int64_t p = period_s * 1000;
  // Periods are aligned to the epoch; the SQL groups whole periods so a read moves one row per period.
  std::string sql = "SELECT (ts_ms / ?) * ? AS period, SUM(cnt), SUM(total), MIN(min_v), MAX(max_v)";
  sql += with_values ? ", group_concat(vals, ',')" : ", NULL";
  sql += " FROM cw_samples WHERE metric_id = ? AND ts_ms >= ? AND ts_ms < ?";
  std::vector<store::Value> params{p, p, metric_id, start_ms, end_ms};
  if (!unit.empty()) {
    sql += " AND unit = ?";
    params.emplace_back(unit);
  }
  sql += " GROUP BY period ORDER BY period";
  auto rows = tx.query_v(sql, params);
  if (!rows) return rows.error();
  Periods out;
  for (const auto& r : *rows) {
    auto& a = out[r.i64(0)];
    a.add(real(r, 1), real(r, 2), real(r, 3), real(r, 4));
    if (with_values && !r.is_null(5)) a.add_values(r.str(5));
  }
  return out;
}

Result<std::string> latest_unit(store::Tx& tx, int64_t metric_id, int64_t start_ms, int64_t end_ms) {
  auto rows = tx.query("SELECT unit FROM cw_samples WHERE metric_id = ? AND ts_ms >= ? AND ts_ms < ? ORDER BY ts_ms DESC LIMIT 1",
                       {metric_id, start_ms, end_ms});
  if (!rows) return rows.error();
  return rows->empty() ? std::string() : rows->front().str(0);
}

Result<std::vector<ListedMetric>> list_metrics(store::Tx& tx, const std::string& account, const std::string& region,
                                               const std::string& ns, const std::string& name, int64_t since_ms,
                                               int64_t after_id, int64_t limit) {
  std::string sql = "SELECT metric_id, namespace, metric_name, dims_key FROM cw_metrics WHERE account_id = ? AND region = ? AND last_put_ms >= ? AND metric_id > ?";
  std::vector<store::Value> params{account, region, since_ms, after_id};
  if (!ns.empty()) {
    sql += " AND namespace = ?";
    params.emplace_back(ns);
  }
  if (!name.empty()) {
    sql += " AND metric_name = ?";
    params.emplace_back(name);
  }
  sql += " ORDER BY metric_id LIMIT ?";
  params.emplace_back(limit);
  auto rows = tx.query_v(sql, params);
  if (!rows) return rows.error();
  std::vector<ListedMetric> out;
  for (const auto& r : *rows) out.push_back({r.i64(0), r.str(1), r.str(2), dimensions_from_key(r.str(3))});
  return out;
}

Status apply_retention(store::Tx& tx, int64_t now_ms) {
  constexpr int64_t kHour = 3600 * 1000, kDay = 24 * kHour;
  struct Step {
    int64_t grain_s, older_than_ms;
  };
  // Each step merges rows of a finer grain that are older than its age into its own grain.
  const Step steps[] = {{60, 3 * kHour}, {300, 15 * kDay}, {3600, 63 * kDay}};
  for (const auto& s : steps) {
    int64_t cutoff = now_ms - s.older_than_ms, g = s.grain_s * 1000;
    auto ins = tx.exec(
        "INSERT INTO cw_samples (metric_id, ts_ms, grain, unit, cnt, total, min_v, max_v, vals) "
        "SELECT metric_id, (ts_ms / ?) * ?, ?, unit, SUM(cnt), SUM(total), MIN(min_v), MAX(max_v), group_concat(vals, ',') "
        "FROM cw_samples WHERE grain < ? AND ts_ms < ? GROUP BY metric_id, ts_ms / ?, unit",
        {g, g, s.grain_s, s.grain_s, cutoff, g});
    if (!ins) return ins.error();
    auto del = tx.exec("DELETE FROM cw_samples WHERE grain < ? AND ts_ms < ?", {s.grain_s, cutoff});
    if (!del) return del.error();
  }
  auto old = tx.exec("DELETE FROM cw_samples WHERE ts_ms < ?", {now_ms - 455 * kDay});
  if (!old) return old.error();
  return Ok{};
}

}  // namespace citadel::services::cloudwatch
