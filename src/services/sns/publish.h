#pragma once
// Publishing: queuing one message for every confirmed subscription of a topic, in the caller's
// transaction. Publish uses it, and so do other services that notify a topic (CloudWatch alarm
// actions).
#include <optional>
#include <string>

#include "services/sns/sns_common.h"

namespace citadel::services::sns {

struct Publication {
  std::string subject;  // "" = none
  std::string message;
  // MessageStructure=json: the message per protocol ("default", "http", "https"), which
  // replaces `message` for the protocols it names.
  std::optional<json::object> per_protocol;
  json::object attributes;  // MessageAttributes, as Publish takes them
};

// Queues `p` for the topic's confirmed subscriptions; returns the new MessageId.
Result<std::string> publish_to_topic(store::Tx& tx, const Topic& topic, const Publication& p, int64_t now_ms);

// An AWS service publishing on behalf of one of its resources (CloudWatch for an alarm): the
// topic must exist in `region`, and its policy must let `service_principal` publish with
// aws:SourceArn and aws:SourceAccount (AWS:SourceOwner) of the resource. A topic of the
// resource's own account also takes it when its policy merely does not deny it: that is what
// SNS's default topic policy grants the owner's services. NotFound, AuthorizationError otherwise.
Result<std::string> publish_for_service(store::Tx& tx, const std::string& topic_arn, const std::string& region,
                                        const std::string& service_principal, const std::string& source_account,
                                        const std::string& source_arn, const Publication& p, int64_t now_ms);

}  // namespace citadel::services::sns
