#include "server/audit_journal.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cstring>

namespace citadel::server {

namespace json = boost::json;
using services::cloudtrail::StoredEvent;

namespace {

constexpr size_t kHeader = 12;
constexpr size_t kMaxBatch = 4096;
constexpr auto kIndexInterval = std::chrono::milliseconds(5);
constexpr uint64_t kRotateBytes = 64ull << 20;  // start the file afresh past 64 MiB once all is indexed

uint64_t fnv1a(std::string_view s) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

std::string encode(const StoredEvent& e) {
  json::array res;
  for (auto& [t, n] : e.resources) res.push_back(json::array{json::string(t), json::string(n)});
  return json::serialize(json::object{{"a", e.account_id}, {"i", e.event_id}, {"t", e.event_time_ms}, {"n", e.event_name},
                                      {"s", e.event_source}, {"u", e.username}, {"k", e.access_key_id},
                                      {"r", e.read_only}, {"x", std::move(res)}, {"j", e.event_json}});
}

std::optional<StoredEvent> decode(std::string_view payload) {
  boost::system::error_code ec;
  auto v = json::parse(payload, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const auto& o = v.as_object();
  StoredEvent e;
  e.account_id = o.at("a").as_string();
  e.event_id = o.at("i").as_string();
  e.event_time_ms = o.at("t").to_number<int64_t>();
  e.event_name = o.at("n").as_string();
  e.event_source = o.at("s").as_string();
  e.username = o.at("u").as_string();
  e.access_key_id = o.at("k").as_string();
  e.read_only = o.at("r").as_bool();
  for (auto& r : o.at("x").as_array())
    e.resources.emplace_back(std::string(r.as_array()[0].as_string()), std::string(r.as_array()[1].as_string()));
  e.event_json = o.at("j").as_string();
  return e;
}

bool write_all(int fd, const char* p, size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

Status index_batch(store::Store& store, const std::vector<StoredEvent>& events, uint64_t offset) {
  return store.write([&](store::Tx& tx) -> Status {
    if (auto s = services::cloudtrail::append_events(tx, events); !s) return s;
    auto u = tx.exec("UPDATE audit_journal SET indexed_offset = ? WHERE id = 1", {static_cast<int64_t>(offset)});
    if (!u) return u.error();
    return Ok{};
  });
}

}  // namespace

std::vector<store::Migration> AuditJournal::migrations() {
  return {{"audit/001_journal", R"sql(
CREATE TABLE audit_journal (id INTEGER PRIMARY KEY CHECK (id = 1), indexed_offset INTEGER NOT NULL);
INSERT INTO audit_journal (id, indexed_offset) VALUES (1, 0);
)sql"}};
}

Result<std::unique_ptr<AuditJournal>> AuditJournal::open(const std::string& path, store::Store& store, store::Durability d) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return AwsError::internal("cannot open audit journal " + path + ": " + std::strerror(errno));
  int64_t indexed = 0;
  auto s = store.read([&](store::Tx& tx) -> Status {
    auto rows = tx.query("SELECT indexed_offset FROM audit_journal WHERE id = 1");
    if (!rows) return rows.error();
    if (!rows->empty()) indexed = rows->front().i64(0);
    return Ok{};
  });
  if (!s) {
    ::close(fd);
    return s.error();
  }
  // Replay records written after the last indexed offset; stop at a torn or corrupt record.
  struct stat st;
  ::fstat(fd, &st);
  uint64_t size = static_cast<uint64_t>(st.st_size), pos = static_cast<uint64_t>(indexed);
  std::vector<StoredEvent> batch;
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
    if (fnv1a(payload) != sum) break;
    auto e = decode(payload);
    if (!e) break;
    batch.push_back(std::move(*e));
    pos += kHeader + len;
    if (batch.size() >= kMaxBatch) {
      if (auto r = index_batch(store, batch, pos); !r) return r.error();
      batch.clear();
    }
  }
  if (auto r = index_batch(store, batch, pos); !r) {
    ::close(fd);
    return r.error();
  }
  // Everything is indexed now: start the journal afresh so it does not grow without bound.
  if (::ftruncate(fd, 0) != 0) {
    ::close(fd);
    return AwsError::internal("cannot truncate audit journal " + path);
  }
  auto reset = store.write([&](store::Tx& tx) -> Status {
    auto u = tx.exec("UPDATE audit_journal SET indexed_offset = 0 WHERE id = 1");
    return u ? Status(Ok{}) : Status(u.error());
  });
  if (!reset) {
    ::close(fd);
    return reset.error();
  }
  return std::unique_ptr<AuditJournal>(new AuditJournal(fd, store, d, 0));
}

AuditJournal::AuditJournal(int fd, store::Store& store, store::Durability d, uint64_t end)
    : fd_(fd), store_(store), durability_(d), end_(end) {
  indexer_ = std::thread([this] { run_indexer(); });
}

AuditJournal::~AuditJournal() {
  stop();
  ::close(fd_);
}

Status AuditJournal::append(StoredEvent event) {
  std::string payload = encode(event);
  std::string rec(kHeader + payload.size(), '\0');
  uint32_t len = static_cast<uint32_t>(payload.size());
  uint64_t sum = fnv1a(payload);
  std::memcpy(rec.data(), &len, 4);
  std::memcpy(rec.data() + 4, &sum, 8);
  std::memcpy(rec.data() + kHeader, payload.data(), payload.size());
  uint64_t after;
  {
    std::lock_guard lock(append_mu_);
    {
      std::lock_guard l(mu_);
      if (stopping_) return AwsError::internal("the audit journal is closed");
    }
    if (!write_all(fd_, rec.data(), rec.size())) return AwsError::internal("the audit journal cannot be written");
    if (durability_ == store::Durability::Power && ::fdatasync(fd_) != 0)
      return AwsError::internal("the audit journal cannot be synced");
    end_ += rec.size();
    after = end_;
    std::lock_guard l(mu_);
    pending_.emplace_back(std::move(event), after);
    ++appended_count_;
  }
  // No wake-up per record: the indexer collects records every few milliseconds, or at once when
  // a reader waits for them (wait_indexed).
  return Ok{};
}

void AuditJournal::wait_indexed() {
  std::unique_lock lock(mu_);
  uint64_t target = appended_count_;
  if (indexed_count_ >= target) return;
  flush_requested_ = true;
  cv_.notify_one();
  indexed_cv_.wait(lock, [&] { return indexed_count_ >= target || stopped_; });
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

void AuditJournal::rotate_if_caught_up(uint64_t offset) {
  std::lock_guard a(append_mu_);
  if (end_ != offset) return;  // records appended since; rotate at a later batch
  auto reset = store_.write([&](store::Tx& tx) -> Status {
    auto u = tx.exec("UPDATE audit_journal SET indexed_offset = 0 WHERE id = 1");
    return u ? Status(Ok{}) : Status(u.error());
  });
  if (!reset || ::ftruncate(fd_, 0) != 0) return;
  end_ = 0;
}

void AuditJournal::run_indexer() {
  std::vector<StoredEvent> batch;
  while (true) {
    uint64_t offset = 0, count = 0;
    {
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, kIndexInterval, [&] { return stopping_ || flush_requested_ || pending_.size() >= kMaxBatch; });
      flush_requested_ = false;
      if (pending_.empty()) {
        if (stopping_) return;
        continue;
      }
      while (!pending_.empty() && batch.size() < kMaxBatch) {
        batch.push_back(std::move(pending_.front().first));
        offset = pending_.front().second;
        pending_.pop_front();
        ++count;
      }
    }
    // On failure the records stay in the journal and are indexed at the next start; readers are
    // not blocked forever meanwhile.
    Status s = index_batch(store_, batch, offset);
    batch.clear();
    if (s && offset >= kRotateBytes) rotate_if_caught_up(offset);
    std::lock_guard lock(mu_);
    indexed_count_ += count;
    indexed_cv_.notify_all();
  }
}

}  // namespace citadel::server
