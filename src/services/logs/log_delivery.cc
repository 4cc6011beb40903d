#include "services/logs/log_delivery.h"

#include <algorithm>

#include "services/logs/log_encryption.h"
#include "services/logs/logs_common.h"
#include "services/logs/metric_filters.h"
#include "services/logs/subscription_filters.h"

namespace citadel::services::logs {

Result<bool> log_group_exists(store::Tx& tx, const std::string& account, const std::string& region, const std::string& group) {
  auto rows = tx.query("SELECT 1 FROM logs_groups WHERE account_id = ? AND region = ? AND name = ?", {account, region, group});
  if (!rows) return rows.error();
  return !rows->empty();
}

Status ensure_log_group(store::Tx& tx, const std::string& account, const std::string& region, const std::string& group,
                        int64_t now_ms) {
  auto w = tx.exec("INSERT INTO logs_groups (account_id, region, name, created_ms, group_class, deletion_protection) "
                   "VALUES (?, ?, ?, ?, 'STANDARD', 0) ON CONFLICT (account_id, region, name) DO NOTHING",
                   {account, region, group, now_ms});
  if (!w) return w.error();
  return Ok{};
}

Status deliver_log_events(Call& call, const std::string& account, const std::string& region, const std::string& group,
                          const std::string& stream, std::vector<std::pair<int64_t, std::string>> events, int64_t now_ms) {
  store::Tx& tx = call.tx;
  auto exists = log_group_exists(tx, account, region, group);
  if (!exists) return exists.error();
  if (!*exists) return group_not_found();
  if (events.empty()) return Ok{};
  std::stable_sort(events.begin(), events.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  auto s = tx.exec("INSERT INTO logs_streams (account_id, region, group_name, name, created_ms) VALUES (?, ?, ?, ?, ?) "
                   "ON CONFLICT (account_id, region, group_name, name) DO NOTHING",
                   {account, region, group, stream, now_ms});
  if (!s) return s.error();
  DataKeys keys(call);
  auto key = keys.for_ingest(account, region, group);
  if (!key) return key.error();
  int64_t bytes = 0;
  std::vector<StoredEvent> stored;
  for (auto& [ts, message] : events) {
    auto id = insert_event(tx, *key, account, region, group, stream, ts, now_ms, message);
    if (!id) return id.error();
    bytes += static_cast<int64_t>(message.size()) + 26;
    stored.push_back(StoredEvent{*id, ts, std::move(message)});
  }
  auto u = tx.exec(
      "UPDATE logs_streams SET stored_bytes = stored_bytes + ?, last_ingestion_ms = ?, "
      "first_event_ms = MIN(COALESCE(first_event_ms, ?), ?), last_event_ms = MAX(COALESCE(last_event_ms, ?), ?) "
      "WHERE account_id = ? AND region = ? AND group_name = ? AND name = ?",
      {bytes, now_ms, events.front().first, events.front().first, events.back().first, events.back().first, account, region,
       group, stream});
  if (!u) return u.error();
  return events_stored(call, account, region, group, stream, stored, now_ms);
}

Status events_stored(Call& call, const std::string& account, const std::string& region, const std::string& group,
                     const std::string& stream, const std::vector<StoredEvent>& events, int64_t now_ms) {
  if (events.empty()) return Ok{};
  if (auto s = publish_metric_filters(call.tx, account, region, group, events, now_ms); !s) return s;
  return queue_subscription_deliveries(call, account, region, group, stream, events, now_ms);
}

}  // namespace citadel::services::logs
