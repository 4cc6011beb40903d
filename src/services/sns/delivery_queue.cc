#include "services/sns/delivery_queue.h"

namespace citadel::services::sns {

namespace {

constexpr const char* kColumns =
    "id, message_type, message_id, topic_arn, subscription_arn, subject, message, attributes, token, timestamp_ms, "
    "endpoint, raw, signature_version, policy, attempts, next_attempt_ms";

QueuedDelivery from_row(const store::Row& r) {
  QueuedDelivery d;
  d.id = r.i64(0);
  d.message.type = r.str(1);
  d.message.message_id = r.str(2);
  d.message.topic_arn = r.str(3);
  d.message.subscription_arn = r.str(4);
  d.message.subject = r.str(5);
  d.message.message = r.str(6);
  if (!r.str(7).empty()) {
    boost::system::error_code ec;
    json::value v = json::parse(r.str(7), ec);
    if (!ec && v.is_object()) d.message.attributes = std::move(v.as_object());
  }
  d.message.token = r.str(8);
  d.message.timestamp_ms = r.i64(9);
  d.endpoint = r.str(10);
  d.raw = r.i64(11) != 0;
  d.signature_version = r.str(12);
  d.policy = policy_from_text(r.str(13));
  d.attempts = static_cast<int>(r.i64(14));
  d.next_attempt_ms = r.i64(15);
  return d;
}

}  // namespace

Status enqueue(store::Tx& tx, const QueuedDelivery& d) {
  const Message& m = d.message;
  auto w = tx.exec(
      "INSERT INTO sns_deliveries (message_type, message_id, topic_arn, subscription_arn, subject, message, attributes, token, "
      "timestamp_ms, endpoint, raw, signature_version, policy, attempts, next_attempt_ms) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {m.type, m.message_id, m.topic_arn, m.subscription_arn, m.subject, m.message,
       m.attributes.empty() ? std::string() : json::serialize(m.attributes), m.token, m.timestamp_ms, d.endpoint,
       int64_t{d.raw}, d.signature_version, to_text(d.policy), int64_t{d.attempts}, d.next_attempt_ms});
  if (!w) return w.error();
  return Ok{};
}

Result<std::vector<QueuedDelivery>> claim_due(store::Store& store, int64_t now_ms, int64_t lease_ms, size_t limit) {
  std::vector<QueuedDelivery> out;
  // A read first: an idle queue (the usual case) costs no write transaction.
  bool any = false;
  auto peek = store.read([&](store::Tx& tx) -> Status {
    auto rows = tx.query("SELECT 1 FROM sns_deliveries WHERE next_attempt_ms <= ? LIMIT 1", {now_ms});
    if (!rows) return rows.error();
    any = !rows->empty();
    return Ok{};
  });
  if (!peek) return peek.error();
  if (!any) return out;
  auto s = store.write([&](store::Tx& tx) -> Status {
    out.clear();
    auto rows = tx.query(std::string("SELECT ") + kColumns +
                             " FROM sns_deliveries WHERE next_attempt_ms <= ? ORDER BY next_attempt_ms, id LIMIT ?",
                         {now_ms, static_cast<int64_t>(limit)});
    if (!rows) return rows.error();
    for (const auto& r : *rows) {
      QueuedDelivery d = from_row(r);
      d.lease_ms = now_ms + lease_ms;
      // Taken only if no other node took it since it was read.
      auto w = tx.exec("UPDATE sns_deliveries SET next_attempt_ms = ? WHERE id = ? AND next_attempt_ms = ?",
                       {d.lease_ms, d.id, d.next_attempt_ms});
      if (!w) return w.error();
      if (*w == 1) out.push_back(std::move(d));
    }
    return Ok{};
  });
  if (!s) return s.error();
  return out;
}

std::optional<int64_t> next_attempt(const QueuedDelivery& d, int status, int64_t now_ms) {
  if (delivered_status(status) || !retryable_status(status)) return std::nullopt;
  // This attempt was attempt number attempts + 1; the next is retry number attempts + 1.
  auto delay = retry_delay_ms(d.policy.retry, d.attempts + 1);
  if (!delay) return std::nullopt;
  return now_ms + *delay;
}

Status record_attempt(store::Store& store, const QueuedDelivery& d, int status, const std::string& error, int64_t now_ms) {
  auto next = next_attempt(d, status, now_ms);
  return store.write([&](store::Tx& tx) -> Status {
    // Matching the lease: a delivery whose lease ran out and was claimed again is the new
    // claimer's to record.
    auto w = next ? tx.exec("UPDATE sns_deliveries SET attempts = attempts + 1, next_attempt_ms = ?, last_error = ? "
                            "WHERE id = ? AND next_attempt_ms = ?",
                            {*next, error, d.id, d.lease_ms})
                  : tx.exec("DELETE FROM sns_deliveries WHERE id = ? AND next_attempt_ms = ?", {d.id, d.lease_ms});
    if (!w) return w.error();
    return Ok{};
  });
}

std::vector<store::Migration> delivery_queue_migrations() {
  return {{"sns/003_deliveries", R"sql(
CREATE TABLE sns_deliveries (
  id                INTEGER PRIMARY KEY AUTOINCREMENT,
  message_type      TEXT NOT NULL,
  message_id        TEXT NOT NULL,
  topic_arn         TEXT NOT NULL,
  subscription_arn  TEXT NOT NULL,
  subject           TEXT NOT NULL DEFAULT '',
  message           TEXT NOT NULL,
  attributes        TEXT NOT NULL DEFAULT '',
  token             TEXT NOT NULL DEFAULT '',
  timestamp_ms      INTEGER NOT NULL,
  endpoint          TEXT NOT NULL,
  raw               INTEGER NOT NULL DEFAULT 0,
  signature_version TEXT NOT NULL DEFAULT '1',
  policy            TEXT NOT NULL,
  attempts          INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms   INTEGER NOT NULL,
  last_error        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sns_deliveries_due ON sns_deliveries(next_attempt_ms, id);
CREATE INDEX sns_deliveries_by_subscription ON sns_deliveries(subscription_arn);
CREATE INDEX sns_deliveries_by_topic ON sns_deliveries(topic_arn);
)sql"}};
}

}  // namespace citadel::services::sns
