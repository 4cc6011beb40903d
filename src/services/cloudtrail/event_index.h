#pragma once
// The audit trail's events as their readers see them — LookupEvents and Insights newest first,
// trail delivery in order — in one sequence (seq), wherever an event is indexed:
//   - by block: the journal's indexer adds one row per batch it indexes, naming the stretch of an
//     audit segment that holds the batch's records, and readers decode the records again. A row
//     and an index entry per event were most of what auditing a call cost the server (README,
//     "auditing cost"); a block costs one row per thousands of events.
//   - by row (cloudtrail_events): Insights events, which are not in the journal, and events
//     indexed before blocks existed (migration cloudtrail/009_event_blocks).
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "services/cloudtrail/event_store.h"
#include "store/store.h"

namespace citadel::services::cloudtrail {

std::vector<store::Migration> event_block_migrations();

// Indexes `events`, the committed records of the segment stretch [start_offset, end_offset), as
// one block; `rolled_back` lists the JSON offsets of the stretch's records that are not events
// (their transaction rolled back). Moves the last-used times of the keys and entities involved.
Status append_block(store::Tx& tx, std::span<const StoredEvent> events, int64_t segment, uint64_t start_offset,
                    uint64_t end_offset, std::span<const int64_t> rolled_back);

// The seq of the newest indexed event (0 if none).
Result<int64_t> newest_event_seq(store::Tx& tx);

// LookupEvents' lookup attributes.
enum class LookupAttribute { None, EventId, EventName, EventSource, Username, AccessKeyId, ReadOnly, ResourceType, ResourceName };

struct EventQuery {
  std::string account_id;  // recipientAccountId
  EventCategory category = EventCategory::Management;
  int64_t from_ms = 0, to_ms = 0;  // event times, both ends included
  // Only events before this (time, seq) in newest-first order: a page after the one that ended there.
  std::optional<std::pair<int64_t, int64_t>> before;
  LookupAttribute attribute = LookupAttribute::None;
  std::string value;  // the attribute's value ("true"/"false" for ReadOnly)
  std::function<bool(const StoredEvent&)> also;  // a further condition, or empty
  size_t limit = 0;                              // at most this many events (0: all)
  bool with_json = false;                        // fill event_json with the CloudTrail record
  bool with_resources = false;                   // fill resources (block events always have them)
};

// The events `q` selects, newest first (by time, then seq), each with its seq.
Result<std::vector<StoredEvent>> find_events(store::Tx& tx, const std::string& audit_dir, const EventQuery& q);

// Calls `each` with every event `q` selects (its `limit` aside), in no particular order and
// without keeping them: for counting over windows of any size. Stops at the first error.
Status scan_events(store::Tx& tx, const std::string& audit_dir, const EventQuery& q,
                   const std::function<Status(const StoredEvent&)>& each);

// Up to `limit` management and data events (not Insights) after seq `after`, in seq order, each
// with its CloudTrail record: what trail delivery reads.
Result<std::vector<StoredEvent>> events_after(store::Tx& tx, const std::string& audit_dir, int64_t after, size_t limit);

}  // namespace citadel::services::cloudtrail
