#pragma once
// The audit journal's record format, shared by the journal (server/audit_journal.h), which
// appends records to segment files and indexes them, and the event index (event_index.h), which
// reads events back out of the segments for LookupEvents, trail delivery and Insights.
//
// Record: u32 payload length | u64 checksum of the payload | payload: a format byte, the event's
// fields length-prefixed, then either the CloudTrail JSON (format 5, and older) or, for an API
// call, the call's fields (format 6, api_call_record.h), from which its JSON is written when it is
// read. The length word's top bit, outside the checksum, is set once the record is written if the
// transaction it was appended from rolls back (RecordCommit). A record's "readable part" — what an index points at — is the JSON, or the whole
// payload of format 6. A torn or corrupt tail of the last segment (power loss) ends a replay and
// is cut off.
#include <cstdint>
#include <string>
#include <string_view>

#include "services/cloudtrail/event_store.h"
#include "store/store.h"

namespace citadel::services::cloudtrail::journal {

constexpr size_t kHeader = 12;
// In the length word: the record's transaction rolled back (the length itself stays below 2 GiB).
constexpr uint32_t kRolledBack = 1u << 31;

// What decides whether a record counts (see server/audit_journal.h). A record appended outside a
// transaction always does. One appended from inside a write transaction counts if that
// transaction committed: known from the store's commit point it noted (Store::committed_since)
// unless the rollback flag in its header says otherwise, or — for a transaction that changed no
// row, a store without commit points, and records of earlier versions — recorded by a marker row
// the transaction committed.
struct RecordCommit {
  enum Kind : uint8_t { kNone = 0, kMarker = 1, kPoint = 2 };
  Kind kind = kNone;
  store::CommitPoint point;  // kPoint
  bool rolled_back = false;  // the header's flag, as read
};

// Catches torn and corrupt records, not an adversary (segments live in the private data directory).
uint64_t checksum(std::string_view s);
// Appends the payload of `e`'s record to `out` (format 6 if `e` has api_call fields). Returns the
// length of its readable part. `commit`: its kind and point.
size_t encode(const StoredEvent& e, const RecordCommit& commit, std::string& out);
// Reads a payload's fields back into `e` (whose strings keep their capacity from the record read
// before: readers reuse their events), with the length of its readable part (json_length) but
// not the JSON; `api_call`, if given, is set to a format-6 record's call fields.
bool decode(std::string_view payload, StoredEvent& e, RecordCommit& commit, std::string_view* api_call = nullptr);
// Sets where `e`'s readable part sits in segment `segment` for a record that ends at
// `record_end`: it is the payload's tail.
void locate_json(StoredEvent& e, int64_t segment, uint64_t record_end);
// The CloudTrail JSON of a record from its readable part.
Result<std::string> record_json(std::string_view readable);

// Reads one segment's records in order, from an offset up to a limit, through a large buffer (the
// caller's, reused: fresh megabytes would be page faults each time): a pread per megabyte instead
// of two per record.
class SegmentReader {
 public:
  // `verify`: check each record's checksum (replay, which may meet a torn tail after a crash).
  SegmentReader(std::string& buf, int fd, int64_t segment, uint64_t offset, uint64_t limit, bool verify)
      : buf_(buf), fd_(fd), segment_(segment), offset_(offset), limit_(limit), verify_(verify) {}

  // Reads the next record into `e`; false at the limit, at the file's end, or at a torn or
  // corrupt record.
  bool next(StoredEvent& e, RecordCommit& commit);
  // The offset after the last record next() read.
  uint64_t offset() const { return offset_; }
  // The readable part of the last record next() read (record_json), valid until the next call.
  std::string_view json() const { return json_; }

 private:
  static constexpr size_t kChunk = 1 << 20;
  // Makes the `n` bytes at offset_ available at buf_[pos_], reading more of the file if needed;
  // false if the limit or the file's end comes first.
  bool fill(size_t n);

  std::string& buf_;
  int fd_;
  int64_t segment_;
  uint64_t offset_, limit_;
  bool verify_;
  size_t pos_ = 0, len_ = 0;  // buf_[pos_, len_) holds the file from offset_ on
  std::string_view json_;
};

}  // namespace citadel::services::cloudtrail::journal
