#pragma once
// What a subscription filter sends: CloudWatch Logs' subscription data, exactly as AWS hands it to
// a Lambda function — a JSON body {"awslogs": {"data": BASE64}} whose data is the gzipped JSON
// message (messageType DATA_MESSAGE with the owner, group, stream, filter names and the matching
// events; or the CONTROL_MESSAGE AWS sends first to check that a new destination is reachable).
// So a function written for AWS can be run behind an HTTP endpoint and tested against Citadel.
// Pure: values in, bytes out.
#include <string>
#include <vector>

#include "services/logs/logs_common.h"

namespace citadel::services::logs {

struct SubscriptionData {
  std::string owner;  // the account
  std::string group, stream;
  std::vector<std::string> filters;  // the filter names that matched
  std::vector<StoredEvent> events;
};

// The message JSON (uncompressed).
std::string data_message_json(const SubscriptionData& d);
// AWS's health check of a destination: owner "CloudwatchLogs", no group, stream or filters, one
// event whose message says so.
std::string control_message_json(int64_t now_ms);

// The HTTP body for a message: {"awslogs":{"data":"<base64 of the gzipped message>"}}.
std::string lambda_event_body(const std::string& message_json);

}  // namespace citadel::services::logs
