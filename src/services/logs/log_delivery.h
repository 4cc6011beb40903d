#pragma once
// Log events another service delivers into a customer's log group (CloudTrail's trails), stored as
// PutLogEvents would store them, inside the delivering service's transaction.
#include <string>
#include <utility>
#include <vector>

#include "services/logs/logs_common.h"

namespace citadel::services::logs {

// Whether `group` exists in that account and region.
Result<bool> log_group_exists(store::Tx& tx, const std::string& account, const std::string& region, const std::string& group);

// What a group's metric filters and subscription filters make of events just stored in `stream`
// (by PutLogEvents or a delivery): metrics published, deliveries queued.
Status events_stored(Call& call, const std::string& account, const std::string& region, const std::string& group,
                     const std::string& stream, const std::vector<StoredEvent>& events, int64_t now_ms);

// InvalidParameterException unless `name` is a valid log group name ([.-_/#A-Za-z0-9]{1,512}).
Status check_group_name(const std::string& name);

// Creates `group` (standard class, no tags) when it does not exist, as a delivering service whose
// role may call logs:CreateLogGroup does (VPC flow logs).
Status ensure_log_group(store::Tx& tx, const std::string& account, const std::string& region, const std::string& group,
                        int64_t now_ms);

// Appends (timestamp, message) events, in time order, to `stream` of `group` (created when absent).
// ResourceNotFoundException when the group does not exist.
Status deliver_log_events(Call& call, const std::string& account, const std::string& region, const std::string& group,
                          const std::string& stream, std::vector<std::pair<int64_t, std::string>> events, int64_t now_ms);

}  // namespace citadel::services::logs
