#include "services/logs/subscription_queue.h"

#include <algorithm>

#include "base/crypto.h"
#include "services/outbound/http_client.h"
#include "services/outbound/lease_queue.h"

namespace citadel::services::logs {

namespace {

constexpr int64_t kRetryWindowMs = 24LL * 3600 * 1000;
constexpr int64_t kFirstDelayMs = 1000;
constexpr int64_t kLongestDelayMs = 5LL * 60 * 1000;

constexpr const char* kSealContext = "logs subscription delivery";

const outbound::LeaseQueue kQueue{"logs_subscription_deliveries",
                                  "account_id, region, group_name, filter_name, endpoint, body, queued_ms, attempts"};

}  // namespace

Status enqueue_subscription_delivery(store::Tx& tx, const store::SecretBox& secrets, const SubscriptionDelivery& d) {
  auto w = tx.exec(
      "INSERT INTO logs_subscription_deliveries (account_id, region, group_name, filter_name, endpoint, body, queued_ms, "
      "next_attempt_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      {d.account, d.region, d.group, d.filter, d.endpoint, crypto::base64_encode(secrets.seal(d.body, kSealContext)), d.queued_ms,
       d.queued_ms});
  if (!w) return w.error();
  return Ok{};
}

Result<std::vector<SubscriptionDelivery>> claim_subscription_deliveries(store::Store& store, const store::SecretBox& secrets,
                                                                        int64_t now_ms, int64_t lease_ms, size_t limit) {
  auto claimed = outbound::claim_due(store, kQueue, now_ms, lease_ms, limit);
  if (!claimed) return claimed.error();
  std::vector<SubscriptionDelivery> out;
  for (const auto& c : *claimed) {
    const store::Row& r = c.row;
    auto sealed = crypto::base64_decode(r.str(7));
    auto body = sealed ? secrets.open_sealed(*sealed, kSealContext) : std::nullopt;
    // One that does not open (the master key was replaced) comes back empty; the worker drops it.
    out.push_back(SubscriptionDelivery{c.id, c.lease_ms, r.str(2), r.str(3), r.str(4), r.str(5), r.str(6), body.value_or(""),
                                       r.i64(8), static_cast<int>(r.i64(9))});
  }
  return out;
}

std::optional<int64_t> subscription_retry_at(const SubscriptionDelivery& d, int status, int64_t now_ms) {
  if (outbound::delivered_status(status) || !outbound::retryable_status(status)) return std::nullopt;
  int64_t delay = kFirstDelayMs << std::min(d.attempts, 20);
  int64_t at = now_ms + std::min(delay, kLongestDelayMs);
  if (at > d.queued_ms + kRetryWindowMs) return std::nullopt;
  return at;
}

Status record_subscription_attempt(store::Store& store, const SubscriptionDelivery& d, int status, const std::string& error,
                                   int64_t now_ms) {
  return outbound::record_attempt(store, kQueue, outbound::Claimed{d.id, d.lease_ms, {}}, subscription_retry_at(d, status, now_ms),
                                  error);
}

std::vector<store::Migration> subscription_queue_migrations() {
  return {{"logs/005_subscription_deliveries", R"sql(
-- body: the POST body, sealed under the server's secret box, base64.
CREATE TABLE logs_subscription_deliveries (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id      TEXT NOT NULL,
  region          TEXT NOT NULL,
  group_name      TEXT NOT NULL,
  filter_name     TEXT NOT NULL,
  endpoint        TEXT NOT NULL,
  body            TEXT NOT NULL,
  queued_ms       INTEGER NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms INTEGER NOT NULL,
  last_error      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX logs_subscription_deliveries_due ON logs_subscription_deliveries(next_attempt_ms, id);
CREATE INDEX logs_subscription_deliveries_by_group ON logs_subscription_deliveries(account_id, region, group_name);
)sql"}};
}

}  // namespace citadel::services::logs
