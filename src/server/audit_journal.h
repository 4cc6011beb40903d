#pragma once
// The audit journal for calls that change nothing (reads, denials, failures). A record is
// appended to an append-only file with one write() in the request's own thread before the
// response leaves: from then on it survives kill -9 (with Durability::Power, an fdatasync too).
// A background indexer copies records into the store's CloudTrail tables in large batches,
// together with the journal offset it reached, so a restart resumes exactly where it stopped.
//
// Record format: u32 payload length | u64 checksum of the payload | payload (the event's fields,
// length-prefixed).
// A torn or corrupt tail (power loss) ends replay and is cut off.
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
  // Opens (creating) the journal at `path`, replays into the store whatever was not yet indexed,
  // and starts the indexer.
  // `index` false leaves records in the file only (tests use it to stand for a crash before indexing).
  static Result<std::unique_ptr<AuditJournal>> open(const std::string& path, store::Store& store, store::Durability d,
                                                    bool index = true);
  ~AuditJournal();

  // Appends one event durably. An error means the event is not recorded: the request must fail.
  Status append(services::cloudtrail::StoredEvent event);
  // Returns once every event appended before the call is queryable in the store.
  void wait_indexed();
  // Indexes what is left and stops the indexer. Later appends fail.
  void stop();

  static std::vector<store::Migration> migrations();

 private:
  AuditJournal(int fd, store::Store& store, store::Durability d, uint64_t end, bool index);
  void run_indexer();
  void rotate_if_caught_up(uint64_t offset);

  int fd_;
  store::Store& store_;
  store::Durability durability_;
  std::mutex append_mu_;  // serialises write() so records never interleave
  uint64_t end_;          // file offset after the last appended record

  std::mutex mu_;
  std::condition_variable cv_, indexed_cv_;
  std::deque<std::pair<services::cloudtrail::StoredEvent, uint64_t>> pending_;  // event, offset after it
  uint64_t appended_count_ = 0, indexed_count_ = 0;  // records, for wait_indexed()
  bool stopping_ = false;
  bool stopped_ = false;
  bool flush_requested_ = false;
  std::thread indexer_;
};

}  // namespace citadel::server
