#include "server/audit_journal.h"

#include <fcntl.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstring>

namespace citadel::server {

using services::cloudtrail::StoredEvent;

namespace {

constexpr size_t kHeader = 12;
constexpr uint64_t kPrefaultBytes = 1 << 20;
constexpr size_t kMaxBatch = 4096;
constexpr auto kIndexInterval = std::chrono::milliseconds(50);

// A 64-bit multiply-xorshift hash over 8-byte words: catches torn and corrupt records, not an
// adversary (the journal lives in the private data directory).
uint64_t checksum(std::string_view s) {
  uint64_t h = 0x9E3779B97F4A7C15ULL ^ s.size();
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    h = (h ^ w) * 0xBF58476D1CE4E5B9ULL;
    h ^= h >> 31;
  }
  for (; i < s.size(); ++i) h = (h ^ static_cast<unsigned char>(s[i])) * 0x94D049BB133111EBULL;
  return h ^ (h >> 29);
}

// Payload: the event's fields in a fixed order, strings as u32 length + bytes (no escaping:
// the CloudTrail JSON is copied as it is).
void put_u32(std::string& out, uint32_t v) { out.append(reinterpret_cast<const char*>(&v), 4); }
void put_str(std::string& out, std::string_view s) {
  put_u32(out, static_cast<uint32_t>(s.size()));
  out.append(s);
}

// Bump when the payload layout changes; replay still reads the older ones. Format 3 lacks the
// error code; format 4 the caller's entity ARN and whether a transaction marker decides.
constexpr char kFormat = 5;
constexpr char kFormatWithoutEntity = 4;
constexpr char kFormatWithoutErrorCode = 3;

void encode(const StoredEvent& e, bool in_transaction, std::string& out) {
  out.push_back(kFormat);
  put_str(out, e.account_id);
  put_str(out, e.event_id);
  out.append(reinterpret_cast<const char*>(&e.event_time_ms), 8);
  put_str(out, e.event_name);
  put_str(out, e.event_source);
  put_str(out, e.username);
  put_str(out, e.access_key_id);
  put_str(out, e.region);
  out.push_back(e.read_only ? 1 : 0);
  put_str(out, e.error_code);
  put_str(out, e.entity_arn);
  out.push_back(in_transaction ? 1 : 0);
  put_u32(out, static_cast<uint32_t>(e.resources.size()));
  for (auto& [t, n] : e.resources) {
    put_str(out, t);
    put_str(out, n);
  }
  put_str(out, e.event_json);
}

class Reader {
 public:
  explicit Reader(std::string_view s) : s_(s) {}
  bool u32(uint32_t& v) { return raw(&v, 4); }
  bool i64(int64_t& v) { return raw(&v, 8); }
  bool byte(uint8_t& v) { return raw(&v, 1); }
  bool str(std::string& v) {
    uint32_t n;
    if (!u32(n) || n > s_.size()) return false;
    v.assign(s_.substr(0, n));
    s_.remove_prefix(n);
    return true;
  }
  bool done() const { return s_.empty(); }

 private:
  bool raw(void* p, size_t n) {
    if (s_.size() < n) return false;
    std::memcpy(p, s_.data(), n);
    s_.remove_prefix(n);
    return true;
  }
  std::string_view s_;
};

// A record as replay reads it back.
struct Decoded {
  StoredEvent event;
  bool in_transaction = false;
};

std::optional<Decoded> decode(std::string_view payload) {
  Reader r(payload);
  Decoded d;
  StoredEvent& e = d.event;
  uint8_t format = 0, ro = 0, in_tx = 0;
  uint32_t nres = 0;
  if (!r.byte(format) || (format != kFormat && format != kFormatWithoutEntity && format != kFormatWithoutErrorCode))
    return std::nullopt;
  if (!r.str(e.account_id) || !r.str(e.event_id) || !r.i64(e.event_time_ms) || !r.str(e.event_name) ||
      !r.str(e.event_source) || !r.str(e.username) || !r.str(e.access_key_id) || !r.str(e.region) || !r.byte(ro))
    return std::nullopt;
  if (format >= kFormatWithoutEntity && !r.str(e.error_code)) return std::nullopt;
  if (format >= kFormat && (!r.str(e.entity_arn) || !r.byte(in_tx))) return std::nullopt;
  d.in_transaction = in_tx != 0;
  if (!r.u32(nres)) return std::nullopt;
  e.read_only = ro != 0;
  for (uint32_t i = 0; i < nres; ++i) {
    std::string t, n;
    if (!r.str(t) || !r.str(n)) return std::nullopt;
    e.resources.emplace_back(std::move(t), std::move(n));
  }
  if (!r.str(e.event_json) || !r.done()) return std::nullopt;
  return d;
}

// A record appended from inside a write transaction is indexed only if that transaction
// committed, which its marker row says; the marker goes as the record is indexed.
constexpr const char* kTakeMarker = "DELETE FROM audit_committed WHERE segment = ? AND json_offset = ?";
constexpr const char* kPutMarker = "INSERT INTO audit_committed (segment, json_offset) VALUES (?, ?)";

// Events read from the journal, not yet in the store; in_transaction[i] for events[i].
struct Batch {
  std::vector<StoredEvent> events;
  std::vector<bool> in_transaction;
  void add(StoredEvent e, bool in_tx) {
    events.push_back(std::move(e));
    in_transaction.push_back(in_tx);
  }
  size_t size() const { return events.size(); }
  bool empty() const { return events.empty(); }
  void clear() {
    events.clear();
    in_transaction.clear();
  }
};

Status index_batch(store::Store& store, const Batch& batch, int64_t segment, uint64_t offset) {
  if (batch.events.empty()) return Ok{};
  return store.write([&](store::Tx& tx) -> Status {
    // Records whose transaction rolled back (or never committed before a crash) are left out.
    std::vector<size_t> rolled_back;
    for (size_t i = 0; i < batch.size(); ++i) {
      if (!batch.in_transaction[i]) continue;
      auto taken = tx.exec(kTakeMarker, {batch.events[i].segment, batch.events[i].json_offset});
      if (!taken) return taken.error();
      if (*taken == 0) rolled_back.push_back(i);
    }
    std::vector<StoredEvent> committed;
    if (!rolled_back.empty()) {
      for (size_t i = 0, r = 0; i < batch.size(); ++i) {
        if (r < rolled_back.size() && rolled_back[r] == i) ++r;
        else committed.push_back(batch.events[i]);
      }
    }
    if (auto s = services::cloudtrail::append_events(tx, rolled_back.empty() ? batch.events : committed); !s) return s;
    auto u = tx.exec("UPDATE audit_journal SET segment = ?, indexed_offset = ? WHERE id = 1",
                     {segment, static_cast<int64_t>(offset)});
    if (!u) return u.error();
    return Ok{};
  });
}

// Where the CloudTrail JSON of a record sits in its segment: it is the payload's last field.
void locate_json(StoredEvent& e, int64_t segment, uint64_t record_start, size_t record_size) {
  e.segment = segment;
  e.json_length = static_cast<int64_t>(e.event_json.size());
  e.json_offset = static_cast<int64_t>(record_start + record_size) - e.json_length;
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
  for (int64_t seg = first;; ++seg) {
    std::string path = services::cloudtrail::segment_path(dir, seg);
    int f = ::open(path.c_str(), O_RDWR | O_APPEND | O_CLOEXEC | (seg == first ? O_CREAT : 0), 0600);
    if (f < 0) break;
    if (fd >= 0) ::close(fd);
    fd = f;
    segment = seg;
    struct stat st;
    ::fstat(fd, &st);
    uint64_t size = static_cast<uint64_t>(st.st_size), pos = seg == first ? static_cast<uint64_t>(offset) : 0;
    if (pos > size) pos = size;
    Batch batch;
    std::string payload;
    while (pos + kHeader <= size) {
      unsigned char hdr[kHeader];
      if (::pread(fd, hdr, kHeader, static_cast<off_t>(pos)) != static_cast<ssize_t>(kHeader)) break;
      uint32_t len;
      uint64_t sum;
      std::memcpy(&len, hdr, 4);
      std::memcpy(&sum, hdr + 4, 8);
      if (pos + kHeader + len > size) break;
      payload.resize(len);
      if (::pread(fd, payload.data(), len, static_cast<off_t>(pos + kHeader)) != static_cast<ssize_t>(len)) break;
      if (checksum(payload) != sum) break;
      auto d = decode(payload);
      if (!d) break;
      locate_json(d->event, seg, pos, kHeader + len);
      std::string().swap(d->event.event_json);  // the row points at the segment
      batch.add(std::move(d->event), d->in_transaction);
      pos += kHeader + len;
      if (batch.size() >= kMaxBatch) {
        if (auto r = index_batch(store, batch, seg, pos); !r) {
          ::close(fd);
          return r.error();
        }
        batch.clear();
      }
    }
    if (auto r = index_batch(store, batch, seg, pos); !r) {
      ::close(fd);
      return r.error();
    }
    if (pos < size && ::ftruncate(fd, static_cast<off_t>(pos)) != 0) {
      ::close(fd);
      return AwsError::internal("cannot cut the torn tail of " + path);
    }
    end = pos;
  }
  if (fd < 0) return AwsError::internal("cannot open audit segment in " + dir + ": " + std::strerror(errno));
  return std::unique_ptr<AuditJournal>(new AuditJournal(dir, fd, segment, end, store, d, index, segment_bytes));
}

AuditJournal::AuditJournal(std::string dir, int fd, int64_t segment, uint64_t end, store::Store& store,
                           store::Durability d, bool index, uint64_t segment_bytes)
    : dir_(std::move(dir)), fd_(fd), segment_(segment), end_(end), segment_bytes_(segment_bytes), store_(store), durability_(d) {
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
  prefault();
  return Ok{};
}

void AuditJournal::prefault() {
  // Page faults are VM exits here, as costly as the write() this replaced: take a chunk's faults
  // in one call, ahead of the records that will land there. Best effort: without it, pages fault
  // in one at a time.
  while (prefaulted_ < map_size_ && prefaulted_ < end_ + kPrefaultBytes) {
    uint64_t n = std::min<uint64_t>(kPrefaultBytes, map_size_ - prefaulted_);
    ::madvise(map_ + prefaulted_, n, MADV_POPULATE_WRITE);
    prefaulted_ += n;
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
  std::string rec(kHeader, '\0');
  rec.reserve(kHeader + 256 + event.event_json.size());
  encode(event, tx != nullptr, rec);
  std::string_view payload(rec.data() + kHeader, rec.size() - kHeader);
  uint32_t len = static_cast<uint32_t>(payload.size());
  uint64_t sum = checksum(payload);
  std::memcpy(rec.data(), &len, 4);
  std::memcpy(rec.data() + 4, &sum, 8);
  uint64_t after;
  int64_t segment;
  {
    std::lock_guard lock(append_mu_);
    {
      std::lock_guard l(mu_);
      if (stopping_) return AwsError::internal("the audit journal is closed");
    }
    if (!map_ || end_ + rec.size() > map_size_) {
      if (end_ > 0 && (map_ || end_ >= segment_bytes_))
        if (auto s = start_next_segment(); !s) return s;
      if (auto s = map_segment(std::max<uint64_t>(segment_bytes_, end_ + rec.size())); !s) return s;
    }
    // Into the page cache with a copy, no system call: the bytes survive the process from here
    // (and, with Durability::Power, the power once sync_through() below returns).
    std::memcpy(map_ + end_, rec.data(), rec.size());
    locate_json(event, segment_, end_, rec.size());
    // The record is in the segment now and the index row only points at it: free the JSON here,
    // while it is hot, instead of holding thousands of them until the indexer runs.
    std::string().swap(event.event_json);
    end_ += rec.size();
    after = end_;
    if (end_ + kPrefaultBytes / 2 > prefaulted_) prefault();
    // The marker row commits or rolls back with the caller's changes. The indexer may take the
    // record from pending_ before then, but it indexes in a write transaction of its own, which
    // starts only after this one has ended.
    if (tx)
      if (auto m = tx->exec(kPutMarker, {event.segment, event.json_offset}); !m) return m.error();
    segment = segment_;
    std::lock_guard l(mu_);
    pending_.push_back(Pending{std::move(event), after, tx != nullptr});
    ++appended_count_;
  }
  if (durability_ == store::Durability::Power)
    if (auto s = sync_through(position(segment, after)); !s) return s;
  // No wake-up per record: the indexer collects records every few milliseconds, or at once when
  // a reader waits for them (wait_indexed).
  return Ok{};
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

uint64_t AuditJournal::appended_count() {
  std::lock_guard lock(mu_);
  return appended_count_;
}

void AuditJournal::wait_indexed() {
  std::unique_lock lock(mu_);
  uint64_t target = appended_count_;
  if (indexed_count_ >= target) return;
  flush_requested_ = true;
  cv_.notify_one();
  // Bounded: if the store cannot take the records, readers see what is indexed rather than hang.
  indexed_cv_.wait_for(lock, std::chrono::seconds(5), [&] { return indexed_count_ >= target || stopped_; });
}

void AuditJournal::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  if (indexer_.joinable()) indexer_.join();
  std::lock_guard lock(mu_);
  stopped_ = true;
  indexed_cv_.notify_all();
}

void AuditJournal::run_indexer() {
  pthread_setname_np(pthread_self(), "citadel-index");
  // Indexing can wait a little; answering requests cannot: give way to the request threads.
  setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 10);
  Batch batch;
  uint64_t unindexed = 0, offset = 0;
  int64_t segment = 0;
  while (true) {
    uint64_t count = 0;
    {
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, kIndexInterval, [&] { return stopping_ || flush_requested_ || pending_.size() >= kMaxBatch; });
      flush_requested_ = false;
      if (pending_.empty() && batch.empty()) {
        if (stopping_) return;
        continue;
      }
      while (!pending_.empty() && batch.size() < kMaxBatch) {
        // With Durability::Power a record is indexed only once it is on disk: an index row must
        // never outlive, through a power loss, the record it points at.
        if (durability_ == store::Durability::Power &&
            position(pending_.front().event.segment, pending_.front().end) > synced_.load())
          break;
        segment = pending_.front().event.segment;
        offset = pending_.front().end;
        batch.add(std::move(pending_.front().event), pending_.front().in_transaction);
        pending_.pop_front();
        ++count;
      }
      if (batch.empty()) {
        if (stopping_) return;  // what is left is not on disk yet; replay takes it at the next start
        continue;
      }
    }
    // A failed batch is kept and tried again (with what arrived since): the indexed position
    // only ever moves past records that are in the store.
    if (!index_batch(store_, batch, segment, offset)) {
      unindexed += count;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      continue;
    }
    batch.clear();
    std::lock_guard lock(mu_);
    indexed_count_ += count + unindexed;
    unindexed = 0;
    indexed_cv_.notify_all();
  }
}

}  // namespace citadel::server
