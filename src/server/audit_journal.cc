#include "server/audit_journal.h"

#include <fcntl.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <span>

#include "services/cloudtrail/event_index.h"
#include "services/cloudtrail/journal_records.h"

namespace citadel::server {

using services::cloudtrail::StoredEvent;
using services::cloudtrail::journal::kHeader;
using services::cloudtrail::journal::RecordCommit;
using services::cloudtrail::journal::SegmentReader;
namespace journal = services::cloudtrail::journal;

namespace {

constexpr uint64_t kPrefaultBytes = 64 << 10;
// How far ahead of the last record the indexer keeps the mapping faulted in: a few rounds of
// records at tens of thousands of calls a second.
constexpr uint64_t kPrefaultAhead = 4 << 20;
constexpr size_t kMaxBatch = 4096;
constexpr auto kIndexInterval = std::chrono::milliseconds(50);

// Records appended from inside a write transaction by earlier versions (RecordCommit::kMarker)
// are indexed only if that transaction committed, which its marker row says; the marker goes as
// the record is indexed. A store that cannot note commit points still gets markers.
constexpr const char* kTakeMarkers =
    "DELETE FROM audit_committed WHERE segment = ? AND json_offset BETWEEN ? AND ? RETURNING json_offset";
constexpr const char* kPutMarker = "INSERT INTO audit_committed (segment, json_offset) VALUES (?, ?)";

// Events read from the journal, not yet in the store, each with what decides whether it counts
// and where its record starts. Cleared batches keep their events, so the next batch reads into
// strings that already have room.
class Batch {
 public:
  StoredEvent& slot() {
    if (size_ == events_.size()) events_.emplace_back(), commits_.emplace_back(), starts_.push_back(0);
    return events_[size_];
  }
  RecordCommit& slot_commit() { return commits_[size_]; }
  void take_slot(uint64_t record_start) { starts_[size_++] = record_start; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  void clear() { size_ = 0; }
  std::span<const StoredEvent> events() const { return {events_.data(), size_}; }
  const RecordCommit& commit(size_t i) const { return commits_[i]; }
  uint64_t start(size_t i) const { return starts_[i]; }

 private:
  std::vector<StoredEvent> events_;
  std::vector<RecordCommit> commits_;
  std::vector<uint64_t> starts_;
  size_t size_ = 0;
};

}  // namespace

void AuditJournal::RollbackLog::add(uint64_t position) {
  std::lock_guard lock(mu_);
  positions_.push_back(position);
}

bool AuditJournal::RollbackLog::contains(uint64_t position) {
  std::lock_guard lock(mu_);
  return std::find(positions_.begin(), positions_.end(), position) != positions_.end();
}

void AuditJournal::RollbackLog::forget_before(uint64_t position) {
  std::lock_guard lock(mu_);
  std::erase_if(positions_, [&](uint64_t p) { return p < position; });
}

// What reading and indexing reuse from one round to the next.
struct IndexScratch {
  std::string buffer;
  Batch batch;
};

namespace {

// Indexes the batch, the records of the stretch [start, end) of `segment`, as one block of the
// event index (services/cloudtrail/event_index.h), and moves the indexed position to its end.
// `live`: the rollbacks of this process (none at a replay, where the records' flags say all).
Status index_batch(store::Store& store, const Batch& batch, int64_t segment, uint64_t start, uint64_t end,
                   AuditJournal::RollbackLog* live) {
  if (batch.empty()) return Ok{};
  return store.write([&](store::Tx& tx) -> Status {
    // Records whose transaction rolled back (or never committed before a crash) are left out.
    // This transaction began once every transaction that appended a record of the batch had
    // ended, so each one's outcome is known here.
    auto events = batch.events();
    std::vector<int64_t> rolled_back;  // JSON offsets
    std::vector<size_t> marked;        // records of older versions: their markers decide
    for (size_t i = 0; i < events.size(); ++i) {
      const RecordCommit& c = batch.commit(i);
      if (c.kind == RecordCommit::kMarker) marked.push_back(i);
      if (c.kind != RecordCommit::kPoint) continue;
      // A rollback flags the record, but the flag may have come after the record was read; the
      // live log has it either way. Unflagged, the record's transaction committed — unless the
      // process died while it was committing, which the store tells from the commit point
      // (and when it cannot tell, the record counts: a trail may hold a call whose change a
      // crash cut off, never lack one whose change landed).
      bool counts = !c.rolled_back && !(live && live->contains(AuditJournal::position(segment, batch.start(i)))) &&
                    store.committed_since(c.point) != false;
      if (!counts) rolled_back.push_back(events[i].json_offset);
    }
    // The markers are taken in one range (every marker in it names a record of the batch, which
    // is one stretch of one segment) rather than one statement per record.
    if (!marked.empty()) {
      auto taken = tx.query(kTakeMarkers, {segment, events[marked.front()].json_offset, events[marked.back()].json_offset});
      if (!taken) return taken.error();
      std::vector<int64_t> committed_offsets;
      for (const auto& r : *taken) committed_offsets.push_back(r.i64(0));
      std::sort(committed_offsets.begin(), committed_offsets.end());
      for (size_t i : marked)
        if (!std::binary_search(committed_offsets.begin(), committed_offsets.end(), events[i].json_offset))
          rolled_back.push_back(events[i].json_offset);
    }
    std::vector<StoredEvent> committed;
    if (!rolled_back.empty()) {
      std::sort(rolled_back.begin(), rolled_back.end());
      for (const auto& e : events)
        if (!std::binary_search(rolled_back.begin(), rolled_back.end(), e.json_offset)) committed.push_back(e);
      events = committed;
    }
    if (auto s = services::cloudtrail::append_block(tx, events, segment, start, end, rolled_back); !s) return s;
    auto u = tx.exec("UPDATE audit_journal SET segment = ?, indexed_offset = ? WHERE id = 1",
                     {segment, static_cast<int64_t>(end)});
    if (!u) return u.error();
    if (live) live->forget_before(AuditJournal::position(segment, end));
    return Ok{};
  });
}

// Indexes the records of segment `segment` from `offset` up to `limit` (or the file's end), in
// batches; `reached` follows the batches into the store. Returns the offset after the last
// record read: short of `limit` at the file's end or at a torn record. `verify` as SegmentReader's.
Result<uint64_t> index_segment(store::Store& store, IndexScratch& scratch, int fd, int64_t segment, uint64_t offset,
                               uint64_t limit, bool verify, AuditJournal::RollbackLog* live,
                               const std::function<void(uint64_t)>& reached) {
  SegmentReader reader(scratch.buffer, fd, segment, offset, limit, verify);
  Batch& batch = scratch.batch;
  batch.clear();
  uint64_t batch_start = offset;
  while (true) {
    uint64_t record_start = reader.offset();
    StoredEvent& slot = batch.slot();
    bool more = reader.next(slot, batch.slot_commit());
    if (more) batch.take_slot(record_start);
    if (batch.empty() && !more) return reader.offset();
    if (batch.size() >= kMaxBatch || !more) {
      if (auto s = index_batch(store, batch, segment, batch_start, reader.offset(), live); !s) return s.error();
      batch.clear();
      batch_start = reader.offset();
      reached(reader.offset());
      if (!more) return reader.offset();
    }
  }
}

}  // namespace

std::vector<store::Migration> AuditJournal::migrations() {
  return {{"audit/001_journal", R"sql(
CREATE TABLE audit_journal (id INTEGER PRIMARY KEY CHECK (id = 1), indexed_offset INTEGER NOT NULL);
INSERT INTO audit_journal (id, indexed_offset) VALUES (1, 0);
)sql"},
          // The position indexed so far is (segment, offset): segments are kept, not truncated.
          {"audit/002_segments", R"sql(
ALTER TABLE audit_journal ADD COLUMN segment INTEGER NOT NULL DEFAULT 1;
)sql"},
          // One row per committed call whose record is in the journal but not yet indexed.
          {"audit/003_commit_markers", R"sql(
CREATE TABLE audit_committed (
  segment     INTEGER NOT NULL,
  json_offset INTEGER NOT NULL,
  PRIMARY KEY (segment, json_offset)
) WITHOUT ROWID;
)sql"}};
}

Result<std::unique_ptr<AuditJournal>> AuditJournal::open(const std::string& dir, store::Store& store, store::Durability d,
                                                         bool index, uint64_t segment_bytes) {
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
    return AwsError::internal("cannot create audit directory " + dir + ": " + std::strerror(errno));
  int64_t segment = 1, offset = 0;
  auto s = store.read([&](store::Tx& tx) -> Status {
    auto rows = tx.query("SELECT segment, indexed_offset FROM audit_journal WHERE id = 1");
    if (!rows) return rows.error();
    if (!rows->empty()) segment = rows->front().i64(0), offset = rows->front().i64(1);
    return Ok{};
  });
  if (!s) return s.error();

  // Replay what was written after the indexed position: the rest of that segment and every later
  // one. A torn or corrupt record can only be the tail of the last segment: cut it off there.
  uint64_t end = 0;
  int fd = -1;
  const int64_t first = segment;
  IndexScratch scratch;
  for (int64_t seg = first;; ++seg) {
    std::string path = services::cloudtrail::segment_path(dir, seg);
    int f = ::open(path.c_str(), O_RDWR | O_APPEND | O_CLOEXEC | (seg == first ? O_CREAT : 0), 0600);
    if (f < 0) break;
    if (fd >= 0) ::close(fd);
    fd = f;
    segment = seg;
    struct stat st;
    ::fstat(fd, &st);
    uint64_t size = static_cast<uint64_t>(st.st_size), from = seg == first ? static_cast<uint64_t>(offset) : 0;
    auto pos = index_segment(store, scratch, fd, seg, std::min(from, size), size, /*verify=*/true, nullptr, [](uint64_t) {});
    if (!pos) {
      ::close(fd);
      return pos.error();
    }
    if (*pos < size && ::ftruncate(fd, static_cast<off_t>(*pos)) != 0) {
      ::close(fd);
      return AwsError::internal("cannot cut the torn tail of " + path);
    }
    end = *pos;
  }
  if (fd < 0) return AwsError::internal("cannot open audit segment in " + dir + ": " + std::strerror(errno));
  return std::unique_ptr<AuditJournal>(new AuditJournal(dir, fd, segment, end, store, d, index, segment_bytes));
}

AuditJournal::AuditJournal(std::string dir, int fd, int64_t segment, uint64_t end, store::Store& store,
                           store::Durability d, bool index, uint64_t segment_bytes)
    : dir_(std::move(dir)), fd_(fd), segment_(segment), end_(end), segment_bytes_(segment_bytes), store_(store), durability_(d),
      appended_(position(segment, end)), indexed_(position(segment, end)) {
  if (index) indexer_ = std::thread([this] { run_indexer(); });
}

Status AuditJournal::start_next_segment() {
  std::string path = services::cloudtrail::segment_path(dir_, segment_ + 1);
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return AwsError::internal("cannot create audit segment " + path);
  // Whatever the segment holds is made durable before it is left: syncs cover one file only.
  if (durability_ == store::Durability::Power && ::fdatasync(fd_) != 0) {
    ::close(fd);
    return AwsError::internal("the audit journal cannot be synced");
  }
  if (durability_ == store::Durability::Power) note_synced(position(segment_, end_));
  unmap_segment();
  ::close(fd_);
  fd_ = fd;
  ++segment_;
  end_ = 0;
  return Ok{};
}

Status AuditJournal::map_segment(uint64_t size) {
  if (map_) ::munmap(map_, map_size_), map_ = nullptr;  // remapped larger, for an outsize record
  // Blocks are reserved up front: a store into a mapped page with no disk block behind it would
  // be a SIGBUS, not an error, once the disk is full.
  if (int e = ::posix_fallocate(fd_, 0, static_cast<off_t>(size)); e != 0)
    return AwsError::internal(std::string("cannot reserve space for the audit journal: ") + std::strerror(e));
  void* p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd_, 0);
  if (p == MAP_FAILED) return AwsError::internal(std::string("cannot map the audit journal: ") + std::strerror(errno));
  map_ = static_cast<char*>(p);
  map_size_ = size;
  prefaulted_ = end_ & ~(kPrefaultBytes - 1);
  prefault(kPrefaultBytes);
  return Ok{};
}

void AuditJournal::prefault(uint64_t ahead) {
  // Page faults are VM exits here, as costly as the write() this replaced: take a chunk's faults
  // in one call, ahead of the records that will land there. Best effort: without it, pages fault
  // in one at a time.
  while (prefaulted_ < map_size_ && prefaulted_ < end_ + ahead) {
    uint64_t n = std::min<uint64_t>(kPrefaultBytes, map_size_ - prefaulted_);
    ::madvise(map_ + prefaulted_, n, MADV_POPULATE_WRITE);
    prefaulted_ += n;
  }
}

void AuditJournal::prefault_ahead() {
  // A chunk at a time, so an append waits for one chunk's faults at most.
  for (uint64_t done = 0; done < kPrefaultAhead; done += kPrefaultBytes) {
    std::lock_guard lock(append_mu_);
    if (!map_ || prefaulted_ >= std::min(map_size_, end_ + kPrefaultAhead)) return;
    prefault(kPrefaultAhead);
  }
}

void AuditJournal::unmap_segment() {
  if (!map_) return;
  ::munmap(map_, map_size_);
  map_ = nullptr;
  map_size_ = 0;
  // The reserved space past the last record goes; replay would stop at it anyway.
  if (::ftruncate(fd_, static_cast<off_t>(end_)) != 0) {}
}

AuditJournal::~AuditJournal() {
  stop();
  std::lock_guard lock(append_mu_);
  unmap_segment();
  ::close(fd_);
}

Status AuditJournal::append(StoredEvent event) { return append_record(std::move(event), nullptr); }

Status AuditJournal::append_in_transaction(store::Tx& tx, StoredEvent event) {
  return append_record(std::move(event), &tx);
}

Status AuditJournal::append_record(StoredEvent event, store::Tx* tx) {
  // Encoded in a buffer of the thread's own that keeps its capacity: no allocation per record.
  thread_local std::string rec;
  rec.assign(kHeader, '\0');
  // A record from inside a transaction notes where the store's commits stand, from which the
  // store tells after a crash whether the transaction committed (see audit_journal.h). One that
  // has changed nothing would leave no trace of its commit for the store to find: it gets a
  // marker row instead (the pipeline appends such a call's record after the commit, as a read's).
  RecordCommit commit;
  if (tx) {
    auto point = tx->changed_rows() ? tx->commit_point() : std::nullopt;
    commit.kind = point ? RecordCommit::kPoint : RecordCommit::kMarker;
    if (point) commit.point = *point;
  }
  size_t readable = journal::encode(event, commit, rec);
  std::string_view payload(rec.data() + kHeader, rec.size() - kHeader);
  uint32_t len = static_cast<uint32_t>(payload.size());
  uint64_t sum = journal::checksum(payload);
  std::memcpy(rec.data(), &len, 4);
  std::memcpy(rec.data() + 4, &sum, 8);
  event.json_length = static_cast<int64_t>(readable);
  uint64_t after;
  {
    std::lock_guard lock(append_mu_);
    if (stopping_.load()) return AwsError::internal("the audit journal is closed");
    if (!map_ || end_ + rec.size() > map_size_) {
      if (end_ > 0 && (map_ || end_ >= segment_bytes_))
        if (auto s = start_next_segment(); !s) return s;
      if (auto s = map_segment(std::max<uint64_t>(segment_bytes_, end_ + rec.size())); !s) return s;
    }
    // Into the page cache with a copy, no system call: the bytes survive the process from here
    // (and, with Durability::Power, the power once sync_through() below returns).
    // A plain copy: non-temporal stores (the lines are cold) measured slower once records
    // shrank to a few hundred bytes (pipeline_bench GetCallerIdentity 6.7 vs 6.4 us).
    uint64_t start = end_;
    std::memcpy(map_ + end_, rec.data(), rec.size());
    end_ += rec.size();
    // The indexer keeps the pages ahead faulted in (prefault_ahead); this is the fallback.
    if (end_ + kPrefaultBytes / 2 > prefaulted_) prefault(kPrefaultBytes);
    // The indexer may read the record before the transaction ends, but it indexes in a write
    // transaction of its own, which starts only after this one has: by then a rollback has
    // flagged the record (and a marker row has committed or rolled back with the changes).
    if (commit.kind == RecordCommit::kPoint) {
      tx->on_rollback([this, at = position(segment_, start)] { flag_rolled_back(at); });
    } else if (tx) {
      journal::locate_json(event, segment_, end_);
      if (auto m = tx->exec(kPutMarker, {event.segment, event.json_offset}); !m) return m.error();
    }
    after = position(segment_, end_);
    // The indexer reads the record back from the segment: nothing of it crosses threads but
    // this position (its strings are freed here, by the thread that made them).
    appended_.store(after);
    // Only appenders write it, under append_mu_: a plain store, not a locked add (which waits
    // for the record's stores to drain).
    appended_count_.store(appended_count_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }
  if (durability_ == store::Durability::Power)
    if (auto s = sync_through(after); !s) return s;
  // No wake-up per record: the indexer collects records every few milliseconds, or at once when
  // a reader waits for them (wait_indexed).
  return Ok{};
}

void AuditJournal::flag_rolled_back(uint64_t at) {
  rolled_back_.add(at);  // for the live indexer, which may have read the record unflagged
  // In the record's header, for a replay.
  std::lock_guard lock(append_mu_);
  int64_t segment = segment_of(at);
  uint64_t offset = offset_of(at);
  uint32_t len;
  if (segment == segment_ && map_) {
    std::memcpy(&len, map_ + offset, 4);
    len |= journal::kRolledBack;
    std::memcpy(map_ + offset, &len, 4);
    if (durability_ == store::Durability::Power && ::fdatasync(fd_) != 0)
      std::fprintf(stderr, "citadel: audit journal: cannot sync a rollback flag\n");
    return;
  }
  // The segment was left while the transaction ran (rare: once per segment at most).
  std::string path = services::cloudtrail::segment_path(dir_, segment);
  int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  bool ok = fd >= 0 && ::pread(fd, &len, 4, static_cast<off_t>(offset)) == 4;
  len |= journal::kRolledBack;
  ok = ok && ::pwrite(fd, &len, 4, static_cast<off_t>(offset)) == 4;
  if (ok && durability_ == store::Durability::Power) ok = ::fdatasync(fd) == 0;
  if (fd >= 0) ::close(fd);
  if (!ok) std::fprintf(stderr, "citadel: audit journal: cannot flag a rolled back record in %s\n", path.c_str());
}

// Group commit: one caller syncs everything appended so far while the others whose records that
// covers wait for it, so concurrent requests share an fdatasync instead of queueing for one each.
Status AuditJournal::sync_through(uint64_t target) {
  std::unique_lock lock(sync_mu_);
  while (synced_.load() < target) {
    if (sync_failed_) return AwsError::internal("the audit journal cannot be synced");
    if (syncing_) {
      sync_cv_.wait(lock);
      continue;
    }
    syncing_ = true;
    lock.unlock();
    int fd;
    uint64_t upto;
    {
      std::lock_guard a(append_mu_);
      fd = ::dup(fd_);  // a segment roll may close fd_ meanwhile
      upto = position(segment_, end_);
    }
    bool ok = fd >= 0 && ::fdatasync(fd) == 0;
    if (fd >= 0) ::close(fd);
    lock.lock();
    syncing_ = false;
    if (ok) note_synced(upto);
    else sync_failed_ = true;
    sync_cv_.notify_all();
  }
  return Ok{};
}

void AuditJournal::note_synced(uint64_t pos) {
  uint64_t seen = synced_.load();
  while (seen < pos && !synced_.compare_exchange_weak(seen, pos)) {
  }
}

uint64_t AuditJournal::appended_count() { return appended_count_.load(std::memory_order_relaxed); }

void AuditJournal::wait_indexed() {
  uint64_t target = appended_.load();
  std::unique_lock lock(mu_);
  if (indexed_ >= target) return;
  flush_requested_ = true;
  cv_.notify_one();
  // Bounded: if the store cannot take the records, readers see what is indexed rather than hang.
  indexed_cv_.wait_for(lock, std::chrono::seconds(5), [&] { return indexed_ >= target || stopped_; });
}

void AuditJournal::stop() {
  {
    std::lock_guard a(append_mu_);  // no append is halfway once this is set
    stopping_.store(true);
  }
  cv_.notify_one();
  if (indexer_.joinable()) indexer_.join();
  std::lock_guard lock(mu_);
  stopped_ = true;
  indexed_cv_.notify_all();
}

Status AuditJournal::index_through(uint64_t target, IndexScratch& scratch) {
  auto note = [this](int64_t segment, uint64_t offset) {
    std::lock_guard lock(mu_);
    indexed_ = position(segment, offset);
    indexed_cv_.notify_all();
  };
  while (indexed_position() < target) {
    uint64_t from = indexed_position();
    int64_t segment = segment_of(from);
    bool last = segment == segment_of(target);
    std::string path = services::cloudtrail::segment_path(dir_, segment);
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return AwsError::internal("cannot open audit segment " + path);
    // A segment before the last is complete: it was cut to its records when it was left.
    uint64_t limit = last ? offset_of(target) : UINT64_MAX;
    // Below the appended position every record was written whole by this process (replay at the
    // start took what an earlier one left): no checksum to verify.
    auto reached = index_segment(store_, scratch, fd, segment, offset_of(from), limit, /*verify=*/false, &rolled_back_,
                                 [&](uint64_t offset) { note(segment, offset); });
    ::close(fd);
    if (!reached) return reached.error();
    if (last && *reached < limit) return AwsError::internal("audit segment " + path + " has an unreadable record");
    if (!last) note(segment + 1, 0);
  }
  return Ok{};
}

uint64_t AuditJournal::indexed_position() {
  std::lock_guard lock(mu_);
  return indexed_;
}

void AuditJournal::run_indexer() {
  pthread_setname_np(pthread_self(), "citadel-index");
  // Not niced: the indexer holds the store's write lock while it indexes a batch, and a low
  // priority there made every writing request wait behind a preempted lock holder.
  bool reported = false;
  IndexScratch scratch;
  while (true) {
    bool stopping;
    {
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, kIndexInterval, [&] { return stopping_.load() || flush_requested_; });
      flush_requested_ = false;
      stopping = stopping_.load();
    }
    // With Durability::Power a record is indexed only once it is on disk: an index row must
    // never outlive, through a power loss, the record it points at. What is not on disk at the
    // stop is left for replay at the next start.
    // The pages the next records land in are faulted in here, off the request threads.
    prefault_ahead();
    uint64_t target = appended_.load();
    if (durability_ == store::Durability::Power) target = std::min(target, synced_.load());
    // A failed batch is tried again at the next round: the indexed position only ever moves
    // past records that are in the store.
    if (auto s = index_through(target, scratch); !s) {
      if (!reported) std::fprintf(stderr, "citadel: audit indexing: %s\n", s.error().message.c_str());
      reported = true;
      if (stopping) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      continue;
    }
    reported = false;
    if (stopping) return;
  }
}

}  // namespace citadel::server
