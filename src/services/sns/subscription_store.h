#pragma once
// Subscriptions (table sns_subscriptions) and the deliveries they are owed: the confirmation a new
// subscription gets, and a notification per published message once confirmed.
#include <optional>
#include <string>
#include <vector>

#include "services/sns/delivery_queue.h"
#include "services/sns/sns_common.h"

namespace citadel::services::sns {

// How long a confirmation token stays good (AWS: three days).
constexpr int64_t kTokenLifetimeMs = 3LL * 24 * 3600 * 1000;

struct Subscription {
  std::string arn;
  TopicRef topic;
  std::string owner, principal_arn, protocol, endpoint, token;
  int64_t token_expires_ms = 0, created_ms = 0;
  bool confirmed = false;
  bool authenticated = false;           // ConfirmationWasAuthenticated
  bool unsubscribe_needs_auth = false;  // AuthenticateOnUnsubscribe was true on a signed confirmation
  json::object attributes;              // DeliveryPolicy, RawMessageDelivery as set
  std::string attribute(std::string_view name) const;
  bool raw() const { return parse_bool(attribute("RawMessageDelivery")).value_or(false); }
};

Result<std::optional<Subscription>> load_subscription(store::Tx& tx, const std::string& arn);
// The subscription of `topic` for this protocol and endpoint, if there is one.
Result<std::optional<Subscription>> find_subscription(store::Tx& tx, const TopicRef& topic, const std::string& protocol,
                                                      const std::string& endpoint);
Result<std::vector<Subscription>> confirmed_subscriptions(store::Tx& tx, const TopicRef& topic);
Status save_subscription(store::Tx& tx, const Subscription& s);  // insert or replace
// Removes it with the deliveries still queued for it, and counts it in SubscriptionsDeleted.
Status delete_subscription(store::Tx& tx, const Subscription& s);

// The delivery policy the subscription's messages follow (its own over its topic's).
DeliveryPolicy subscription_policy(const Topic& topic, const Subscription& s);

// Queues the SubscriptionConfirmation message for the subscription's endpoint.
Status queue_confirmation(store::Tx& tx, const Topic& topic, const Subscription& s, int64_t now_ms);

}  // namespace citadel::services::sns
