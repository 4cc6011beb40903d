// Whether a transaction that was committing when the process died did commit: the write-ahead
// log read as SQLite's recovery reads it (store/wal_file.h), and Store::committed_since over
// images of the files taken before and after a commit — what a kill -9 leaves.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <chrono>
#include <fstream>
#include <functional>
#include <thread>
#include <vector>

#include "store/store.h"
#include "store/wal_file.h"

using namespace citadel;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  std::string path;
  TempDir() {
    path = fs::temp_directory_path() / ("citadel-commit-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  static inline int counter = 0;
};

// A raw SQLite database in WAL mode that remembers the log length its WAL hook reported after
// each commit.
struct RawDb {
  sqlite3* db = nullptr;
  std::vector<int> frames_after_commit;
  explicit RawDb(const std::string& path) {
    sqlite3_open(path.c_str(), &db);
    exec("PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0; CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT);");
    sqlite3_wal_hook(db, [](void* self, sqlite3*, const char*, int n) {
      static_cast<RawDb*>(self)->frames_after_commit.push_back(n);
      return SQLITE_OK;
    }, this);
  }
  ~RawDb() { sqlite3_close(db); }
  void exec(const std::string& sql) { ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sql; }
  // A transaction of `rows` rows of 1000 bytes: several pages, several frames.
  void insert(int first, int rows) {
    exec("BEGIN");
    for (int i = first; i < first + rows; ++i) exec("INSERT INTO t VALUES (" + std::to_string(i) + ", printf('%.1000c', 'x'))");
    exec("COMMIT");
  }
};

void copy_image(const std::string& from_db, const std::string& to_db) {
  fs::copy_file(from_db, to_db, fs::copy_options::overwrite_existing);
  if (fs::exists(from_db + "-wal")) fs::copy_file(from_db + "-wal", to_db + "-wal", fs::copy_options::overwrite_existing);
}

void damage(const std::string& path, uintmax_t at) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(static_cast<std::streamoff>(at));
  char c = 0;
  f.read(&c, 1);
  c = static_cast<char>(c ^ 0x5a);
  f.seekp(static_cast<std::streamoff>(at));
  f.write(&c, 1);
}

}  // namespace

TEST(WalFile, EndsAtTheLastCommitSqliteReported) {
  TempDir d;
  RawDb raw(d.path + "/r.db");
  for (int i = 0; i < 5; ++i) raw.insert(i * 10, 10);
  ASSERT_GE(raw.frames_after_commit.size(), 5u);
  auto end = store::read_wal_end(d.path + "/r.db-wal");
  EXPECT_TRUE(end.valid);
  EXPECT_NE(end.salts, 0u);
  EXPECT_EQ(end.frames, static_cast<uint64_t>(raw.frames_after_commit.back()));
}

TEST(WalFile, ATornOrCorruptLastCommitIsNotCounted) {
  TempDir d;
  RawDb raw(d.path + "/r.db");
  for (int i = 0; i < 3; ++i) raw.insert(i * 10, 10);
  uint64_t before_last = static_cast<uint64_t>(raw.frames_after_commit[raw.frames_after_commit.size() - 2]);
  std::string wal = d.path + "/r.db-wal", copy = d.path + "/copy-wal";
  fs::copy_file(wal, copy);
  fs::resize_file(copy, fs::file_size(copy) - 100);  // the last frame torn
  EXPECT_EQ(store::read_wal_end(copy).frames, before_last);
  fs::copy_file(wal, copy, fs::copy_options::overwrite_existing);
  damage(copy, fs::file_size(copy) - 2000);  // a byte of the last page
  EXPECT_EQ(store::read_wal_end(copy).frames, before_last);
  damage(copy, 10);  // the header's page size: nothing in the log counts
  EXPECT_FALSE(store::read_wal_end(copy).valid);
  EXPECT_FALSE(store::read_wal_end(d.path + "/missing-wal").valid);
}

TEST(WalFile, ALogThatStartsOverHasNewSalts) {
  TempDir d;
  RawDb raw(d.path + "/r.db");
  raw.insert(0, 10);
  auto first = store::read_wal_end(d.path + "/r.db-wal");
  raw.exec("PRAGMA wal_checkpoint(RESTART)");
  raw.insert(100, 1);
  auto second = store::read_wal_end(d.path + "/r.db-wal");
  EXPECT_NE(first.salts, second.salts);
  EXPECT_EQ(second.frames, static_cast<uint64_t>(raw.frames_after_commit.back()));
  EXPECT_LT(second.frames, first.frames);
}

namespace {

std::unique_ptr<store::Store> open_store(const std::string& db) {
  auto s = store::open_sqlite(db, store::Durability::Process);
  EXPECT_TRUE(s.ok());
  auto st = std::move(s.value());
  EXPECT_TRUE(st->migrate({{"t/001", "CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT);"}}).ok());
  return st;
}

}  // namespace

// A point noted inside a transaction, with images of the files taken while it was still open
// (the process dying before its commit) and after it committed (dying right after).
TEST(CommitHistory, AfterACrashTellsWhetherTheTransactionCommitted) {
  TempDir d;
  std::string db = d.path + "/live.db";
  auto live = open_store(db);
  store::CommitPoint p;
  ASSERT_TRUE(live->write([&](store::Tx& tx) -> Status {
                    if (auto r = tx.exec("INSERT INTO t VALUES (1, 'a')"); !r) return r.error();
                    auto point = tx.commit_point();
                    if (!point) return AwsError::internal("no commit point");
                    p = *point;
                    copy_image(db, d.path + "/before.db");
                    return Ok{};
                  }).ok());
  copy_image(db, d.path + "/after.db");
  EXPECT_EQ(live->committed_since(p), std::optional<bool>(true));  // this opening saw it commit

  auto before = open_store(d.path + "/before.db");
  EXPECT_EQ(before->committed_since(p), std::optional<bool>(false));
  auto after = open_store(d.path + "/after.db");
  EXPECT_EQ(after->committed_since(p), std::optional<bool>(true));
  // After a clean close the log is gone: the store cannot tell, and says so.
  after->close();
  after = open_store(d.path + "/after.db");
  EXPECT_EQ(after->committed_since(p), std::nullopt);
}

TEST(CommitHistory, RollbackRunsItsCallbacksAndCommitsNoPoint) {
  TempDir d;
  auto s = open_store(d.path + "/t.db");
  store::CommitPoint p;
  int rolled_back = 0;
  auto failed = s->write([&](store::Tx& tx) -> Status {
    tx.exec("INSERT INTO t VALUES (1, 'a')");
    p = tx.commit_point().value();
    tx.on_rollback([&] { ++rolled_back; });
    return AwsError::internal("the call failed");
  });
  EXPECT_FALSE(failed.ok());
  EXPECT_EQ(rolled_back, 1);
  EXPECT_EQ(s->committed_since(p), std::optional<bool>(false));
  ASSERT_TRUE(s->write([&](store::Tx& tx) -> Status {
                 tx.on_rollback([&] { ++rolled_back; });
                 return tx.exec("INSERT INTO t VALUES (2, 'b')").ok() ? Status(Ok{}) : AwsError::internal("insert");
               }).ok());
  EXPECT_EQ(rolled_back, 1);  // not on a commit
  EXPECT_EQ(s->committed_since(p), std::optional<bool>(true));  // a later commit followed
}

// Another process on the same database (`citadel admin`) commits between two of ours: the log's
// length our hook saw no longer holds, so the point does not claim it (a later answer can then
// only lean to "committed"). After a commit of our own it is exact again.
TEST(CommitHistory, AnotherConnectionsCommitMakesThePointClaimNoLength) {
  TempDir d;
  std::string db = d.path + "/t.db";
  auto ours = open_store(db);
  auto point_after_insert = [&](store::Store& s, int k) {
    store::CommitPoint p;
    EXPECT_TRUE(s.write([&](store::Tx& tx) -> Status {
                   if (!tx.exec("INSERT INTO t VALUES (?, 'x')", {int64_t{k}})) return AwsError::internal("insert");
                   p = tx.commit_point().value();
                   return Ok{};
                 }).ok());
    return p;
  };
  point_after_insert(*ours, 1);
  EXPECT_GT(point_after_insert(*ours, 2).log_end, 0u);
  {
    auto theirs = open_store(db);
    ASSERT_TRUE(theirs->write([&](store::Tx& tx) -> Status {
                         return tx.exec("INSERT INTO t VALUES (100, 'y')").ok() ? Status(Ok{}) : AwsError::internal("insert");
                       }).ok());
    EXPECT_EQ(point_after_insert(*ours, 3).log_end, 0u);
  }  // their close truncates the log: a change too
  EXPECT_EQ(point_after_insert(*ours, 4).log_end, 0u);
  EXPECT_GT(point_after_insert(*ours, 5).log_end, 0u);
}

// The checkpointer copies every frame back, the next commit starts the log over with new salts:
// a point noted after that still tells exactly, in both directions.
TEST(CommitHistory, AfterTheLogStartsOverAPointStillTellsExactly) {
  TempDir d;
  std::string db = d.path + "/live.db";
  auto live = open_store(db);
  auto insert = [&](int k, const std::function<void()>& inside) {
    store::CommitPoint p;
    EXPECT_TRUE(live->write([&](store::Tx& tx) -> Status {
                     if (!tx.exec("INSERT INTO t VALUES (?, 'x')", {int64_t{k}})) return AwsError::internal("insert");
                     p = tx.commit_point().value();
                     inside();
                     return Ok{};
                   }).ok());
    return p;
  };
  insert(1, [] {});
  uint64_t first_salts = store::read_wal_end(db + "-wal").salts;
  std::this_thread::sleep_for(std::chrono::milliseconds(800));  // a few checkpoints (every 250 ms)
  insert(2, [] {});                                             // starts the log over
  ASSERT_NE(store::read_wal_end(db + "-wal").salts, first_salts);
  auto p = insert(3, [&] { copy_image(db, d.path + "/before.db"); });
  copy_image(db, d.path + "/after.db");
  EXPECT_EQ(open_store(d.path + "/before.db")->committed_since(p), std::optional<bool>(false));
  EXPECT_EQ(open_store(d.path + "/after.db")->committed_since(p), std::optional<bool>(true));
}
