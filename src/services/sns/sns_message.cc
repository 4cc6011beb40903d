#include "services/sns/sns_message.h"

#include "base/time.h"
#include "base/uri.h"

namespace citadel::services::sns {

namespace {

bool notification(const Message& m) { return m.type == "Notification"; }

// A Publish attribute as the notification shows it: {"Type", "Value"}.
json::object attribute_json(const json::value& v) {
  json::object out;
  if (!v.is_object()) return out;
  const auto& a = v.as_object();
  auto text = [&](std::string_view k) -> std::string {
    const auto* x = a.if_contains(k);
    return x && x->is_string() ? std::string(x->as_string()) : std::string();
  };
  out["Type"] = text("DataType");
  out["Value"] = a.contains("BinaryValue") ? text("BinaryValue") : text("StringValue");
  return out;
}

}  // namespace

std::string Links::subscribe_url(const std::string& topic_arn, const std::string& token) const {
  return base_url + "/?Action=ConfirmSubscription&TopicArn=" + uri::encode(topic_arn) + "&Token=" + uri::encode(token);
}

std::string Links::unsubscribe_url(const std::string& subscription_arn) const {
  return base_url + "/?Action=Unsubscribe&SubscriptionArn=" + uri::encode(subscription_arn);
}

std::string confirmation_text(const std::string& topic_arn) {
  return "You have chosen to subscribe to the topic " + topic_arn +
         ".\nTo confirm the subscription, visit the SubscribeURL included in this message.";
}

std::string string_to_sign(const Message& m, const Links& links) {
  std::string s;
  auto add = [&s](std::string_view name, std::string_view value) {
    s.append(name).append("\n").append(value).append("\n");
  };
  std::string timestamp = timeutil::iso8601(m.timestamp_ms, true);
  add("Message", m.message);
  add("MessageId", m.message_id);
  if (notification(m)) {
    if (!m.subject.empty()) add("Subject", m.subject);
  } else {
    add("SubscribeURL", links.subscribe_url(m.topic_arn, m.token));
  }
  add("Timestamp", timestamp);
  if (!notification(m)) add("Token", m.token);
  add("TopicArn", m.topic_arn);
  add("Type", m.type);
  return s;
}

std::string message_body(const Message& m, const Links& links, const std::string& signature_version,
                         const std::string& signature) {
  json::object o;
  o["Type"] = m.type;
  o["MessageId"] = m.message_id;
  if (!notification(m)) o["Token"] = m.token;
  o["TopicArn"] = m.topic_arn;
  if (notification(m) && !m.subject.empty()) o["Subject"] = m.subject;
  o["Message"] = m.message;
  if (!notification(m)) o["SubscribeURL"] = links.subscribe_url(m.topic_arn, m.token);
  o["Timestamp"] = timeutil::iso8601(m.timestamp_ms, true);
  o["SignatureVersion"] = signature_version;
  o["Signature"] = signature;
  o["SigningCertURL"] = links.signing_cert_url();
  if (notification(m)) {
    o["UnsubscribeURL"] = links.unsubscribe_url(m.subscription_arn);
    if (!m.attributes.empty()) {
      json::object attrs;
      for (const auto& [name, v] : m.attributes) attrs[name] = attribute_json(v);
      o["MessageAttributes"] = std::move(attrs);
    }
  }
  return json::serialize(o);
}

std::vector<std::pair<std::string, std::string>> message_headers(const Message& m, bool raw) {
  std::vector<std::pair<std::string, std::string>> h{{"x-amz-sns-message-type", m.type},
                                                     {"x-amz-sns-message-id", m.message_id},
                                                     {"x-amz-sns-topic-arn", m.topic_arn}};
  if (notification(m)) h.emplace_back("x-amz-sns-subscription-arn", m.subscription_arn);
  if (raw) h.emplace_back("x-amz-sns-rawdelivery", "true");
  h.emplace_back("User-Agent", "Amazon Simple Notification Service Agent");
  return h;
}

}  // namespace citadel::services::sns
