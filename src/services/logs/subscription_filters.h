#pragma once
// Subscription filters: a log group's filter pattern whose matching events are delivered, as they
// arrive, to a destination. AWS's destinations (Kinesis, Firehose, Lambda, cross-account logs
// destinations) are services Citadel does not have; Citadel delivers to an HTTP(S) endpoint named
// by its URL in destinationArn, with the body AWS would hand a Lambda function
// (subscription_message.h), so the function's code can sit behind the endpoint. Deliveries are
// queued in the transaction that stores the events (subscription_queue.h) and sent by a worker,
// with retries for 24 hours as AWS retries a destination's retryable errors.
#include <vector>

#include "services/logs/logs_common.h"

namespace citadel::services::logs {

std::vector<store::Migration> subscription_filter_migrations();
void add_subscription_filter_operations(std::vector<OperationDef>& ops);

// Queues, for each of the group's subscription filters, one delivery of the newly stored events
// of `stream` that match it (none when nothing matches).
Status queue_subscription_deliveries(Call& call, const std::string& account, const std::string& region,
                                     const std::string& group, const std::string& stream,
                                     const std::vector<StoredEvent>& events, int64_t now_ms);

}  // namespace citadel::services::logs
