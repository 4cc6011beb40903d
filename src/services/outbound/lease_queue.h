#pragma once
// The claim-and-record half of a durable delivery queue: a table whose rows are deliveries due at
// `next_attempt_ms`, claimed by a worker for a lease (during which no other round takes them) and
// then recorded — removed when over, or due again later. SNS deliveries and Logs subscription
// deliveries are such tables; each keeps its own columns, this keeps the protocol.
//
// The table must have the columns `id` (INTEGER PRIMARY KEY), `next_attempt_ms`, `attempts` and
// `last_error`, and an index on (next_attempt_ms, id).
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "store/store.h"

namespace citadel::services::outbound {

struct LeaseQueue {
  std::string table;    // a constant of the caller's, never input
  std::string columns;  // what claim_due reads after `id, next_attempt_ms` (e.g. "endpoint, body")
};

struct Claimed {
  int64_t id = 0;
  int64_t lease_ms = 0;  // the claim, as record_attempt must quote it
  store::Row row;        // id, next_attempt_ms, then the queue's `columns`
};

// Claims up to `limit` rows due at `now_ms`, oldest first, each until now_ms + lease_ms: a crash
// mid-delivery leaves the row to be retried when its lease ends. An idle queue costs one read.
Result<std::vector<Claimed>> claim_due(store::Store& store, const LeaseQueue& q, int64_t now_ms, int64_t lease_ms,
                                       size_t limit);

// Records an attempt on a claimed row: deletes it when `next_attempt_ms` is nullopt (delivered or
// given up), else counts the attempt and makes it due then. A row whose lease ran out and was
// claimed again is left to its new claimer.
Status record_attempt(store::Store& store, const LeaseQueue& q, const Claimed& c, std::optional<int64_t> next_attempt_ms,
                      const std::string& error);

// A worker's round: `batch_at(now_ms)` claims and sends one batch and says how many deliveries it
// took; batches follow one another (each at the time it starts) until one is not full. Returns
// how many were taken in all.
Result<size_t> drain(size_t batch, int64_t now_ms, const std::function<Result<size_t>(int64_t)>& batch_at);

}  // namespace citadel::services::outbound
