#pragma once
// How SNS retries HTTP/S deliveries: AWS's delivery policy (healthyRetryPolicy, requestPolicy,
// throttlePolicy), its checks, its defaults and the delay before each retry. Pure: values in,
// values out.
//
// A policy has four phases after the first attempt: numNoDelayRetries retries at once,
// numMinDelayRetries retries minDelayTarget apart, a backoff phase that climbs from
// minDelayTarget to maxDelayTarget by backoffFunction, and numMaxDelayRetries retries
// maxDelayTarget apart; numRetries counts all of them. AWS's default for HTTP/S: 3 retries,
// 20 seconds apart (linear from 20 to 20).
#include <boost/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "base/error.h"

namespace citadel::services::sns {

namespace json = boost::json;

struct RetryPolicy {
  int min_delay_s = 20;
  int max_delay_s = 20;
  int num_retries = 3;
  int num_no_delay = 0;
  int num_min_delay = 0;
  int num_max_delay = 0;
  std::string backoff = "linear";  // linear | arithmetic | geometric | exponential
};

struct DeliveryPolicy {
  RetryPolicy retry;
  std::string content_type = "text/plain; charset=UTF-8";  // requestPolicy.headerContentType
  std::optional<int> max_receives_per_second;               // throttlePolicy: kept and shown, not enforced
};

// The delay before retry `n` (1 = the first retry, after the first attempt failed), in
// milliseconds; nullopt once the policy has no retry `n` (n > numRetries).
//
// Backoff phase of k retries, retry i of it (1..k) at t = i/k, ending at maxDelayTarget:
//   linear       min + (max - min) * t
//   arithmetic   min + (max - min) * i(i+1) / k(k+1)        (steps grow by a constant)
//   geometric    min * (max / min)^t                         (each step a constant ratio)
//   exponential  min + (max - min) * (2^i - 1) / (2^k - 1)   (steps double)
// AWS documents the phases and the functions' names, not their formulas; these are Citadel's.
std::optional<int64_t> retry_delay_ms(const RetryPolicy& p, int n);


// A topic's DeliveryPolicy attribute ({"http": {"defaultHealthyRetryPolicy": {...},
// "defaultThrottlePolicy": {...}, "defaultRequestPolicy": {...}, "disableSubscriptionOverrides":
// bool}}), checked as SNS checks it; InvalidParameter otherwise.
Result<json::object> parse_topic_delivery_policy(std::string_view text);
// A subscription's DeliveryPolicy ({"healthyRetryPolicy", "throttlePolicy", "requestPolicy"}).
Result<json::object> parse_subscription_delivery_policy(std::string_view text);

// The policy a subscription's deliveries follow: AWS's default, then the topic's http defaults,
// then the subscription's own policy unless the topic disables subscription overrides. Members a
// policy leaves out keep AWS's default. The arguments are what the parse functions returned
// (nullptr: none set).
DeliveryPolicy effective_policy(const json::object* topic_policy, const json::object* subscription_policy);

// The EffectiveDeliveryPolicy attributes, in AWS's shapes.
json::object topic_policy_json(const DeliveryPolicy& p, bool disable_overrides);
json::object subscription_policy_json(const DeliveryPolicy& p);
// Whether a topic's parsed DeliveryPolicy disables subscription overrides.
bool disables_subscription_overrides(const json::object* topic_policy);

// A policy as stored with a queued delivery, and back.
std::string to_text(const DeliveryPolicy& p);
DeliveryPolicy policy_from_text(std::string_view text);

}  // namespace citadel::services::sns
