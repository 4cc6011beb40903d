#include "services/sns/delivery_queue.h"

#include "services/outbound/http_client.h"
#include "services/outbound/lease_queue.h"

namespace citadel::services::sns {

namespace {

// After `id, next_attempt_ms`, which the lease queue reads first.
const outbound::LeaseQueue kQueue{
    "sns_deliveries",
    "message_type, message_id, topic_arn, subscription_arn, subject, message, attributes, token, timestamp_ms, "
    "endpoint, raw, signature_version, policy, attempts"};

QueuedDelivery from_claim(const outbound::Claimed& c) {
  const store::Row& r = c.row;
  QueuedDelivery d;
  d.id = c.id;
  d.next_attempt_ms = r.i64(1);
  d.lease_ms = c.lease_ms;
  d.message.type = r.str(2);
  d.message.message_id = r.str(3);
  d.message.topic_arn = r.str(4);
  d.message.subscription_arn = r.str(5);
  d.message.subject = r.str(6);
  d.message.message = r.str(7);
  if (!r.str(8).empty()) {
    boost::system::error_code ec;
    json::value v = json::parse(r.str(8), ec);
    if (!ec && v.is_object()) d.message.attributes = std::move(v.as_object());
  }
  d.message.token = r.str(9);
  d.message.timestamp_ms = r.i64(10);
  d.endpoint = r.str(11);
  d.raw = r.i64(12) != 0;
  d.signature_version = r.str(13);
  d.policy = policy_from_text(r.str(14));
  d.attempts = static_cast<int>(r.i64(15));
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
  auto claimed = outbound::claim_due(store, kQueue, now_ms, lease_ms, limit);
  if (!claimed) return claimed.error();
  std::vector<QueuedDelivery> out;
  out.reserve(claimed->size());
  for (const auto& c : *claimed) out.push_back(from_claim(c));
  return out;
}

std::optional<int64_t> next_attempt(const QueuedDelivery& d, int status, int64_t now_ms) {
  if (outbound::delivered_status(status) || !outbound::retryable_status(status)) return std::nullopt;
  // This attempt was attempt number attempts + 1; the next is retry number attempts + 1.
  auto delay = retry_delay_ms(d.policy.retry, d.attempts + 1);
  if (!delay) return std::nullopt;
  return now_ms + *delay;
}

Status record_attempt(store::Store& store, const QueuedDelivery& d, int status, const std::string& error, int64_t now_ms) {
  return outbound::record_attempt(store, kQueue, outbound::Claimed{d.id, d.lease_ms, {}}, next_attempt(d, status, now_ms), error);
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
