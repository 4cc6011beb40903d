#include "services/logs/logs_service.h"

#include "services/logs/log_encryption.h"
#include "services/logs/logs_common.h"
#include "services/logs/metric_filters.h"
#include "services/logs/subscription_filters.h"

namespace citadel::services::logs {

std::vector<OperationDef> LogsService::operations() const {
  std::vector<OperationDef> ops;
  add_group_operations(ops);
  add_event_operations(ops);
  add_metric_filter_operations(ops);
  add_subscription_filter_operations(ops);
  return ops;
}

std::vector<store::Migration> LogsService::migrations() const {
  std::vector<store::Migration> m{{"logs/001_groups_streams_events", R"sql(
CREATE TABLE logs_groups (
  account_id          TEXT NOT NULL,
  region              TEXT NOT NULL,
  name                TEXT NOT NULL,
  created_ms          INTEGER NOT NULL,
  retention_days      INTEGER,
  kms_key             TEXT NOT NULL DEFAULT '',
  group_class         TEXT NOT NULL,
  deletion_protection INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (account_id, region, name)
);
CREATE TABLE logs_group_tags (
  account_id TEXT NOT NULL,
  region     TEXT NOT NULL,
  group_name TEXT NOT NULL,
  tag_key    TEXT NOT NULL,
  tag_value  TEXT NOT NULL,
  PRIMARY KEY (account_id, region, group_name, tag_key)
);
CREATE TABLE logs_streams (
  account_id        TEXT NOT NULL,
  region            TEXT NOT NULL,
  group_name        TEXT NOT NULL,
  name              TEXT NOT NULL,
  created_ms        INTEGER NOT NULL,
  first_event_ms    INTEGER,
  last_event_ms     INTEGER,
  last_ingestion_ms INTEGER,
  stored_bytes      INTEGER NOT NULL DEFAULT 0,
  upload_seq        INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (account_id, region, group_name, name)
);
CREATE TABLE logs_events (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id   TEXT NOT NULL,
  region       TEXT NOT NULL,
  group_name   TEXT NOT NULL,
  stream_name  TEXT NOT NULL,
  ts           INTEGER NOT NULL,
  ingestion_ms INTEGER NOT NULL,
  message      TEXT NOT NULL
);
CREATE INDEX logs_events_by_stream ON logs_events(account_id, region, group_name, stream_name, ts, seq);
CREATE INDEX logs_events_by_group ON logs_events(account_id, region, group_name, ts, seq);
)sql"},
          metric_filter_migrations().front(), encryption_migrations().front()};
  for (auto& s : subscription_filter_migrations()) m.push_back(std::move(s));
  return m;
}

Status apply_retention(store::Store& store, int64_t now_ms) {
  return store.write([&](store::Tx& tx) -> Status {
    auto groups = tx.query("SELECT account_id, region, name, retention_days FROM logs_groups WHERE retention_days IS NOT NULL");
    if (!groups) return groups.error();
    for (const auto& g : *groups) {
      int64_t floor = now_ms - g.i64(3) * 24LL * 3600 * 1000;
      auto d = tx.exec("DELETE FROM logs_events WHERE account_id = ? AND region = ? AND group_name = ? AND ts < ?",
                       {g.str(0), g.str(1), g.str(2), floor});
      if (!d) return d.error();
    }
    return Ok{};
  });
}

}  // namespace citadel::services::logs
