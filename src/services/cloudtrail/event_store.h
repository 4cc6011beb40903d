#pragma once
// The audit trail's storage: CloudTrail events as AWS writes them, one row per event, indexed for
// LookupEvents. Appending is batched by the server's audit log; reading is LookupEvents.
#include <string>
#include <vector>

#include "store/store.h"

namespace citadel::services::cloudtrail {

struct StoredEvent {
  std::string account_id;  // recipientAccountId: whose trail the event belongs to
  std::string event_id;
  int64_t event_time_ms = 0;
  std::string event_name, event_source, username, access_key_id;
  std::string region;
  bool read_only = false;
  std::vector<std::pair<std::string, std::string>> resources;  // (ResourceType, ResourceName)
  std::string event_json;                                      // the whole CloudTrail record
};

std::vector<store::Migration> event_migrations();
// Appends events inside the caller's transaction, and moves the last-used time of the access
// keys they were made with.
Status append_events(store::Tx& tx, const std::vector<StoredEvent>& events);

}  // namespace citadel::services::cloudtrail
