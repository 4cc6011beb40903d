#pragma once
// What every SNS operation shares: its errors (AWS's query codes), topic and subscription ARNs,
// topic rows, the default topic policy, paging, and how an operation on a topic is authorized
// (sns:<Action> on the topic, with the topic's own policy as its resource policy).
#include <optional>
#include <string>
#include <string_view>

#include "services/service.h"

namespace citadel::services::sns {

// InvalidParameter (400): "Invalid parameter: " + what.
AwsError invalid_parameter(const std::string& what);
AwsError topic_not_found();         // NotFound (404) "Topic does not exist"
AwsError subscription_not_found();  // NotFound (404) "Subscription does not exist"

// arn:aws:sns:REGION:ACCOUNT:NAME
struct TopicRef {
  std::string region, account, name;
  std::string arn() const { return "arn:aws:sns:" + region + ":" + account + ":" + name; }
};
std::optional<TopicRef> parse_topic_arn(std::string_view arn);
// A subscription ARN is its topic's ARN, ':' and an id.
std::optional<TopicRef> topic_of_subscription(std::string_view subscription_arn);

// Topic names: 1 to 256 of A-Z a-z 0-9 _ - (".fifo" at the end for FIFO topics, not built).
bool valid_topic_name(std::string_view name);

struct Topic {
  TopicRef ref;
  json::object attributes;  // the attributes set on it (Policy, DisplayName, DeliveryPolicy, ...)
  int64_t subscriptions_deleted = 0;
  std::string attribute(std::string_view name) const;  // "" when not set
};

// The topic `arn` names, which must be of `region` (InvalidParameter naming `member` when the
// ARN is malformed or of another region; NotFound when there is no such topic).
Result<Topic> load_topic(store::Tx& tx, const std::string& arn, const std::string& region, const std::string& member = "TopicArn");
Status save_topic_attributes(store::Tx& tx, const Topic& t);

// The policy AWS gives a new topic: its owner's account may use it (AWS:SourceOwner).
std::string default_topic_policy(const TopicRef& t);

// sns:<action> on the topic `arn`, with the topic's policy as the resource policy when the topic
// exists (another account's principals get in only through it). `arn` "" means "*".
AuthzRequest topic_authz(std::string_view action, const std::string& arn, store::Tx& tx);
// An operation on the topic named by the input member `member`.
OperationDef topic_op(const char* name, bool read_only, const char* member, Handler h);
// An operation on no particular resource ("*").
OperationDef account_op(const char* name, bool read_only, Handler h);

// Paging: an opaque NextToken that carries the last key of the previous page.
std::string page_token(const std::string& last_key);
Result<std::string> page_after(const Call& call);
constexpr int64_t kPageSize = 100;

// Boolean attribute text as SNS takes it ("true"/"false", any case).
std::optional<bool> parse_bool(std::string_view text);

}  // namespace citadel::services::sns
