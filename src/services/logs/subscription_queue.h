#pragma once
// Subscription deliveries waiting to be POSTed (table logs_subscription_deliveries), claimed and
// recorded by the lease protocol of outbound/lease_queue.h. CloudWatch Logs retries a destination
// that answers a retryable error (throttling, 5xx, no answer) for up to 24 hours and drops a
// delivery the destination refuses for good (another 4xx); the delays between attempts are
// Citadel's (AWS does not publish them): 1 s doubling to at most 5 minutes.
#include <optional>
#include <string>
#include <vector>

#include "services/service.h"
#include "store/secret_box.h"

namespace citadel::services::logs {

struct SubscriptionDelivery {
  int64_t id = 0, lease_ms = 0;
  std::string account, region, group, filter;
  std::string endpoint, body;
  int64_t queued_ms = 0;
  int attempts = 0;  // made so far
};

// Bodies are sealed under the server's secret box while queued: they hold customers' log events
// (those of KMS-encrypted groups too), which must not sit in the store in the clear.
Status enqueue_subscription_delivery(store::Tx& tx, const store::SecretBox& secrets, const SubscriptionDelivery& d);
Result<std::vector<SubscriptionDelivery>> claim_subscription_deliveries(store::Store& store, const store::SecretBox& secrets,
                                                                        int64_t now_ms, int64_t lease_ms, size_t limit);
// When to try again after an attempt answered `status` at `now_ms` (0: no answer); nullopt when
// the delivery is over. Pure.
std::optional<int64_t> subscription_retry_at(const SubscriptionDelivery& d, int status, int64_t now_ms);
Status record_subscription_attempt(store::Store& store, const SubscriptionDelivery& d, int status, const std::string& error,
                                   int64_t now_ms);

std::vector<store::Migration> subscription_queue_migrations();

}  // namespace citadel::services::logs
