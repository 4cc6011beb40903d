#pragma once
// The audit journal for calls that change nothing (reads, denials, failures). A record is
// appended to the current segment file (DIR/audit/NNNNNNNN.log) with one write() in the request's
// own thread before the response leaves: from then on it survives kill -9 (with
// Durability::Power, an fdatasync too). Segments are permanent: the CloudTrail record stays in
// the segment and a background indexer adds a small row per event to the store (the columns
// LookupEvents filters on and where the record is), in large batches, together with the
// position it reached, so a restart resumes exactly where it stopped.
//
// Record format: u32 payload length | u64 checksum of the payload | payload (a format byte, the
// event's fields length-prefixed, the CloudTrail JSON last). A torn or corrupt tail of the last
// segment (power loss) ends replay and is cut off.
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "base/error.h"
#include "services/cloudtrail/event_store.h"
#include "store/store.h"

namespace citadel::server {

class AuditJournal {
 public:
  // Opens (creating) the journal in directory `dir`, replays into the store whatever was not yet
  // indexed, and starts the indexer.
  // `index` false leaves records in the files only (tests use it to stand for a crash before indexing).
  // `segment_bytes`: a new segment starts once the current one is this large.
  static Result<std::unique_ptr<AuditJournal>> open(const std::string& dir, store::Store& store, store::Durability d,
                                                    bool index = true, uint64_t segment_bytes = 64ull << 20);
  ~AuditJournal();

  // Appends one event durably. An error means the event is not recorded: the request must fail.
  Status append(services::cloudtrail::StoredEvent event);
  // Returns once every event appended before the call is queryable in the store.
  void wait_indexed();
  // Records appended since the journal opened (for the server's metrics).
  uint64_t appended_count();
  // Indexes what is left and stops the indexer. Later appends fail.
  void stop();

  static std::vector<store::Migration> migrations();

 private:
  AuditJournal(std::string dir, int fd, int64_t segment, uint64_t end, store::Store& store, store::Durability d, bool index,
               uint64_t segment_bytes);
  void run_indexer();
  Status start_next_segment();  // with append_mu_ held

  std::string dir_;
  int fd_;
  int64_t segment_;  // the segment being appended to
  uint64_t end_;     // its size: the offset after the last appended record
  uint64_t segment_bytes_;
  store::Store& store_;
  store::Durability durability_;
  std::mutex append_mu_;  // serialises write() so records never interleave

  struct Pending {
    services::cloudtrail::StoredEvent event;
    uint64_t end;  // offset after the record in event.segment
  };
  std::mutex mu_;
  std::condition_variable cv_, indexed_cv_;
  std::deque<Pending> pending_;
  uint64_t appended_count_ = 0, indexed_count_ = 0;  // records, for wait_indexed()
  bool stopping_ = false;
  bool stopped_ = false;
  bool flush_requested_ = false;
  std::thread indexer_;
};

}  // namespace citadel::server
