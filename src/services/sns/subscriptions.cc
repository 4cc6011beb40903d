// Subscriptions: Subscribe (HTTP/HTTPS endpoints, confirmed by the endpoint), ConfirmSubscription
// (also unsigned, by the token the endpoint was sent), Unsubscribe, the two lists and the
// subscription attributes.
#include "base/crypto.h"
#include "base/ids.h"
#include "services/outbound/endpoint_url.h"
#include "services/sns/sns_operations.h"
#include "services/sns/subscription_store.h"

namespace citadel::services::sns {

namespace {

constexpr const char* kPending = "pending confirmation";  // Subscribe's answer before confirmation

bool anonymous(const Call& call) { return call.ctx.principal->type == auth::PrincipalType::Anonymous; }

// Protocols AWS has that Citadel does not deliver to.
bool unbuilt_protocol(const std::string& p) {
  for (const char* known : {"email", "email-json", "sms", "sqs", "application", "lambda", "firehose"})
    if (p == known) return true;
  return false;
}

Status check_endpoint(const std::string& protocol, const std::string& endpoint) {
  if (protocol != "http" && protocol != "https") {
    if (unbuilt_protocol(protocol))
      return invalid_parameter("Protocol Reason: Citadel delivers to http and https endpoints only; " + protocol + " is not built");
    return invalid_parameter("Amazon SNS does not support this protocol string: " + protocol);
  }
  auto url = outbound::parse_endpoint_url(endpoint);
  if (!url) return invalid_parameter("Endpoint Reason: not a valid " + protocol + " URL");
  if (url->https != (protocol == "https")) return invalid_parameter("Endpoint must match the specified protocol");
  return Ok{};
}

// A subscription attribute, checked as SNS checks it for an HTTP/HTTPS subscription.
Status check_subscription_attribute(const std::string& name, const std::string& value) {
  if (name == "DeliveryPolicy") {
    if (value.empty()) return Ok{};
    auto p = parse_subscription_delivery_policy(value);
    if (!p) return p.error();
    return Ok{};
  }
  if (name == "RawMessageDelivery") {
    if (!parse_bool(value)) return invalid_parameter("RawMessageDelivery: Invalid value [" + value + "]. Must be true or false.");
    return Ok{};
  }
  if (name == "FilterPolicy" || name == "FilterPolicyScope" || name == "RedrivePolicy" || name == "ReplayPolicy")
    return AwsError::not_implemented("sns: the subscription attribute " + name);
  if (name == "SubscriptionRoleArn") return invalid_parameter("SubscriptionRoleArn Reason: applies only to firehose subscriptions");
  return invalid_parameter("AttributeName");
}

// What is kept of a checked attribute ("" = nothing: an empty DeliveryPolicy removes it).
std::string stored_value(const std::string& name, const std::string& value) {
  if (name == "RawMessageDelivery") return *parse_bool(value) ? "true" : "false";
  return value;
}

void set_attribute(json::object& attributes, const std::string& name, const std::string& value) {
  if (auto v = stored_value(name, value); v.empty()) attributes.erase(name);
  else attributes[name] = v;
}

Result<json::value> subscribe(Call& call) {
  auto topic = load_topic(call.tx, call.str("TopicArn"), call.ctx.region);
  if (!topic) return topic.error();
  std::string protocol = call.str("Protocol"), endpoint = call.str("Endpoint");
  if (auto s = check_endpoint(protocol, endpoint); !s) return s.error();
  json::object attributes;
  if (const auto* a = call.input.if_contains("Attributes"); a && a->is_object())
    for (const auto& [k, v] : a->as_object()) {
      std::string name(k), value = v.is_string() ? std::string(v.as_string()) : "";
      if (auto s = check_subscription_attribute(name, value); !s) return s.error();
      set_attribute(attributes, name, value);
    }
  bool return_arn = call.has("ReturnSubscriptionArn") && call.input.at("ReturnSubscriptionArn").as_bool();
  auto existing = find_subscription(call.tx, topic->ref, protocol, endpoint);
  if (!existing) return existing.error();
  if (*existing) {
    Subscription& s = **existing;
    for (const auto& [k, v] : attributes)
      if (s.attributes.if_contains(k) == nullptr || s.attributes.at(k) != v)
        return invalid_parameter("Attributes Reason: Subscription already exists with different attributes");
    if (s.confirmed) return json::object{{"SubscriptionArn", s.arn}};
    // Still pending: the endpoint is sent the confirmation again, with the same token made new.
    s.token_expires_ms = call.ctx.now_ms + kTokenLifetimeMs;
    if (auto w = save_subscription(call.tx, s); !w) return w.error();
    if (auto q = queue_confirmation(call.tx, *topic, s, call.ctx.now_ms); !q) return q.error();
    return json::object{{"SubscriptionArn", return_arn ? s.arn : kPending}};
  }
  Subscription s;
  s.arn = topic->ref.arn() + ":" + ids::uuid4();
  s.topic = topic->ref;
  s.owner = call.account();
  s.principal_arn = call.ctx.principal->arn;
  s.protocol = protocol;
  s.endpoint = endpoint;
  s.token = crypto::to_hex(reinterpret_cast<const uint8_t*>(crypto::random_bytes(64).data()), 64);
  s.token_expires_ms = call.ctx.now_ms + kTokenLifetimeMs;
  s.created_ms = call.ctx.now_ms;
  s.attributes = std::move(attributes);
  if (auto w = save_subscription(call.tx, s); !w) return w.error();
  if (auto q = queue_confirmation(call.tx, *topic, s, call.ctx.now_ms); !q) return q.error();
  return json::object{{"SubscriptionArn", return_arn ? s.arn : kPending}};
}

Result<json::value> confirm_subscription(Call& call) {
  auto topic = load_topic(call.tx, call.str("TopicArn"), call.ctx.region);
  if (!topic) return topic.error();
  auto rows = call.tx.query("SELECT arn FROM sns_subscriptions WHERE account_id = ? AND region = ? AND topic_name = ? AND token = ?",
                            {topic->ref.account, topic->ref.region, topic->ref.name, call.str("Token")});
  if (!rows) return rows.error();
  if (rows->empty()) return invalid_parameter("Token");
  auto found = load_subscription(call.tx, rows->front().str(0));
  if (!found) return found.error();
  Subscription& s = **found;
  if (s.confirmed) return json::object{{"SubscriptionArn", s.arn}};
  if (call.ctx.now_ms > s.token_expires_ms) return invalid_parameter("Token Reason: the token has expired");
  s.confirmed = true;
  s.authenticated = !anonymous(call);
  // Only a signed confirmation can protect the subscription from unsigned unsubscribes.
  bool protect = call.has("AuthenticateOnUnsubscribe") && parse_bool(call.str("AuthenticateOnUnsubscribe")).value_or(false);
  s.unsubscribe_needs_auth = s.authenticated && protect;
  if (auto w = save_subscription(call.tx, s); !w) return w.error();
  return json::object{{"SubscriptionArn", s.arn}};
}

// The subscription a call names by SubscriptionArn, in the call's region.
Result<Subscription> named_subscription(Call& call) {
  std::string arn = call.str("SubscriptionArn");
  auto topic = topic_of_subscription(arn);
  if (!topic || topic->region != call.ctx.region) return invalid_parameter("SubscriptionArn");
  auto s = load_subscription(call.tx, arn);
  if (!s) return s.error();
  if (!*s) return subscription_not_found();
  return std::move(**s);
}

Result<json::value> unsubscribe(Call& call) {
  auto s = named_subscription(call);
  if (!s) return s.error();
  if (anonymous(call) && s->unsubscribe_needs_auth)
    return AwsError::sender("AuthorizationError", "This subscription can only be removed by an authenticated request.", 403);
  if (auto d = delete_subscription(call.tx, *s); !d) return d.error();
  return json::object{};
}

json::object list_item(const Subscription& s) {
  return json::object{{"SubscriptionArn", s.confirmed ? s.arn : "PendingConfirmation"},
                      {"Owner", s.owner},
                      {"Protocol", s.protocol},
                      {"Endpoint", s.endpoint},
                      {"TopicArn", s.topic.arn()}};
}

// One page of subscriptions matching `where` (with its parameters first), after NextToken.
Result<json::value> subscription_page(Call& call, const std::string& where, std::vector<store::Value> params) {
  auto after = page_after(call);
  if (!after) return after.error();
  params.push_back(*after);
  params.push_back(kPageSize + 1);
  auto rows = call.tx.query_v("SELECT arn FROM sns_subscriptions WHERE " + where + " AND arn > ? ORDER BY arn LIMIT ?", params);
  if (!rows) return rows.error();
  json::array items;
  json::object out;
  std::string last;
  for (const auto& r : *rows) {
    if (static_cast<int64_t>(items.size()) == kPageSize) {
      out["NextToken"] = page_token(last);
      break;
    }
    auto s = load_subscription(call.tx, r.str(0));
    if (!s) return s.error();
    if (*s) items.push_back(list_item(**s));
    last = r.str(0);
  }
  out["Subscriptions"] = std::move(items);
  return out;
}

Result<json::value> list_subscriptions(Call& call) {
  return subscription_page(call, "owner = ? AND region = ?", {call.account(), call.ctx.region});
}

Result<json::value> list_subscriptions_by_topic(Call& call) {
  auto topic = load_topic(call.tx, call.str("TopicArn"), call.ctx.region);
  if (!topic) return topic.error();
  return subscription_page(call, "account_id = ? AND region = ? AND topic_name = ?",
                           {topic->ref.account, topic->ref.region, topic->ref.name});
}

Result<json::value> get_subscription_attributes(Call& call) {
  auto s = named_subscription(call);
  if (!s) return s.error();
  auto topic = load_topic(call.tx, s->topic.arn(), call.ctx.region);
  if (!topic) return topic.error();
  json::object attrs{{"SubscriptionArn", s->arn},
                     {"TopicArn", s->topic.arn()},
                     {"Owner", s->owner},
                     {"Protocol", s->protocol},
                     {"Endpoint", s->endpoint},
                     {"SubscriptionPrincipal", s->principal_arn},
                     {"ConfirmationWasAuthenticated", s->authenticated ? "true" : "false"},
                     {"PendingConfirmation", s->confirmed ? "false" : "true"},
                     {"RawMessageDelivery", s->raw() ? "true" : "false"}};
  for (const auto& [k, v] : s->attributes) attrs[k] = v;
  attrs["EffectiveDeliveryPolicy"] = json::serialize(subscription_policy_json(subscription_policy(*topic, *s)));
  return json::object{{"Attributes", std::move(attrs)}};
}

Result<json::value> set_subscription_attributes(Call& call) {
  auto s = named_subscription(call);
  if (!s) return s.error();
  std::string name = call.str("AttributeName"), value = call.str("AttributeValue");
  if (auto c = check_subscription_attribute(name, value); !c) return c.error();
  set_attribute(s->attributes, name, value);
  if (auto w = save_subscription(call.tx, *s); !w) return w.error();
  return json::object{};
}

// Calls on a subscription are decided on its topic (the resource type SNS's actions have).
OperationDef subscription_op(const char* name, bool read_only, Handler h) {
  return OperationDef{name, read_only, false,
                      [name](const RequestContext&, const json::object& in, store::Tx& tx) {
                        auto topic = topic_of_subscription(input_str(in, "SubscriptionArn"));
                        return topic_authz(name, topic ? topic->arn() : "", tx);
                      },
                      std::move(h)};
}

AuthzRequest subscribe_authz(const RequestContext&, const json::object& in, store::Tx& tx) {
  auto a = topic_authz("Subscribe", input_str(in, "TopicArn"), tx);
  a.condition_keys["sns:Protocol"] = input_str(in, "Protocol");
  a.condition_keys["sns:Endpoint"] = input_str(in, "Endpoint");
  return a;
}

// Unsigned calls land in the topic owner's account (their audit record is there) — when the
// topic exists: an ARN made up by an unsigned caller writes into no account's trail.
void anonymous_lands_in_topic_account(OperationDef& op) {
  op.anonymous_allowed = true;
  op.authz = [inner = op.authz](const RequestContext& ctx, const json::object& in, store::Tx& tx) {
    auto a = inner(ctx, in, tx);
    auto topic = parse_topic_arn(a.resources.empty() ? "" : a.resources.front());
    if (topic && a.has_resource_policy) a.resource_account = topic->account;
    return a;
  };
}

}  // namespace

void add_subscription_operations(std::vector<OperationDef>& ops) {
  ops.push_back(OperationDef{"Subscribe", false, false, subscribe_authz, subscribe});
  OperationDef confirm = topic_op("ConfirmSubscription", false, "TopicArn", confirm_subscription);
  anonymous_lands_in_topic_account(confirm);
  ops.push_back(std::move(confirm));
  OperationDef unsub = subscription_op("Unsubscribe", false, unsubscribe);
  anonymous_lands_in_topic_account(unsub);
  ops.push_back(std::move(unsub));
  ops.push_back(account_op("ListSubscriptions", true, list_subscriptions));
  ops.push_back(topic_op("ListSubscriptionsByTopic", true, "TopicArn", list_subscriptions_by_topic));
  ops.push_back(subscription_op("GetSubscriptionAttributes", true, get_subscription_attributes));
  ops.push_back(subscription_op("SetSubscriptionAttributes", false, set_subscription_attributes));
}

}  // namespace citadel::services::sns
