#pragma once
// The messages SNS POSTs to HTTP/S endpoints, as AWS documents them: the JSON body of a
// Notification or a SubscriptionConfirmation, the string SignatureVersion 1 and 2 sign, and the
// x-amz-sns-* headers. Pure: the caller signs and sends.
#include <boost/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace citadel::services::sns {

namespace json = boost::json;

struct Message {
  std::string type;  // "Notification" or "SubscriptionConfirmation"
  std::string message_id, topic_arn, subscription_arn;
  std::string subject;  // Notification only; "" = none (then neither sent nor signed)
  std::string message;
  std::string token;    // SubscriptionConfirmation only
  int64_t timestamp_ms = 0;
  // Publish's MessageAttributes ({"name": {"DataType", "StringValue"|"BinaryValue"}}).
  json::object attributes;
};

// Where the message's links point (all on Citadel's own endpoint).
struct Links {
  std::string base_url;  // "http://127.0.0.1:4566", no trailing slash
  std::string signing_cert_url() const { return base_url + "/_citadel/sns/cert.pem"; }
  // GET /?Action=ConfirmSubscription&TopicArn=..&Token=.. (AWS's form, unsigned).
  std::string subscribe_url(const std::string& topic_arn, const std::string& token) const;
  // GET /?Action=Unsubscribe&SubscriptionArn=.. (unsigned, as AWS's UnsubscribeURL).
  std::string unsubscribe_url(const std::string& subscription_arn) const;
};

// The text a signature covers: "Name\nvalue\n" for each signed member in AWS's order —
// Notification: Message, MessageId, Subject (when there is one), Timestamp, TopicArn, Type;
// SubscriptionConfirmation: Message, MessageId, SubscribeURL, Timestamp, Token, TopicArn, Type.
std::string string_to_sign(const Message& m, const Links& links);

// The JSON body, with the signature the caller made over string_to_sign (base64) and its version
// ("1": SHA1withRSA, "2": SHA256withRSA).
std::string message_body(const Message& m, const Links& links, const std::string& signature_version,
                         const std::string& signature);

// The request headers besides Content-Type (x-amz-sns-message-type, -message-id, -topic-arn, and
// -subscription-arn for notifications; SNS's User-Agent).
std::vector<std::pair<std::string, std::string>> message_headers(const Message& m, bool raw);

// The text of a SubscriptionConfirmation's Message member.
std::string confirmation_text(const std::string& topic_arn);

}  // namespace citadel::services::sns
