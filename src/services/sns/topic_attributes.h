#pragma once
// The attributes a topic can be created or updated with, checked as SNS checks them, and the
// whole set GetTopicAttributes shows.
#include <string>

#include "services/sns/sns_common.h"

namespace citadel::services::sns {

// Checks one settable attribute. Policy (a resource policy), DisplayName (≤ 100 characters),
// DeliveryPolicy (delivery_policy.h), SignatureVersion ("1" or "2"), TracingConfig
// (PassThrough | Active). FIFO attributes answer InvalidParameter (FIFO topics are not built);
// encryption, data protection and delivery status logging answer NotImplemented; any other name
// InvalidParameter.
Status check_topic_attribute(const std::string& name, const std::string& value);

// GetTopicAttributes' map: what was set, plus TopicArn, Owner, the subscription counts,
// EffectiveDeliveryPolicy and the defaults SNS shows.
Result<json::object> topic_attributes_view(store::Tx& tx, const Topic& t);

}  // namespace citadel::services::sns
