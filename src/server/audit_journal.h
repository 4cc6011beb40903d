#pragma once
// The audit journal: the CloudTrail record of every call that reached a service. A record is
// appended to the current segment file (DIR/audit/NNNNNNNN.log) in the request's own thread
// before the response leaves — copied into the segment's shared mapping, so into the page cache —
// and from then on it survives kill -9 (with Durability::Power, an fdatasync too). Segments are
// permanent: the CloudTrail record stays in the segment, and a background indexer reads the
// records back from the files and indexes each batch it reads — thousands of events — as one
// block of the event index (services/cloudtrail/event_index.h: the stretch of the segment the
// batch fills), together with the position it reached, so a restart resumes exactly where it
// stopped — the same reading as a replay.
//
// Calls that change the store append their record here too, from inside their write transaction
// (append_in_transaction), so that a change and its record stand or fall together. The record
// notes where the store's history of commits stands (store::Tx::commit_point) and the
// transaction carries nothing more: no row, no extra page in its commit. If the transaction rolls
// back, the rollback flags the record in its header (and tells the live indexer, which may have
// read it already). The indexer indexes in write transactions of its own, which begin only once
// every earlier one has ended: an unflagged record's transaction committed — unless the process
// died while it was committing, the one case the flag cannot tell; at the next start the store
// answers from its write-ahead log as it found it whether a commit followed the record's point
// (Store::committed_since: exact, except when the log had just started over, where the record
// counts — a trail may hold a call whose change a crash cut off, never lack one whose change
// landed). A block lists the records of its stretch that do not count. Records of a transaction
// that changed no row (whose commit leaves no trace in the log), of earlier versions, or for a
// store without commit points get a marker row instead, which commits with the changes and which
// the indexer takes.
//
// The record format is services/cloudtrail/journal_records.h's.
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/error.h"
#include "services/cloudtrail/event_store.h"
#include "store/store.h"

namespace citadel::server {

struct IndexScratch;  // the indexer's buffers, kept from one round to the next

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
  // Appends the event of a call whose changes `tx` is about to commit (see above). An error means
  // the call must fail, and its transaction roll back.
  Status append_in_transaction(store::Tx& tx, services::cloudtrail::StoredEvent event);
  // Returns once every event appended before the call is queryable in the store.
  void wait_indexed();
  // Records appended since the journal opened (for the server's metrics).
  uint64_t appended_count();
  // Indexes what is left and stops the indexer. Later appends fail.
  void stop();

  static std::vector<store::Migration> migrations();

  // A place in the journal as one ordered number: segment in the high bits, offset in the low 40.
  static uint64_t position(int64_t segment, uint64_t offset) { return (static_cast<uint64_t>(segment) << 40) | offset; }

  // The positions of records whose transaction rolled back in this process, noted by the
  // rollback (under the store's write lock) for the indexer, which may have read a record before
  // its transaction ended and asks from inside a write transaction of its own, after it has.
  class RollbackLog {
   public:
    void add(uint64_t position);
    bool contains(uint64_t position);
    void forget_before(uint64_t position);

   private:
    std::mutex mu_;
    std::vector<uint64_t> positions_;  // a handful: rollbacks after a record was appended are rare
  };

 private:
  AuditJournal(std::string dir, int fd, int64_t segment, uint64_t end, store::Store& store, store::Durability d, bool index,
               uint64_t segment_bytes);
  void run_indexer();
  // With append_mu_ held: segments are appended to through a shared mapping, so a record costs a
  // copy instead of a write() (see append_record).
  Status start_next_segment();
  Status map_segment(uint64_t size);
  void unmap_segment();  // and trims the file to its records
  void prefault(uint64_t ahead);  // with append_mu_ held: up to `ahead` bytes past the last record
  void prefault_ahead();          // takes append_mu_ a chunk at a time
  // Durability::Power: returns once every record up to `target` (a position()) is on disk.
  Status sync_through(uint64_t target);
  void note_synced(uint64_t pos);
  static int64_t segment_of(uint64_t position) { return static_cast<int64_t>(position >> 40); }
  static uint64_t offset_of(uint64_t position) { return position & ((1ull << 40) - 1); }
  Status append_record(services::cloudtrail::StoredEvent event, store::Tx* tx);
  // Sets the rollback flag of the record at position `at` (a rollback callback).
  void flag_rolled_back(uint64_t at);
  RollbackLog rolled_back_;

  std::string dir_;
  int fd_;
  int64_t segment_;  // the segment being appended to
  uint64_t end_;     // the offset after the last appended record
  char* map_ = nullptr;  // the segment's mapping, map_size_ bytes reserved on disk
  uint64_t map_size_ = 0;
  uint64_t prefaulted_ = 0;  // the mapping's pages below this offset are faulted in
  uint64_t segment_bytes_;
  store::Store& store_;
  store::Durability durability_;
  std::mutex append_mu_;  // serialises appends so records never interleave
  std::mutex sync_mu_;
  std::condition_variable sync_cv_;
  bool syncing_ = false, sync_failed_ = false;  // under sync_mu_
  std::atomic<uint64_t> synced_{0};             // position() of the end of what is on disk

  // The indexer reads records back from the segments, from indexed_ up to appended_: nothing
  // but these positions passes between the request threads and it.
  Status index_through(uint64_t target, IndexScratch& scratch);
  uint64_t indexed_position();
  std::atomic<uint64_t> appended_;  // position() after the last appended record
  std::atomic<uint64_t> appended_count_{0};  // records appended since the journal opened
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::condition_variable cv_, indexed_cv_;
  uint64_t indexed_;  // under mu_: position() after the last record in the store
  bool stopped_ = false;
  bool flush_requested_ = false;
  std::thread indexer_;
};

}  // namespace citadel::server
