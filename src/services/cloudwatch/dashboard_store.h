#pragma once
// Dashboards (table cw_dashboards). Dashboards are global: one set per account, whatever the
// region of the call; their tags live in cw_tags under the dashboard's ARN.
#include <optional>
#include <string>
#include <vector>

#include "services/cloudwatch/cw_common.h"

namespace citadel::services::cloudwatch {

struct DashboardRow {
  std::string account, name, body;
  int64_t modified_ms = 0;
};

Result<std::optional<DashboardRow>> load_dashboard(store::Tx& tx, const std::string& account, const std::string& name);
// The account's dashboards whose names start with `prefix`, by name.
Result<std::vector<DashboardRow>> list_dashboards(store::Tx& tx, const std::string& account, const std::string& prefix);
Status save_dashboard(store::Tx& tx, const DashboardRow& d);  // insert or replace
Status delete_dashboard(store::Tx& tx, const std::string& account, const std::string& name);  // with its tags

std::vector<store::Migration> dashboard_migrations();

}  // namespace citadel::services::cloudwatch
