#pragma once
// Deliveries waiting to be POSTed to HTTP/S endpoints (table sns_deliveries). A delivery is
// queued in the transaction that publishes the message (or makes the subscription), so an
// acknowledged Publish survives a crash and a restart; the delivery worker (delivery_worker.h)
// sends it, and retries it by its delivery policy until it is delivered or the policy is spent.
// Deliveries are at least once: a crash between a POST and its record sends it again.
#include <string>
#include <vector>

#include "services/service.h"
#include "services/sns/delivery_policy.h"
#include "services/sns/sns_message.h"

namespace citadel::services::sns {

struct QueuedDelivery {
  int64_t id = 0;  // given by enqueue
  Message message;
  std::string endpoint;  // the subscription's URL
  bool raw = false;      // RawMessageDelivery: the body is the message alone
  std::string signature_version = "1";
  DeliveryPolicy policy;
  int attempts = 0;  // attempts made so far
  int64_t next_attempt_ms = 0;
  int64_t lease_ms = 0;  // the claim's lease, as claimed (a record must match it)
};

Status enqueue(store::Tx& tx, const QueuedDelivery& d);

// Claims up to `limit` deliveries due at `now_ms`, oldest first, each for `lease_ms`: until the
// lease ends neither this node nor another takes it again, and a crash mid-delivery leaves it to
// be retried when the lease ends.
Result<std::vector<QueuedDelivery>> claim_due(store::Store& store, int64_t now_ms, int64_t lease_ms, size_t limit);

// What happens after an attempt that got `status` (0: no answer): nullopt when the delivery is
// over (delivered, refused for good, or the policy has no retry left), else when to try again.
std::optional<int64_t> next_attempt(const QueuedDelivery& d, int status, int64_t now_ms);

// Records an attempt: removes the delivery when it is over, else schedules its next attempt.
// `error` says why it failed ("" when delivered).
Status record_attempt(store::Store& store, const QueuedDelivery& d, int status, const std::string& error, int64_t now_ms);

std::vector<store::Migration> delivery_queue_migrations();

}  // namespace citadel::services::sns
