#include "services/sns/delivery_policy.h"

#include <array>
#include <cmath>

namespace citadel::services::sns {

namespace {

constexpr int kMaxRetries = 100;
constexpr int kMaxDelayS = 3600;
constexpr int64_t kMaxTotalRetryS = 3600;  // AWS's hard limit on a policy's whole retry time

constexpr std::array<std::string_view, 4> kBackoff{"linear", "arithmetic", "geometric", "exponential"};
constexpr std::array<std::string_view, 4> kContentTypes{"text/plain", "application/json", "application/xml", "text/html"};

AwsError bad(const std::string& why) {
  return AwsError::sender("InvalidParameter", "Invalid parameter: DeliveryPolicy: " + why, 400);
}

const json::object* member_object(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_object() ? &v->as_object() : nullptr;
}

Status only_keys(const json::object& o, std::initializer_list<std::string_view> keys, const std::string& where) {
  for (const auto& [k, v] : o) {
    bool known = false;
    for (auto key : keys) known = known || k == key;
    if (!known) return bad(where + "." + std::string(k) + " is not a recognised member");
  }
  return Ok{};
}

Result<int> whole(const json::object& o, std::string_view key, int fallback, int lo, int hi, const std::string& where) {
  const auto* v = o.if_contains(key);
  if (!v || v->is_null()) return fallback;
  if (!v->is_int64() && !v->is_uint64())
    return bad(where + "." + std::string(key) + " must be an integer");
  auto n = v->to_number<int64_t>();
  if (n < lo || n > hi)
    return bad(where + "." + std::string(key) + " must be between " + std::to_string(lo) + " and " + std::to_string(hi));
  return static_cast<int>(n);
}

// healthyRetryPolicy / defaultHealthyRetryPolicy.
Result<RetryPolicy> read_retry(const json::object& o, const std::string& where) {
  if (auto s = only_keys(o, {"minDelayTarget", "maxDelayTarget", "numRetries", "numNoDelayRetries", "numMinDelayRetries",
                             "numMaxDelayRetries", "backoffFunction"},
                         where);
      !s)
    return s.error();
  RetryPolicy p;
  auto max_delay = whole(o, "maxDelayTarget", p.max_delay_s, 1, kMaxDelayS, where);
  if (!max_delay) return max_delay.error();
  p.max_delay_s = *max_delay;
  auto min_delay = whole(o, "minDelayTarget", std::min(p.min_delay_s, p.max_delay_s), 1, p.max_delay_s, where);
  if (!min_delay) return min_delay.error();
  p.min_delay_s = *min_delay;
  for (auto [key, field] : {std::pair{"numRetries", &p.num_retries}, std::pair{"numNoDelayRetries", &p.num_no_delay},
                            std::pair{"numMinDelayRetries", &p.num_min_delay}, std::pair{"numMaxDelayRetries", &p.num_max_delay}}) {
    auto n = whole(o, key, *field, 0, kMaxRetries, where);
    if (!n) return n.error();
    *field = *n;
  }
  if (p.num_no_delay + p.num_min_delay + p.num_max_delay > p.num_retries)
    return bad(where + ": numNoDelayRetries + numMinDelayRetries + numMaxDelayRetries must not exceed numRetries");
  if (const auto* f = o.if_contains("backoffFunction"); f && !f->is_null()) {
    if (!f->is_string()) return bad(where + ".backoffFunction must be a string");
    bool known = false;
    for (auto b : kBackoff) known = known || f->as_string() == b;
    if (!known) return bad(where + ".backoffFunction must be one of linear, arithmetic, geometric, exponential");
    p.backoff = std::string(f->as_string());
  }
  int64_t total_ms = 0;
  for (int n = 1; n <= p.num_retries; ++n) total_ms += *retry_delay_ms(p, n);
  if (total_ms > kMaxTotalRetryS * 1000) return bad(where + ": the total retry time must not exceed 3600 seconds");
  return p;
}

Result<int> read_throttle(const json::object& o, const std::string& where) {
  if (auto s = only_keys(o, {"maxReceivesPerSecond"}, where); !s) return s.error();
  return whole(o, "maxReceivesPerSecond", 0, 1, 1000000, where);
}

Result<std::string> read_request(const json::object& o, const std::string& where) {
  if (auto s = only_keys(o, {"headerContentType"}, where); !s) return s.error();
  const auto* v = o.if_contains("headerContentType");
  if (!v || v->is_null()) return std::string();
  if (v->is_string()) {
    std::string_view t = v->as_string();
    for (auto ct : kContentTypes)
      if (t == ct || t == std::string(ct) + "; charset=UTF-8") return std::string(t);
  }
  return bad(where + ".headerContentType must be text/plain, application/json, application/xml or text/html "
                     "(optionally with \"; charset=UTF-8\")");
}

Result<json::object> parse_object(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return bad("the policy is not a JSON object");
  return std::move(v.as_object());
}

// Checks the parts a policy holds; `prefix` is "default" on topics ("defaultHealthyRetryPolicy").
Status check_parts(const json::object& o, const std::string& where, bool topic) {
  std::string retry = topic ? "defaultHealthyRetryPolicy" : "healthyRetryPolicy";
  std::string throttle = topic ? "defaultThrottlePolicy" : "throttlePolicy";
  std::string request = topic ? "defaultRequestPolicy" : "requestPolicy";
  for (const auto& [k, v] : o) {
    std::string key(k);
    std::string at = where.empty() ? key : where + "." + key;
    if (v.is_null() && (key == "sicklyRetryPolicy" || key == throttle)) continue;
    if (key == "sicklyRetryPolicy" || key == "guaranteed") continue;  // AWS shows them; they change nothing here
    if (key == "disableSubscriptionOverrides" && topic) {
      if (!v.is_bool()) return bad(at + " must be true or false");
      continue;
    }
    if (!v.is_object()) return bad(at + " is not a recognised member");
    if (key == retry) {
      if (auto r = read_retry(v.as_object(), at); !r) return r.error();
    } else if (key == throttle) {
      if (auto r = read_throttle(v.as_object(), at); !r) return r.error();
    } else if (key == request) {
      if (auto r = read_request(v.as_object(), at); !r) return r.error();
    } else {
      return bad(at + " is not a recognised member");
    }
  }
  return Ok{};
}

// Applies the parts of a checked policy over `p`.
void apply(DeliveryPolicy& p, const json::object& o, bool topic) {
  if (const auto* r = member_object(o, topic ? "defaultHealthyRetryPolicy" : "healthyRetryPolicy"))
    if (auto retry = read_retry(*r, ""); retry) p.retry = std::move(*retry);
  if (const auto* t = member_object(o, topic ? "defaultThrottlePolicy" : "throttlePolicy")) {
    auto n = read_throttle(*t, "");
    if (n && *n > 0) p.max_receives_per_second = *n;
  }
  if (const auto* q = member_object(o, topic ? "defaultRequestPolicy" : "requestPolicy")) {
    auto ct = read_request(*q, "");
    if (ct && !ct->empty()) p.content_type = *ct;
  }
}

json::object retry_json(const RetryPolicy& r) {
  return json::object{{"minDelayTarget", r.min_delay_s},   {"maxDelayTarget", r.max_delay_s},
                      {"numRetries", r.num_retries},       {"numMaxDelayRetries", r.num_max_delay},
                      {"numNoDelayRetries", r.num_no_delay}, {"numMinDelayRetries", r.num_min_delay},
                      {"backoffFunction", r.backoff}};
}

}  // namespace

std::optional<int64_t> retry_delay_ms(const RetryPolicy& p, int n) {
  if (n < 1 || n > p.num_retries) return std::nullopt;
  const double lo = p.min_delay_s * 1000.0, hi = p.max_delay_s * 1000.0;
  if (n <= p.num_no_delay) return 0;
  n -= p.num_no_delay;
  if (n <= p.num_min_delay) return static_cast<int64_t>(lo);
  n -= p.num_min_delay;
  const int k = p.num_retries - p.num_no_delay - p.num_min_delay - p.num_max_delay;
  if (n > k) return static_cast<int64_t>(hi);  // post-backoff phase
  const double i = n, t = i / k;
  double d = lo + (hi - lo) * t;
  if (p.backoff == "arithmetic") d = lo + (hi - lo) * (i * (i + 1)) / (static_cast<double>(k) * (k + 1));
  else if (p.backoff == "geometric") d = lo * std::pow(hi / lo, t);
  else if (p.backoff == "exponential") d = lo + (hi - lo) * (std::pow(2.0, i) - 1) / (std::pow(2.0, k) - 1);
  return static_cast<int64_t>(std::llround(d));
}

Result<json::object> parse_topic_delivery_policy(std::string_view text) {
  auto o = parse_object(text);
  if (!o) return o;
  for (const auto& [k, v] : *o) {
    // Only the http member is Citadel's to use; the other protocols' policies are AWS's own.
    if (k != "http") return bad(std::string(k) + " is not a recognised member (only http delivery policies can be set)");
    if (!v.is_object()) return bad("http must be an object");
    if (auto s = check_parts(v.as_object(), "http", true); !s) return s.error();
  }
  return o;
}

Result<json::object> parse_subscription_delivery_policy(std::string_view text) {
  auto o = parse_object(text);
  if (!o) return o;
  if (auto s = check_parts(*o, "", false); !s) return s.error();
  return o;
}

bool disables_subscription_overrides(const json::object* topic_policy) {
  const json::object* http = topic_policy ? member_object(*topic_policy, "http") : nullptr;
  const auto* v = http ? http->if_contains("disableSubscriptionOverrides") : nullptr;
  return v && v->is_bool() && v->as_bool();
}

DeliveryPolicy effective_policy(const json::object* topic_policy, const json::object* subscription_policy) {
  DeliveryPolicy p;
  if (const json::object* http = topic_policy ? member_object(*topic_policy, "http") : nullptr) apply(p, *http, true);
  if (subscription_policy && !disables_subscription_overrides(topic_policy)) apply(p, *subscription_policy, false);
  return p;
}

json::object topic_policy_json(const DeliveryPolicy& p, bool disable_overrides) {
  json::object http{{"defaultHealthyRetryPolicy", retry_json(p.retry)},
                    {"disableSubscriptionOverrides", disable_overrides},
                    {"defaultRequestPolicy", json::object{{"headerContentType", p.content_type}}}};
  if (p.max_receives_per_second) http["defaultThrottlePolicy"] = json::object{{"maxReceivesPerSecond", *p.max_receives_per_second}};
  return json::object{{"http", std::move(http)}};
}

json::object subscription_policy_json(const DeliveryPolicy& p) {
  json::object o{{"healthyRetryPolicy", retry_json(p.retry)},
                 {"sicklyRetryPolicy", nullptr},
                 {"throttlePolicy", nullptr},
                 {"requestPolicy", json::object{{"headerContentType", p.content_type}}},
                 {"guaranteed", false}};
  if (p.max_receives_per_second) o["throttlePolicy"] = json::object{{"maxReceivesPerSecond", *p.max_receives_per_second}};
  return o;
}

std::string to_text(const DeliveryPolicy& p) { return json::serialize(subscription_policy_json(p)); }

DeliveryPolicy policy_from_text(std::string_view text) {
  DeliveryPolicy p;
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (!ec && v.is_object()) apply(p, v.as_object(), false);
  return p;
}

}  // namespace citadel::services::sns
