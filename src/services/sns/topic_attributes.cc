#include "services/sns/topic_attributes.h"

#include "policy/policy.h"
#include "services/sns/delivery_policy.h"

namespace citadel::services::sns {

namespace {

bool one_of(const std::string& v, std::initializer_list<std::string_view> options) {
  for (auto o : options)
    if (v == o) return true;
  return false;
}

}  // namespace

Status check_topic_attribute(const std::string& name, const std::string& value) {
  if (name == "Policy") {
    auto p = policy::parse(value, policy::PolicyKind::Resource);
    if (!p) return invalid_parameter("Policy Error: " + p.error().message);
    return Ok{};
  }
  if (name == "DisplayName") {
    if (value.size() > 100) return invalid_parameter("DisplayName Reason: must be at most 100 characters");
    return Ok{};
  }
  if (name == "DeliveryPolicy") {
    if (value.empty()) return Ok{};  // clears it
    auto p = parse_topic_delivery_policy(value);
    if (!p) return p.error();
    return Ok{};
  }
  if (name == "SignatureVersion") {
    if (!one_of(value, {"1", "2"})) return invalid_parameter("SignatureVersion Reason: must be 1 or 2");
    return Ok{};
  }
  if (name == "TracingConfig") {
    if (!one_of(value, {"PassThrough", "Active"})) return invalid_parameter("TracingConfig Reason: must be PassThrough or Active");
    return Ok{};
  }
  if (name == "FifoTopic") {
    if (value == "false") return Ok{};
    return invalid_parameter("FifoTopic Reason: FIFO topics are not built in Citadel");
  }
  if (one_of(name, {"ContentBasedDeduplication", "ArchivePolicy", "FifoThroughputScope"}))
    return invalid_parameter(name + " Reason: applies only to FIFO topics, which are not built in Citadel");
  if (one_of(name, {"KmsMasterKeyId", "DataProtectionPolicy"}) || name.ends_with("FeedbackRoleArn") ||
      name.ends_with("FeedbackSampleRate"))
    return AwsError::not_implemented("sns: the topic attribute " + name);
  return invalid_parameter("AttributeName");
}

Result<json::object> topic_attributes_view(store::Tx& tx, const Topic& t) {
  auto counts = tx.query(
      "SELECT COALESCE(SUM(CASE WHEN confirmed = 0 THEN 1 ELSE 0 END), 0), COALESCE(SUM(confirmed), 0) FROM sns_subscriptions "
      "WHERE account_id = ? AND region = ? AND topic_name = ?",
      {t.ref.account, t.ref.region, t.ref.name});
  if (!counts) return counts.error();
  json::object out{{"TopicArn", t.ref.arn()},
                   {"Owner", t.ref.account},
                   {"DisplayName", ""},
                   {"SignatureVersion", "1"},
                   {"SubscriptionsPending", std::to_string(counts->front().i64(0))},
                   {"SubscriptionsConfirmed", std::to_string(counts->front().i64(1))},
                   {"SubscriptionsDeleted", std::to_string(t.subscriptions_deleted)}};
  for (const auto& [k, v] : t.attributes) out[k] = v;
  std::optional<json::object> delivery;
  if (auto text = t.attribute("DeliveryPolicy"); !text.empty())
    if (auto p = parse_topic_delivery_policy(text); p) delivery = std::move(*p);
  const json::object* dp = delivery ? &*delivery : nullptr;
  out["EffectiveDeliveryPolicy"] = json::serialize(topic_policy_json(effective_policy(dp, nullptr), disables_subscription_overrides(dp)));
  return out;
}

}  // namespace citadel::services::sns
