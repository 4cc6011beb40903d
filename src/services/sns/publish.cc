// Publish: checks the message as SNS checks it and queues it for every confirmed subscription.
#include "services/sns/publish.h"

#include <boost/algorithm/string/predicate.hpp>

#include "base/ids.h"
#include "services/service_principal.h"
#include "services/sns/sns_operations.h"
#include "services/sns/subscription_store.h"

namespace citadel::services::sns {

namespace {

constexpr size_t kMaxMessageBytes = 262144;  // message and attributes together
constexpr size_t kMaxSubjectChars = 99;      // "less than 100 characters"

size_t utf8_chars(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

Status check_subject(const std::string& subject) {
  bool control = false;
  for (unsigned char c : subject) control = control || c < 0x20 || c == 0x7f;
  if (subject.empty() || control || utf8_chars(subject) > kMaxSubjectChars) return invalid_parameter("Subject");
  return Ok{};
}

bool valid_attribute_name(std::string_view n) {
  if (n.empty() || n.size() > 256 || n.front() == '.' || n.back() == '.' || n.find("..") != std::string_view::npos) return false;
  if (boost::algorithm::istarts_with(n, "AWS.") || boost::algorithm::istarts_with(n, "Amazon.")) return false;
  for (char c : n)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.') return false;
  return true;
}

// MessageAttributes as SNS checks them; returns their size in bytes (names, types and values).
Result<size_t> check_attributes(const json::object& attributes) {
  size_t bytes = 0;
  for (const auto& [key, v] : attributes) {
    std::string name(key);
    if (!valid_attribute_name(name))
      return invalid_parameter("The message attribute name '" + name + "' is invalid. Names may contain letters, digits, "
                               "'_', '-' and '.', and must not start with AWS. or Amazon.");
    if (!v.is_object()) return invalid_parameter("The message attribute '" + name + "' has no value.");
    const auto& a = v.as_object();
    std::string type = input_str(a, "DataType");
    std::string base = type.substr(0, type.find('.'));
    if (type == "String.Array") base = "String";
    if (base != "String" && base != "Number" && base != "Binary")
      return invalid_parameter("The message attribute '" + name +
                               "' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.");
    std::string value = input_str(a, base == "Binary" ? "BinaryValue" : "StringValue");
    if (value.empty())
      return invalid_parameter("The message attribute '" + name + "' must contain non-empty message attribute value for message attribute type '" +
                               base + "'.");
    if (base == "Number") {
      char* end = nullptr;
      std::strtod(value.c_str(), &end);
      if (end != value.c_str() + value.size())
        return invalid_parameter("Could not cast message attribute '" + name + "' value to number.");
    }
    if (type == "String.Array") {
      boost::system::error_code ec;
      json::value parsed = json::parse(value, ec);
      if (ec || !parsed.is_array())
        return invalid_parameter("The message attribute '" + name + "' with type 'String.Array' must be a JSON array.");
    }
    bytes += name.size() + type.size() + value.size();
  }
  return bytes;
}

// MessageStructure=json: a JSON object with a "default" string; other string members are
// per-protocol messages (non-strings are ignored, as SNS ignores them).
Result<json::object> structured_message(const std::string& text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return invalid_parameter("Message Structure - JSON message body failed to parse");
  json::object out;
  for (const auto& [k, m] : v.as_object())
    if (m.is_string()) out[k] = m;
  if (!out.contains("default")) return invalid_parameter("Message Structure - No default entry in JSON message body");
  return out;
}

std::string message_for(const Publication& p, const std::string& protocol) {
  if (!p.per_protocol) return p.message;
  const auto* m = p.per_protocol->if_contains(protocol);
  if (!m) m = p.per_protocol->if_contains("default");
  return m && m->is_string() ? std::string(m->as_string()) : p.message;
}

// The topic Publish names by TopicArn or TargetArn (one of them).
Result<std::string> target_topic(const Call& call) {
  if (call.has("PhoneNumber")) return AwsError::not_implemented("sns: SMS (Publish with PhoneNumber)");
  bool topic = call.has("TopicArn"), target = call.has("TargetArn");
  if (topic == target)
    return invalid_parameter(topic ? "TopicArn or TargetArn Reason: Only one of TopicArn or TargetArn may be specified"
                                   : "TopicArn or TargetArn Reason: no value for required parameter");
  std::string arn = call.str(topic ? "TopicArn" : "TargetArn");
  // Platform endpoints are the other kind of target; Citadel has none.
  if (target && !parse_topic_arn(arn)) return invalid_parameter("TargetArn Reason: mobile push endpoints are not built in Citadel");
  return arn;
}

Result<json::value> publish(Call& call) {
  auto arn = target_topic(call);
  if (!arn) return arn.error();
  auto topic = load_topic(call.tx, *arn, call.ctx.region, call.has("TopicArn") ? "TopicArn" : "TargetArn");
  if (!topic) return topic.error();
  Publication p;
  p.message = call.str("Message");
  if (p.message.empty()) return invalid_parameter("Empty message");
  if (call.has("Subject")) {
    p.subject = call.str("Subject");
    if (auto s = check_subject(p.subject); !s) return s.error();
  }
  if (call.has("MessageStructure")) {
    if (call.str("MessageStructure") != "json") return invalid_parameter("MessageStructure");
    auto per = structured_message(p.message);
    if (!per) return per.error();
    p.per_protocol = std::move(*per);
  }
  if (call.has("MessageDeduplicationId"))
    return invalid_parameter("MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type");
  size_t attribute_bytes = 0;
  if (const auto* a = call.input.if_contains("MessageAttributes"); a && a->is_object()) {
    auto bytes = check_attributes(a->as_object());
    if (!bytes) return bytes.error();
    attribute_bytes = *bytes;
    p.attributes = a->as_object();
  }
  if (p.message.size() + attribute_bytes > kMaxMessageBytes) return invalid_parameter("Message too long");
  auto id = publish_to_topic(call.tx, *topic, p, call.ctx.now_ms);
  if (!id) return id.error();
  return json::object{{"MessageId", *id}};
}

}  // namespace

Result<std::string> publish_to_topic(store::Tx& tx, const Topic& topic, const Publication& p, int64_t now_ms) {
  std::string message_id = ids::uuid4();
  auto subs = confirmed_subscriptions(tx, topic.ref);
  if (!subs) return subs.error();
  std::string version = topic.attribute("SignatureVersion").empty() ? "1" : topic.attribute("SignatureVersion");
  for (const auto& s : *subs) {
    QueuedDelivery d;
    d.message = Message{"Notification", message_id, topic.ref.arn(), s.arn, p.subject, message_for(p, s.protocol), "", now_ms, p.attributes};
    d.endpoint = s.endpoint;
    d.raw = s.raw();
    d.signature_version = version;
    d.policy = subscription_policy(topic, s);
    d.next_attempt_ms = now_ms;
    if (auto q = enqueue(tx, d); !q) return q.error();
  }
  return message_id;
}

Result<std::string> publish_for_service(store::Tx& tx, const std::string& topic_arn, const std::string& region,
                                        const std::string& service_principal, const std::string& source_account,
                                        const std::string& source_arn, const Publication& p, int64_t now_ms) {
  auto topic = load_topic(tx, topic_arn, region);
  if (!topic) return topic.error();
  std::string_view source_account_value = source_account, source_arn_value = source_arn;
  const policy::ContextEntry context[] = {{"aws:SourceAccount", {&source_account_value, 1}},
                                          {"aws:SourceOwner", {&source_account_value, 1}},
                                          {"aws:SourceArn", {&source_arn_value, 1}}};
  auto decision = resource_policy_decision_for_service(topic->attribute("Policy"), policy::PolicyKind::Resource, service_principal,
                                                       topic->ref.account, {{"SNS:Publish", topic_arn, context}});
  bool own = topic->ref.account == source_account;
  if (decision == policy::DecisionType::ExplicitlyDenied || (decision != policy::DecisionType::Allowed && !own))
    return AwsError::sender("AuthorizationError", "The topic's policy does not allow " + service_principal + " to publish to " + topic_arn, 403);
  return publish_to_topic(tx, *topic, p, now_ms);
}

void add_publish_operations(std::vector<OperationDef>& ops) {
  ops.push_back(OperationDef{"Publish", false, false,
                             [](const RequestContext&, const json::object& in, store::Tx& tx) {
                               std::string arn = input_str(in, "TopicArn");
                               return topic_authz("Publish", arn.empty() ? input_str(in, "TargetArn") : arn, tx);
                             },
                             publish});
}

}  // namespace citadel::services::sns
