#include "services/outbound/lease_queue.h"

#include "base/time.h"

namespace citadel::services::outbound {

Result<std::vector<Claimed>> claim_due(store::Store& store, const LeaseQueue& q, int64_t now_ms, int64_t lease_ms,
                                       size_t limit) {
  std::vector<Claimed> out;
  // A read first: an idle queue (the usual case) costs no write transaction.
  bool any = false;
  auto peek = store.read([&](store::Tx& tx) -> Status {
    auto rows = tx.query("SELECT 1 FROM " + q.table + " WHERE next_attempt_ms <= ? LIMIT 1", {now_ms});
    if (!rows) return rows.error();
    any = !rows->empty();
    return Ok{};
  });
  if (!peek) return peek.error();
  if (!any) return out;
  auto s = store.write([&](store::Tx& tx) -> Status {
    out.clear();
    auto rows = tx.query("SELECT id, next_attempt_ms, " + q.columns + " FROM " + q.table +
                             " WHERE next_attempt_ms <= ? ORDER BY next_attempt_ms, id LIMIT ?",
                         {now_ms, static_cast<int64_t>(limit)});
    if (!rows) return rows.error();
    for (auto& r : *rows) {
      Claimed c{r.i64(0), now_ms + lease_ms, std::move(r)};
      // Taken only if no other node took it since it was read.
      auto w = tx.exec("UPDATE " + q.table + " SET next_attempt_ms = ? WHERE id = ? AND next_attempt_ms = ?",
                       {c.lease_ms, c.id, c.row.i64(1)});
      if (!w) return w.error();
      if (*w == 1) out.push_back(std::move(c));
    }
    return Ok{};
  });
  if (!s) return s.error();
  return out;
}

Status record_attempt(store::Store& store, const LeaseQueue& q, const Claimed& c, std::optional<int64_t> next_attempt_ms,
                      const std::string& error) {
  return store.write([&](store::Tx& tx) -> Status {
    auto w = next_attempt_ms
                 ? tx.exec("UPDATE " + q.table +
                               " SET attempts = attempts + 1, next_attempt_ms = ?, last_error = ? WHERE id = ? AND next_attempt_ms = ?",
                           {*next_attempt_ms, error, c.id, c.lease_ms})
                 : tx.exec("DELETE FROM " + q.table + " WHERE id = ? AND next_attempt_ms = ?", {c.id, c.lease_ms});
    if (!w) return w.error();
    return Ok{};
  });
}

Result<size_t> drain(size_t batch, int64_t now_ms, const std::function<Result<size_t>(int64_t)>& batch_at) {
  size_t total = 0;
  for (;;) {
    auto n = batch_at(now_ms);
    if (!n) return n.error();
    total += *n;
    if (*n < batch) return total;
    now_ms = timeutil::now_ms();
  }
}

}  // namespace citadel::services::outbound
