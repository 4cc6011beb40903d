#include "services/cloudwatch/dashboard_store.h"

namespace citadel::services::cloudwatch {

std::vector<store::Migration> dashboard_migrations() {
  return {{"cloudwatch/003_dashboards", R"sql(
CREATE TABLE cw_dashboards (
  account_id     TEXT NOT NULL,
  dashboard_name TEXT NOT NULL,
  body           TEXT NOT NULL,
  modified_ms    INTEGER NOT NULL,
  PRIMARY KEY (account_id, dashboard_name)
);
)sql"}};
}

namespace {

constexpr const char* kColumns = "SELECT account_id, dashboard_name, body, modified_ms FROM cw_dashboards";

DashboardRow row_of(const store::Row& r) { return DashboardRow{r.str(0), r.str(1), r.str(2), r.i64(3)}; }

}  // namespace

Result<std::optional<DashboardRow>> load_dashboard(store::Tx& tx, const std::string& account, const std::string& name) {
  auto rows = tx.query(std::string(kColumns) + " WHERE account_id = ? AND dashboard_name = ?", {account, name});
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<DashboardRow>();
  return std::optional<DashboardRow>(row_of(rows->front()));
}

Result<std::vector<DashboardRow>> list_dashboards(store::Tx& tx, const std::string& account, const std::string& prefix) {
  // substr() rather than LIKE: names may hold '_', which LIKE reads as a wildcard.
  auto rows = tx.query(std::string(kColumns) + " WHERE account_id = ? AND substr(dashboard_name, 1, ?) = ? ORDER BY dashboard_name",
                       {account, static_cast<int64_t>(prefix.size()), prefix});
  if (!rows) return rows.error();
  std::vector<DashboardRow> out;
  for (const auto& r : *rows) out.push_back(row_of(r));
  return out;
}

Status save_dashboard(store::Tx& tx, const DashboardRow& d) {
  auto r = tx.exec("INSERT OR REPLACE INTO cw_dashboards (account_id, dashboard_name, body, modified_ms) VALUES (?, ?, ?, ?)",
                   {d.account, d.name, d.body, d.modified_ms});
  if (!r) return r.error();
  return Ok{};
}

Status delete_dashboard(store::Tx& tx, const std::string& account, const std::string& name) {
  auto r = tx.exec("DELETE FROM cw_dashboards WHERE account_id = ? AND dashboard_name = ?", {account, name});
  if (!r) return r.error();
  auto t = tx.exec("DELETE FROM cw_tags WHERE resource_arn = ?", {dashboard_arn(account, name)});
  if (!t) return t.error();
  return Ok{};
}

}  // namespace citadel::services::cloudwatch
