// The SQLite store: transactions commit or roll back whole, migrations apply once, secrets are
// sealed so that they only open with the right key and context.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include "store/secret_box.h"
#include "store/store.h"

using namespace citadel;

namespace {

struct TempDir {
  std::string path;
  TempDir() {
    path = std::filesystem::temp_directory_path() / ("citadel-store-test-" + std::to_string(::getpid()) + "-" +
                                                     std::to_string(counter++));
    std::filesystem::create_directories(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  static inline int counter = 0;
};

std::unique_ptr<store::Store> open(const TempDir& d) {
  auto s = store::open_sqlite(d.path + "/t.db", store::Durability::Process);
  EXPECT_TRUE(s.ok());
  auto st = std::move(s.value());
  EXPECT_TRUE(st->migrate({{"t/001", "CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER);"}}).ok());
  return st;
}

int64_t count(store::Store& s) {
  int64_t n = -1;
  s.read([&](store::Tx& tx) -> Status {
    n = tx.query("SELECT COUNT(*) FROM t")->front().i64(0);
    return Ok{};
  });
  return n;
}

}  // namespace

TEST(Store, FailedTransactionLeavesNoPartialWrite) {
  TempDir d;
  auto s = open(d);
  auto r = s->write([](store::Tx& tx) -> Status {
    tx.exec("INSERT INTO t (k, v) VALUES ('a', 1)");
    tx.exec("INSERT INTO t (k, v) VALUES ('b', 2)");
    return AwsError::sender("Boom", "handler failed");
  });
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(count(*s), 0);
  ASSERT_TRUE(s->write([](store::Tx& tx) -> Status {
                 auto e = tx.exec("INSERT INTO t (k, v) VALUES (?, ?)", {std::string("a"), int64_t{1}});
                 return e ? Status(Ok{}) : Status(e.error());
               }).ok());
  EXPECT_EQ(count(*s), 1);
}

TEST(Store, ConstraintViolationIsAnErrorNotACrash) {
  TempDir d;
  auto s = open(d);
  auto r = s->write([](store::Tx& tx) -> Status {
    tx.exec("INSERT INTO t (k, v) VALUES ('a', 1)");
    auto e = tx.exec("INSERT INTO t (k, v) VALUES ('a', 2)");
    return e ? Status(Ok{}) : Status(e.error());
  });
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(count(*s), 0);
}

TEST(Store, MigrationsApplyOnceAndSurviveReopen) {
  TempDir d;
  {
    auto s = open(d);
    s->write([](store::Tx& tx) -> Status {
      tx.exec("INSERT INTO t (k, v) VALUES ('a', 1)");
      return Ok{};
    });
    s->close();
  }
  auto s = open(d);  // the same migration again: skipped, data kept
  EXPECT_EQ(count(*s), 1);
}

TEST(Store, ParametersBindAllTypes) {
  TempDir d;
  auto s = open(d);
  s->write([](store::Tx& tx) -> Status {
    tx.exec("INSERT INTO t (k, v) VALUES (?, ?)", {std::string("x'; DROP TABLE t; --"), int64_t{42}});
    tx.exec("INSERT INTO t (k, v) VALUES (?, ?)", {std::string("n"), std::monostate{}});
    return Ok{};
  });
  s->read([](store::Tx& tx) -> Status {
    auto rows = tx.query("SELECT k, v FROM t ORDER BY k");
    EXPECT_EQ(rows->size(), 2u);
    EXPECT_TRUE((*rows)[0].is_null(1));
    EXPECT_EQ((*rows)[1].str(0), "x'; DROP TABLE t; --");
    EXPECT_EQ((*rows)[1].i64(1), 42);
    return Ok{};
  });
}

TEST(Store, NoTxRefusesEveryStatement) {
  store::NoTx no_tx;
  store::Tx& tx = no_tx;
  EXPECT_FALSE(tx.exec("SELECT 1").ok());
  EXPECT_FALSE(tx.query("SELECT 1").ok());
}

// A reader in a transaction at every moment (a loaded server's requests) used to keep the WAL from
// ever starting over: it grew by every commit, and each page read searched its longer index.
TEST(Store, TheWalStartsOverWhileReadersNeverStop) {
  TempDir d;
  auto st = open(d);
  std::atomic<bool> done{false};
  std::vector<std::thread> readers;
  for (int r = 0; r < 2; ++r)
    readers.emplace_back([&] {
      while (!done)
        st->read([](store::Tx& tx) -> Status {
          auto rows = tx.query("SELECT COUNT(*) FROM t");
          return rows ? Status(Ok{}) : Status(rows.error());
        });
    });
  // 256 MiB of commits (32 KiB rows), many times the WAL size at which a restart is due.
  std::string blob(32 << 10, 'x');
  auto wal = d.path + "/t.db-wal";
  uintmax_t largest = 0;
  constexpr int kWrites = 8192;
  for (int i = 0; i < kWrites; ++i) {
    ASSERT_TRUE(st->write([&](store::Tx& tx) -> Status {
      auto r = tx.exec("INSERT OR REPLACE INTO t (k, v) VALUES (?, ?)", {std::to_string(i % 64), blob});
      return r ? Status(Ok{}) : Status(r.error());
    }).ok());
    if (i % 64 == 0 && std::filesystem::exists(wal)) largest = std::max(largest, std::filesystem::file_size(wal));
  }
  done = true;
  for (auto& r : readers) r.join();
  // Without restarts the WAL file holds every commit: more than the rows written (451 MB was
  // measured). Its size is a high-water mark — a restart reuses the file from its start — and how
  // soon the checkpointer gets to restart depends on the machine's load (half the rows written
  // was once exceeded by 1% under a parallel test run), so the bound is the rows written.
  EXPECT_LT(largest, uintmax_t{kWrites} * (32 << 10));
}

TEST(SecretBox, SealsAndOpensOnlyWithTheSameContext) {
  TempDir d;
  auto box = store::SecretBox::open(d.path);
  ASSERT_TRUE(box.ok());
  std::string sealed = box->seal("wJalrXUtnFEMI/K7MDENG", "AKIAEXAMPLE1");
  EXPECT_EQ(sealed.find("wJalrXUtnFEMI"), std::string::npos);
  EXPECT_EQ(box->open_sealed(sealed, "AKIAEXAMPLE1").value(), "wJalrXUtnFEMI/K7MDENG");
  EXPECT_FALSE(box->open_sealed(sealed, "AKIAEXAMPLE2").has_value());
  std::string tampered = sealed;
  tampered[tampered.size() / 2] = tampered[tampered.size() / 2] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(box->open_sealed(tampered, "AKIAEXAMPLE1").has_value());
}

TEST(SecretBox, MasterKeyFileIsPrivateAndStable) {
  TempDir d;
  auto a = store::SecretBox::open(d.path);
  ASSERT_TRUE(a.ok());
  struct stat st;
  ASSERT_EQ(::stat((d.path + "/master.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  auto b = store::SecretBox::open(d.path);  // the same key on the second open
  EXPECT_EQ(b->open_sealed(a->seal("x", "c"), "c").value(), "x");
  ::chmod((d.path + "/master.key").c_str(), 0644);
  EXPECT_FALSE(store::SecretBox::open(d.path).ok());  // a key others can read is refused
}

// The pipeline leaves the marker row out of a call's transaction when the call changed nothing:
// changed_rows must see every change since BEGIN, and none from the transaction before.
TEST(Store, ChangedRowsCountsThisTransactionsChangesOnly) {
  TempDir d;
  auto s = open(d);
  auto upsert = [](store::Tx& tx, int64_t v) {
    return tx.exec("INSERT INTO t (k, v) VALUES ('a', ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v WHERE v <> excluded.v", {v});
  };
  std::vector<bool> seen;
  auto s1 = s->write([&](store::Tx& tx) -> Status {
    seen.push_back(tx.changed_rows());  // nothing yet
    EXPECT_TRUE(upsert(tx, 1).ok());
    seen.push_back(tx.changed_rows());  // inserted
    return Ok{};
  });
  ASSERT_TRUE(s1.ok());
  auto s2 = s->write([&](store::Tx& tx) -> Status {
    EXPECT_TRUE(upsert(tx, 1).ok());  // the same value: skipped by its WHERE
    EXPECT_TRUE(tx.query("SELECT v FROM t").ok());
    seen.push_back(tx.changed_rows());
    EXPECT_TRUE(tx.exec("DELETE FROM t WHERE k = 'none'").ok());
    seen.push_back(tx.changed_rows());
    EXPECT_TRUE(upsert(tx, 2).ok());
    seen.push_back(tx.changed_rows());
    return Ok{};
  });
  ASSERT_TRUE(s2.ok());
  EXPECT_EQ(seen, (std::vector<bool>{false, true, false, false, true}));
  store::NoTx none;
  EXPECT_FALSE(none.changed_rows());
}
