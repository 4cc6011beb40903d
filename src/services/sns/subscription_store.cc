#include "services/sns/subscription_store.h"

#include "base/ids.h"

namespace citadel::services::sns {

namespace {

constexpr const char* kColumns =
    "arn, owner, principal_arn, protocol, endpoint, token, token_expires_ms, created_ms, confirmed, authenticated, "
    "unsubscribe_needs_auth, attributes";

Subscription from_row(const store::Row& r) {
  Subscription s;
  s.arn = r.str(0);
  s.topic = topic_of_subscription(s.arn).value_or(TopicRef{});
  s.owner = r.str(1);
  s.principal_arn = r.str(2);
  s.protocol = r.str(3);
  s.endpoint = r.str(4);
  s.token = r.str(5);
  s.token_expires_ms = r.i64(6);
  s.created_ms = r.i64(7);
  s.confirmed = r.i64(8) != 0;
  s.authenticated = r.i64(9) != 0;
  s.unsubscribe_needs_auth = r.i64(10) != 0;
  boost::system::error_code ec;
  json::value v = json::parse(r.str(11), ec);
  if (!ec && v.is_object()) s.attributes = std::move(v.as_object());
  return s;
}

Result<std::vector<Subscription>> rows_to_subscriptions(Result<std::vector<store::Row>> rows) {
  if (!rows) return rows.error();
  std::vector<Subscription> out;
  for (const auto& r : *rows) out.push_back(from_row(r));
  return out;
}

}  // namespace

std::string Subscription::attribute(std::string_view name) const {
  const auto* v = attributes.if_contains(name);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

Result<std::optional<Subscription>> load_subscription(store::Tx& tx, const std::string& arn) {
  auto subs = rows_to_subscriptions(tx.query(std::string("SELECT ") + kColumns + " FROM sns_subscriptions WHERE arn = ?", {arn}));
  if (!subs) return subs.error();
  if (subs->empty()) return std::optional<Subscription>();
  return std::optional<Subscription>(std::move(subs->front()));
}

Result<std::optional<Subscription>> find_subscription(store::Tx& tx, const TopicRef& topic, const std::string& protocol,
                                                      const std::string& endpoint) {
  auto subs = rows_to_subscriptions(tx.query(std::string("SELECT ") + kColumns +
                                                 " FROM sns_subscriptions WHERE account_id = ? AND region = ? AND topic_name = ? "
                                                 "AND protocol = ? AND endpoint = ?",
                                             {topic.account, topic.region, topic.name, protocol, endpoint}));
  if (!subs) return subs.error();
  if (subs->empty()) return std::optional<Subscription>();
  return std::optional<Subscription>(std::move(subs->front()));
}

Result<std::vector<Subscription>> confirmed_subscriptions(store::Tx& tx, const TopicRef& topic) {
  return rows_to_subscriptions(tx.query(std::string("SELECT ") + kColumns +
                                            " FROM sns_subscriptions WHERE account_id = ? AND region = ? AND topic_name = ? "
                                            "AND confirmed = 1 ORDER BY arn",
                                        {topic.account, topic.region, topic.name}));
}

Status save_subscription(store::Tx& tx, const Subscription& s) {
  auto w = tx.exec(
      "INSERT INTO sns_subscriptions (arn, account_id, region, topic_name, owner, principal_arn, protocol, endpoint, token, "
      "token_expires_ms, created_ms, confirmed, authenticated, unsubscribe_needs_auth, attributes) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (arn) DO UPDATE SET token = excluded.token, "
      "token_expires_ms = excluded.token_expires_ms, confirmed = excluded.confirmed, authenticated = excluded.authenticated, "
      "unsubscribe_needs_auth = excluded.unsubscribe_needs_auth, attributes = excluded.attributes",
      {s.arn, s.topic.account, s.topic.region, s.topic.name, s.owner, s.principal_arn, s.protocol, s.endpoint, s.token,
       s.token_expires_ms, s.created_ms, int64_t{s.confirmed}, int64_t{s.authenticated}, int64_t{s.unsubscribe_needs_auth},
       json::serialize(s.attributes)});
  if (!w) return w.error();
  return Ok{};
}

Status delete_subscription(store::Tx& tx, const Subscription& s) {
  for (const char* sql : {"DELETE FROM sns_deliveries WHERE subscription_arn = ?", "DELETE FROM sns_subscriptions WHERE arn = ?"})
    if (auto d = tx.exec(sql, {s.arn}); !d) return d.error();
  auto w = tx.exec("UPDATE sns_topics SET subscriptions_deleted = subscriptions_deleted + 1 WHERE account_id = ? AND region = ? AND name = ?",
                   {s.topic.account, s.topic.region, s.topic.name});
  if (!w) return w.error();
  return Ok{};
}

DeliveryPolicy subscription_policy(const Topic& topic, const Subscription& s) {
  std::optional<json::object> topic_policy, own;
  if (auto t = topic.attribute("DeliveryPolicy"); !t.empty())
    if (auto p = parse_topic_delivery_policy(t); p) topic_policy = std::move(*p);
  if (auto t = s.attribute("DeliveryPolicy"); !t.empty())
    if (auto p = parse_subscription_delivery_policy(t); p) own = std::move(*p);
  return effective_policy(topic_policy ? &*topic_policy : nullptr, own ? &*own : nullptr);
}

Status queue_confirmation(store::Tx& tx, const Topic& topic, const Subscription& s, int64_t now_ms) {
  QueuedDelivery d;
  d.message.type = "SubscriptionConfirmation";
  d.message.message_id = ids::uuid4();
  d.message.topic_arn = topic.ref.arn();
  d.message.subscription_arn = s.arn;
  d.message.message = confirmation_text(d.message.topic_arn);
  d.message.token = s.token;
  d.message.timestamp_ms = now_ms;
  d.endpoint = s.endpoint;
  d.signature_version = topic.attribute("SignatureVersion").empty() ? "1" : topic.attribute("SignatureVersion");
  d.policy = subscription_policy(topic, s);
  d.next_attempt_ms = now_ms;
  return enqueue(tx, d);
}

}  // namespace citadel::services::sns
