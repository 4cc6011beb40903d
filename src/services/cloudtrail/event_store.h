#pragma once
// The audit trail's events: StoredEvent, the fields every reader filters on with where the
// record is, and the per-event rows of cloudtrail_events (Insights events, and events indexed
// before the journal's events were indexed by block). Readers go through event_index.h, which
// reads both.
#include <span>
#include <string>
#include <vector>

#include "store/store.h"

namespace citadel::services::cloudtrail {

struct StoredEvent {
  std::string account_id;  // recipientAccountId: whose trail the event belongs to
  std::string event_id;
  int64_t event_time_ms = 0;
  std::string event_name, event_source, username, access_key_id;
  std::string entity_arn;  // the IAM user's or role's ARN ("" for root and anonymous callers)
  std::string region;
  bool read_only = false;
  std::string error_code;  // "" when the call succeeded
  bool insight = false;    // an Insights event (insights.h), not a call
  std::vector<std::pair<std::string, std::string>> resources;  // (ResourceType, ResourceName)
  std::string event_json;                                      // the whole CloudTrail record
  // An API call's record as its fields (api_call_record.h) instead of event_json: the journal
  // keeps these, and its JSON is written when it is read.
  std::string api_call;
  // When the record lives in an audit segment file instead of the row: where (event_json is then
  // only carried in memory, and stored as "").
  int64_t segment = -1, json_offset = 0, json_length = 0;
  int64_t seq = 0;  // its place in the trail's sequence, once indexed (event_index.h)
};

// Audit segment files: append-only files of audit records under DIR/audit/, numbered from 1.
std::string segment_path(const std::string& audit_dir, int64_t segment);
// Reads one CloudTrail record stored in a segment (its JSON, written now if the segment holds the
// call's fields).
Result<std::string> read_segment_json(const std::string& audit_dir, int64_t segment, int64_t offset, int64_t length);

// cloudtrail_events.management: which of CloudTrail's event categories a row is.
enum class EventCategory : int64_t { Data = 0, Management = 1, Insight = 2 };

std::vector<store::Migration> event_migrations();
// Appends events inside the caller's transaction, a row each (the journal's events are indexed by
// block instead: event_index.h), and moves the last-used time of the access keys they were made with.
Status append_events(store::Tx& tx, std::span<const StoredEvent> events);
// Moves the last-used times of the access keys and IAM entities that made `events`.
Status record_event_usage(store::Tx& tx, std::span<const StoredEvent> events);

}  // namespace citadel::services::cloudtrail
