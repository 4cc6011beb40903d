#include <sqlite3.h>

#include <pthread.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <random>
#include <thread>
#include <unordered_map>

#include "base/string_hash.h"
#include "store/store.h"
#include "store/wal_file.h"

namespace citadel::store {

const std::string& Row::str(size_t i) const {
  static const std::string empty;
  if (auto* s = std::get_if<std::string>(&cols.at(i))) return *s;
  return empty;
}

int64_t Row::i64(size_t i) const {
  if (auto* v = std::get_if<int64_t>(&cols.at(i))) return *v;
  if (auto* d = std::get_if<double>(&cols.at(i))) return static_cast<int64_t>(*d);
  return 0;
}

namespace {

AwsError db_error(sqlite3* db, std::string_view what) {
  return AwsError::internal(std::string(what) + ": " + sqlite3_errmsg(db));
}

// What Tx::commit_point notes and Store::committed_since reads: this opening's commits, counted
// by SQLite's WAL hook on the writer connection with the log's length after each, and the log's
// generation from its header; for points noted before a crash, the log as the opening found it.
// Other processes (`citadel admin`) may commit too: SQLite's write lock spans processes, so no
// commit of theirs falls between a point and the end of the transaction that noted it.
class CommitHistory {
 public:
  explicit CommitHistory(const std::string& wal_path)
      : at_open_(read_wal_end(wal_path)), wal_salts_(wal_path), run_(std::random_device{}() | (uint64_t{std::random_device{}()} << 32)),
        frames_(at_open_.frames) {}

  static int on_commit(void* self, sqlite3* db, const char*, int frames) {
    auto* h = static_cast<CommitHistory*>(self);
    h->frames_.store(static_cast<uint64_t>(frames));
    h->version_after_commit_.store(data_version(db));
    h->commits_.fetch_add(1);
    // A commit starts the log over (new salts) when it finds every frame copied back. The
    // checkpointer says when that happened, maybe only after the commit that followed: the salts
    // are read again after this commit and the next.
    if (uint64_t b = h->backfills_.load(); b != h->backfills_at_commit_) h->backfills_at_commit_ = b, h->stale_commits_ = 2;
    if (h->stale_commits_ > 0) --h->stale_commits_, h->salts_stale_ = true;
    return SQLITE_OK;
  }

  // `db`: the writer, inside a write transaction.
  CommitPoint point(sqlite3* db) {
    // If another process committed since our last commit, the log's length is not the one our
    // hook saw (it may even be another generation's): 0 then, which can only make a later
    // answer "committed" where it might have been "not", never the reverse.
    bool foreign = data_version(db) != version_after_commit_.load();
    uint64_t frames = foreign ? 0 : frames_.load();
    // The salts change only when a commit starts the log over: they are read again (a system
    // call) only after commits that may have (on_commit), or another process's. Salts stale all
    // the same would name no generation the log has, and a point with them can only be answered
    // "committed" or "cannot tell" — never "not committed".
    if (!salts_read_ || foreign || salts_stale_) {
      salts_ = wal_salts_.current();
      salts_read_ = true, salts_stale_ = false;
    }
    return {run_, commits_.load(), salts_, frames};
  }

  // From the checkpointer: every frame of the log is in the database file now.
  void all_frames_copied() { backfills_.fetch_add(1); }

  // A point of another opening was noted before a crash (a clean close indexes every record
  // that asks), by the transaction that held the writer when the process died, or an earlier one.
  std::optional<bool> committed_since(const CommitPoint& p) const {
    if (p.run == run_) return commits_.load() > p.commits;
    if (!at_open_.valid) return std::nullopt;
    // The same generation of the log: commits after the point added frames to it.
    if (at_open_.salts == p.log) return at_open_.frames > p.log_end;
    // The log started over since, which a writer does as it begins writing frames: a commit that
    // then completed is in the new generation. An empty one is either the transaction of the
    // point cut off as it started the log over, or a later writer's — after it had committed.
    if (at_open_.frames > 0) return true;
    return std::nullopt;
  }

  void close_log() { wal_salts_.close(); }

 private:
  // Changes with every commit to the database, ours or another connection's.
  static int64_t data_version(sqlite3* db) {
    int v = 0;
    sqlite3_file_control(db, "main", SQLITE_FCNTL_DATA_VERSION, &v);
    return v;
  }

  const WalEnd at_open_;
  WalSalts wal_salts_;
  const uint64_t run_;
  std::atomic<uint64_t> backfills_{0};  // from the checkpointer's thread
  // The writer's, under the store's write lock: the salts as last read, and whether a commit
  // since may have changed them.
  uint64_t salts_ = 0, backfills_at_commit_ = 0;
  int stale_commits_ = 0;
  bool salts_read_ = false, salts_stale_ = false;
  std::atomic<uint64_t> commits_{0}, frames_;
  std::atomic<int64_t> version_after_commit_{-1};  // none yet: the log's length is the one found at open
};

// One SQLite connection with its prepared statements, reused across transactions.
class Connection final : public Tx {
 public:
  explicit Connection(sqlite3* db) : db_(db) {}
  // The writer: its commits are the history's.
  void keep_history(CommitHistory* h) {
    history_ = h;
    sqlite3_wal_hook(db_, &CommitHistory::on_commit, h);
  }
  ~Connection() override {
    for (auto& [_, st] : cache_) sqlite3_finalize(st);
    sqlite3_close_v2(db_);
  }
  sqlite3* db() { return db_; }

  Result<int64_t> exec(std::string_view sql, std::initializer_list<Value> params) override {
    return run(sql, params.begin(), params.end(), nullptr);
  }
  Result<std::vector<Row>> query(std::string_view sql, std::initializer_list<Value> params) override {
    std::vector<Row> rows;
    auto r = run(sql, params.begin(), params.end(), &rows);
    if (!r) return r.error();
    return rows;
  }
  Result<std::vector<Row>> query_v(std::string_view sql, const std::vector<Value>& params) override {
    std::vector<Row> rows;
    auto r = run(sql, params.data(), params.data() + params.size(), &rows);
    if (!r) return r.error();
    return rows;
  }

  bool changed_rows() const override { return sqlite3_total_changes64(db_) != changes_at_begin_; }

  std::optional<CommitPoint> commit_point() override {
    if (!history_) return std::nullopt;
    return history_->point(db_);
  }
  void on_rollback(std::function<void()> fn) override { on_rollback_.push_back(std::move(fn)); }
  // At the end of a write transaction.
  void ended(bool committed) {
    if (!committed)
      for (auto& f : on_rollback_) f();
    on_rollback_.clear();
  }

  // BEGIN, COMMIT and ROLLBACK as cached statements: every request runs two of them, and
  // sqlite3_exec would parse them anew each time.
  Status control(std::string_view sql) {
    auto r = run(sql, nullptr, nullptr, nullptr);
    if (!r) return r.error();
    changes_at_begin_ = sqlite3_total_changes64(db_);
    return Ok{};
  }

  Status exec_script(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string m = err ? err : "unknown";
      sqlite3_free(err);
      return AwsError::internal("sqlite: " + m);
    }
    return Ok{};
  }

 private:
  Result<int64_t> run(std::string_view sql, const Value* begin, const Value* end, std::vector<Row>* rows) {
    sqlite3_stmt* st = prepare(sql);
    if (!st) return db_error(db_, "prepare");
    int idx = 1;
    for (const Value* v = begin; v != end; ++v, ++idx) {
      if (auto* i = std::get_if<int64_t>(v))
        sqlite3_bind_int64(st, idx, *i);
      else if (auto* d = std::get_if<double>(v))
        sqlite3_bind_double(st, idx, *d);
      else if (auto* s = std::get_if<std::string>(v))
        sqlite3_bind_text(st, idx, s->data(), static_cast<int>(s->size()), SQLITE_STATIC);
      else
        sqlite3_bind_null(st, idx);
    }
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      if (!rows) continue;
      Row row;
      int n = sqlite3_column_count(st);
      row.cols.reserve(static_cast<size_t>(n));
      for (int c = 0; c < n; ++c) {
        switch (sqlite3_column_type(st, c)) {
          case SQLITE_INTEGER: row.cols.emplace_back(static_cast<int64_t>(sqlite3_column_int64(st, c))); break;
          case SQLITE_FLOAT: row.cols.emplace_back(sqlite3_column_double(st, c)); break;
          case SQLITE_NULL: row.cols.emplace_back(std::monostate{}); break;
          default: {
            const auto* t = reinterpret_cast<const char*>(sqlite3_column_blob(st, c));
            row.cols.emplace_back(std::string(t ? t : "", static_cast<size_t>(sqlite3_column_bytes(st, c))));
          }
        }
      }
      rows->push_back(std::move(row));
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (rc != SQLITE_DONE) {
      if (rc == SQLITE_CONSTRAINT) return AwsError::sender("EntityAlreadyExists", sqlite3_errmsg(db_), 409);
      return db_error(db_, "step");
    }
    return static_cast<int64_t>(sqlite3_changes(db_));
  }

  sqlite3_stmt* prepare(std::string_view sql) {
    auto it = cache_.find(sql);
    if (it != cache_.end()) return it->second;
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                           &st, nullptr) != SQLITE_OK)
      return nullptr;
    cache_.emplace(std::string(sql), st);
    return st;
  }

  sqlite3* db_;
  // Looked up by string_view: no string is built per query.
  std::unordered_map<std::string, sqlite3_stmt*, TransparentStringHash, std::equal_to<>> cache_;
  int64_t changes_at_begin_ = 0;  // sqlite3_total_changes64 at the last BEGIN (or COMMIT/ROLLBACK)
  CommitHistory* history_ = nullptr;
  std::vector<std::function<void()>> on_rollback_;
};

class SqliteStore final : public Store {
 public:
  SqliteStore(std::string path, Durability d) : path_(std::move(path)), durability_(d) {}
  ~SqliteStore() override { close(); }

  Status init() {
    // Before SQLite opens the database and its recovery reads the log.
    history_ = std::make_unique<CommitHistory>(path_ + "-wal");
    auto w = connect();
    if (!w) return w.error();
    writer_ = std::move(w.value());
    // Checkpoints (copying the WAL back into the database file, with an fsync) happen on a
    // background connection, never inside a request's commit: a commit only appends to the WAL.
    if (auto s = writer_->exec_script("PRAGMA wal_autocheckpoint=0"); !s) return s;
    // After the pragma, which sets the same hook slot (to nothing).
    writer_->keep_history(history_.get());
    auto cp = connect();
    if (!cp) return cp.error();
    checkpointer_ = std::thread([this, c = std::shared_ptr<Connection>(std::move(cp.value()))] { checkpoint_loop(*c); });
    return Ok{};
  }

  Status read(const TxFn& fn) override {
    std::unique_ptr<Connection> c = acquire_reader();
    if (!c) return AwsError::internal("store is closed");
    Status s = c->control("BEGIN");
    if (s) {
      s = fn(*c);
      c->control("COMMIT");
    }
    release_reader(std::move(c));
    return s;
  }

  Status write(const TxFn& fn) override {
    std::lock_guard lock(write_mu_);
    if (!writer_) return AwsError::internal("store is closed");
    if (auto s = writer_->control("BEGIN IMMEDIATE"); !s) return s;
    Status s = fn(*writer_);
    if (s) {
      if (auto c = writer_->control("COMMIT"); !c) {
        writer_->control("ROLLBACK");
        writer_->ended(false);
        return c;
      }
    } else {
      writer_->control("ROLLBACK");
    }
    writer_->ended(s.ok());
    return s;
  }

  std::optional<bool> committed_since(const CommitPoint& p) override { return history_->committed_since(p); }

  Status migrate(const std::vector<Migration>& migrations) override {
    return write([&](Tx& tx) -> Status {
      auto t = tx.exec("CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_ms INTEGER NOT NULL)");
      if (!t) return t.error();
      for (const auto& m : migrations) {
        auto seen = tx.query("SELECT 1 FROM schema_migrations WHERE id = ?", {m.id});
        if (!seen) return seen.error();
        if (!seen->empty()) continue;
        if (auto s = writer_->exec_script(m.sql); !s) return AwsError::internal("migration " + m.id + ": " + s.error().message);
        auto ins = tx.exec("INSERT INTO schema_migrations (id, applied_ms) VALUES (?, strftime('%s','now')*1000)", {m.id});
        if (!ins) return ins.error();
      }
      return Ok{};
    });
  }

  void close() override {
    {
      std::lock_guard lock(checkpoint_mu_);
      closing_ = true;
    }
    checkpoint_cv_.notify_all();
    if (checkpointer_.joinable()) checkpointer_.join();
    std::lock_guard lock(write_mu_);
    std::lock_guard rlock(readers_mu_);
    readers_.clear();
    if (writer_) {
      history_->close_log();
      writer_->exec_script("PRAGMA wal_checkpoint(TRUNCATE)");
      writer_.reset();
    }
  }

 private:
  static constexpr auto kCheckpointEvery = std::chrono::milliseconds(250);
  static constexpr int kRestartFrames = 4096;  // 16 MiB of 4 KiB pages
  static constexpr int kRestartWaitMs = 50;
  static constexpr int kBusyTimeoutMs = 10000;

  void checkpoint_loop(Connection& c) {
    pthread_setname_np(pthread_self(), "citadel-ckpt");
    std::unique_lock lock(checkpoint_mu_);
    while (!checkpoint_cv_.wait_for(lock, kCheckpointEvery, [this] { return closing_; })) {
      lock.unlock();
      // PASSIVE: copies what no reader still needs, without waiting for readers or the writer.
      int frames = 0, copied = 0;
      int rc = sqlite3_wal_checkpoint_v2(c.db(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &frames, &copied);
      if (rc == SQLITE_OK && frames == copied) history_->all_frames_copied();
      // The WAL starts over only when a writer finds every frame copied and no reader still
      // reading from it, which a steady stream of requests can keep from ever happening: the WAL
      // then grows without end (hundreds of megabytes under load), and every page any
      // transaction reads is looked up through its ever longer index. Past a size, RESTART, with
      // our writers held off, copies the last frames and waits a moment (never long: the busy
      // timeout) for readers to move to the database file, so the next write starts the WAL from
      // its beginning.
      if (rc == SQLITE_OK && frames > kRestartFrames) {
        std::lock_guard writers(write_mu_);
        sqlite3_busy_timeout(c.db(), kRestartWaitMs);
        if (sqlite3_wal_checkpoint_v2(c.db(), nullptr, SQLITE_CHECKPOINT_RESTART, &frames, &copied) == SQLITE_OK)
          history_->all_frames_copied();
        sqlite3_busy_timeout(c.db(), kBusyTimeoutMs);
      }
      lock.lock();
    }
  }

  Result<std::unique_ptr<Connection>> connect() {
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path_.c_str(), &db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
      std::string m = db ? sqlite3_errmsg(db) : "out of memory";
      sqlite3_close_v2(db);
      return AwsError::internal("cannot open " + path_ + ": " + m);
    }
    auto c = std::make_unique<Connection>(db);
    sqlite3_busy_timeout(db, kBusyTimeoutMs);
    std::string pragmas = "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=";
    pragmas += durability_ == Durability::Power ? "FULL;" : "NORMAL;";
    // 32 MiB of page cache (SQLite's default is 2 MiB): the audit indexer's batches of thousands
    // of rows otherwise spill pages to the WAL mid-transaction and read them back.
    pragmas += " PRAGMA cache_size=-32768;";
    if (auto s = c->exec_script(pragmas); !s) return s.error();
    return c;
  }

  std::unique_ptr<Connection> acquire_reader() {
    {
      std::lock_guard lock(readers_mu_);
      if (!writer_) return nullptr;
      if (!readers_.empty()) {
        auto c = std::move(readers_.back());
        readers_.pop_back();
        return c;
      }
    }
    auto c = connect();
    return c ? std::move(c.value()) : nullptr;
  }

  void release_reader(std::unique_ptr<Connection> c) {
    std::lock_guard lock(readers_mu_);
    if (writer_ && readers_.size() < 16) readers_.push_back(std::move(c));
  }

  std::string path_;
  Durability durability_;
  std::mutex write_mu_;
  std::unique_ptr<CommitHistory> history_;  // before writer_, which points at it
  std::unique_ptr<Connection> writer_;
  std::mutex readers_mu_;
  std::vector<std::unique_ptr<Connection>> readers_;
  std::mutex checkpoint_mu_;
  std::condition_variable checkpoint_cv_;
  bool closing_ = false;
  std::thread checkpointer_;
};

}  // namespace

Result<std::unique_ptr<Store>> open_sqlite(const std::string& path, Durability durability) {
  auto s = std::make_unique<SqliteStore>(path, durability);
  if (auto st = s->init(); !st) return st.error();
  return std::unique_ptr<Store>(std::move(s));
}

}  // namespace citadel::store
