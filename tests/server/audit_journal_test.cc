// The audit journal: records written but not yet indexed when the process dies are indexed at the
// next start, exactly once; a torn tail is cut off; readers wait for their own records.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <atomic>
#include <set>
#include <thread>

#include "server/audit_journal.h"
#include "services/cloudtrail/event_index.h"
#include "services/cloudtrail/event_store.h"

using namespace citadel;
using services::cloudtrail::StoredEvent;

namespace {

struct Env {
  std::string dir;
  std::unique_ptr<store::Store> store;
  Env() : Env(std::filesystem::temp_directory_path() / ("citadel-journal-test-" + std::to_string(::getpid()) + "-" + std::to_string(n++))) {}
  // Opens the store in `d`, which may hold what an earlier process left.
  explicit Env(std::string d) : dir(std::move(d)) {
    std::filesystem::create_directories(dir);
    store = std::move(store::open_sqlite(dir + "/c.db", store::Durability::Process).value());
    auto m = services::cloudtrail::event_migrations();
    for (auto& x : server::AuditJournal::migrations()) m.push_back(x);
    m.push_back({"test/001_changes", "CREATE TABLE changes (i INTEGER)"});
    EXPECT_TRUE(store->migrate(m).ok());
  }
  ~Env() { std::filesystem::remove_all(dir); }
  std::string journal() const { return dir + "/audit"; }
  std::string segment(int n) const { return services::cloudtrail::segment_path(journal(), n); }
  // Every indexed event, in seq order, with its CloudTrail record (as trail delivery reads them).
  std::vector<StoredEvent> indexed() {
    std::vector<StoredEvent> out;
    store->read([&](store::Tx& tx) -> Status {
      out = services::cloudtrail::events_after(tx, journal(), 0, 1000000).value();
      return Ok{};
    });
    return out;
  }
  int64_t events() { return static_cast<int64_t>(indexed().size()); }
  static inline int n = 0;
};

StoredEvent event(int i) {
  StoredEvent e;
  e.account_id = "123456789012";
  e.event_id = "ev-" + std::to_string(i);
  e.event_time_ms = 1700000000000 + i;
  e.event_name = "GetCallerIdentity";
  e.event_source = "sts.amazonaws.com";
  e.username = "root";
  e.read_only = true;
  e.resources = {{"AWS::IAM::User", "u" + std::to_string(i)}};
  e.event_json = "{\"eventID\":\"ev-" + std::to_string(i) + "\",\"note\":\"quotes \\\" and \\n newlines\"}";
  return e;
}

}  // namespace

TEST(AuditJournal, RecordsNotIndexedBeforeACrashAreIndexedAtTheNextStartOnce) {
  Env env;
  {
    auto j = server::AuditJournal::open(env.journal(), *env.store, store::Durability::Process, /*index=*/false);
    ASSERT_TRUE(j.ok());
    for (int i = 0; i < 50; ++i) ASSERT_TRUE(j.value()->append(event(i)).ok());
  }  // "crash": nothing indexed
  EXPECT_EQ(env.events(), 0);
  {
    auto j = server::AuditJournal::open(env.journal(), *env.store, store::Durability::Process);
    ASSERT_TRUE(j.ok());
    EXPECT_EQ(env.events(), 50);
  }
  auto again = server::AuditJournal::open(env.journal(), *env.store, store::Durability::Process);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(env.events(), 50);  // replay does not index twice
  // The record stays in its segment; the index says where.
  auto all = env.indexed();
  ASSERT_EQ(all.size(), 50u);
  const auto& e7 = all[7];
  EXPECT_EQ(e7.event_id, "ev-7");
  EXPECT_EQ(e7.event_json, event(7).event_json);
  EXPECT_EQ(services::cloudtrail::read_segment_json(env.journal(), e7.segment, e7.json_offset, e7.json_length).value(),
            event(7).event_json);
}

TEST(AuditJournal, TornTailIsCutOff) {
  Env env;
  {
    auto j = server::AuditJournal::open(env.journal(), *env.store, store::Durability::Process, false);
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(j.value()->append(event(i)).ok());
  }
  auto whole = std::filesystem::file_size(env.segment(1));
  {
    std::ofstream f(env.segment(1), std::ios::app | std::ios::binary);
    f << std::string("\x40\x00\x00\x00garbage that is not a whole record", 38);
  }
  {
    auto j = server::AuditJournal::open(env.journal(), *env.store, store::Durability::Process);
    ASSERT_TRUE(j.ok());
    EXPECT_EQ(env.events(), 3);
    EXPECT_EQ(std::filesystem::file_size(env.segment(1)), whole);  // the torn tail is cut off
    ASSERT_TRUE(j.value()->append(event(3)).ok());                 // and appending goes on after it
    j.value()->wait_indexed();
  }
  EXPECT_EQ(env.events(), 4);
}

// A process killed while appending leaves its segment at the size reserved for it, zeros after
// the last record: replay reads every record and cuts the zeros off.
TEST(AuditJournal, SpaceReservedByAKilledProcessIsCutOffAtReplay) {
  Env env;
  {
    auto j = server::AuditJournal::open(env.journal(), *env.store, store::Durability::Process, false);
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(j.value()->append(event(i)).ok());
  }
  auto whole = std::filesystem::file_size(env.segment(1));
  std::filesystem::resize_file(env.segment(1), 1 << 20);
  auto j = server::AuditJournal::open(env.journal(), *env.store, store::Durability::Process);
  ASSERT_TRUE(j.ok());
  EXPECT_EQ(env.events(), 5);
  EXPECT_EQ(std::filesystem::file_size(env.segment(1)), whole);
  ASSERT_TRUE(j.value()->append(event(5)).ok());
  j.value()->wait_indexed();
  EXPECT_EQ(env.events(), 6);
}

TEST(AuditJournal, WaitIndexedMakesEveryEarlierRecordReadable) {
  Env env;
  auto j = server::AuditJournal::open(env.journal(), *env.store, store::Durability::Process);
  ASSERT_TRUE(j.ok());
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(j.value()->append(event(i)).ok());
  j.value()->wait_indexed();
  EXPECT_EQ(env.events(), 1000);
  j.value()->stop();
  EXPECT_FALSE(j.value()->append(event(1001)).ok());  // a stopped journal refuses, so the request fails
}

TEST(AuditJournal, SegmentsRollOverAndReplayAcrossThem) {
  Env env;
  {
    auto j = server::AuditJournal::open(env.journal(), *env.store, store::Durability::Process, /*index=*/false, 1000);
    ASSERT_TRUE(j.ok());
    for (int i = 0; i < 40; ++i) ASSERT_TRUE(j.value()->append(event(i)).ok());
  }
  EXPECT_TRUE(std::filesystem::exists(env.segment(3)));  // ~200-byte records, 1,000-byte segments
  auto j = server::AuditJournal::open(env.journal(), *env.store, store::Durability::Process, true, 1000);
  ASSERT_TRUE(j.ok());
  EXPECT_EQ(env.events(), 40);
  {
    auto all = env.indexed();
    EXPECT_EQ(all.size(), 40u);
    for (auto& e : all) EXPECT_NE(e.event_json.find("\"eventID\":\"" + e.event_id + "\""), std::string::npos);
  }
}

// The live indexer reads records back from the files: across segment rolls, and what is left at
// the stop.
TEST(AuditJournal, LiveIndexerFollowsSegmentRollsAndIndexesTheRestAtTheStop) {
  Env env;
  auto j = server::AuditJournal::open(env.journal(), *env.store, store::Durability::Process, true, 1000);
  ASSERT_TRUE(j.ok());
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(j.value()->append(event(i)).ok());
  j.value()->wait_indexed();
  EXPECT_EQ(env.events(), 20);
  for (int i = 20; i < 40; ++i) ASSERT_TRUE(j.value()->append(event(i)).ok());
  j.value()->stop();
  EXPECT_TRUE(std::filesystem::exists(env.segment(3)));
  EXPECT_EQ(env.events(), 40);
  auto all = env.indexed();
  ASSERT_EQ(all.size(), 40u);
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].event_id, "ev-" + std::to_string(i));  // in order, each once
    EXPECT_EQ(all[i].seq, static_cast<int64_t>(i) + 1);
    EXPECT_EQ(all[i].event_json, event(static_cast<int>(i)).event_json);
  }
}

// A mutating call's record is appended from inside its write transaction: indexed if that
// transaction commits, never if it rolls back — live, and when replayed after a crash.
namespace {

// Appends event(i) inside a write transaction that changes a row (as a mutating call's does, the
// only kind the pipeline appends from inside its transaction) or, with `change` false, none, and
// then commits or (by failing) rolls back.
void append_in_write(store::Store& store, server::AuditJournal& j, int i, bool commit, bool change = true) {
  auto s = store.write([&](store::Tx& tx) -> Status {
    if (change && !tx.exec("INSERT INTO changes VALUES (?)", {int64_t{i}})) return AwsError::internal("insert");
    if (auto a = j.append_in_transaction(tx, event(i)); !a) return a;
    if (!commit) return AwsError::internal("the call failed after its record was appended");
    return Ok{};
  });
  EXPECT_EQ(s.ok(), commit);
}

std::set<std::string> indexed_ids(store::Store& store, const std::string& journal) {
  std::set<std::string> ids;
  store.read([&](store::Tx& tx) -> Status {
    for (auto& e : services::cloudtrail::events_after(tx, journal, 0, 1000000).value()) ids.insert(e.event_id);
    return Ok{};
  });
  return ids;
}

int64_t markers(store::Store& store) {
  int64_t n = -1;
  store.read([&](store::Tx& tx) -> Status {
    n = tx.query("SELECT COUNT(*) FROM audit_committed")->front().i64(0);
    return Ok{};
  });
  return n;
}

}  // namespace

TEST(AuditJournal, RecordsAppendedInATransactionAreIndexedOnlyIfItCommitted) {
  for (bool change : {true, false}) {  // decided by the commit point, or by a marker row
    Env env;
    auto j = server::AuditJournal::open(env.journal(), *env.store, store::Durability::Process);
    ASSERT_TRUE(j.ok());
    append_in_write(*env.store, *j.value(), 1, true, change);
    append_in_write(*env.store, *j.value(), 2, false, change);
    ASSERT_TRUE(j.value()->append(event(3)).ok());
    append_in_write(*env.store, *j.value(), 4, true, change);
    j.value()->wait_indexed();
    EXPECT_EQ(indexed_ids(*env.store, env.journal()), (std::set<std::string>{"ev-1", "ev-3", "ev-4"}));
    EXPECT_EQ(markers(*env.store), 0);  // none, or taken as their records were indexed
  }
}

// The process dies while a call's transaction commits: images of the data directory taken
// inside the transaction, after its record was appended (the commit never landed), and after the
// commit, before the record was indexed. Each opened as after a crash indexes the call's event
// exactly when its change is in the store.
TEST(AuditJournal, ACallCutOffWhileCommittingIsIndexedOnlyIfItsCommitLanded) {
  Env env;
  std::string before = env.dir + "-before", after = env.dir + "-after";
  auto image = [&](const std::string& to) {
    std::filesystem::create_directories(to + "/audit");
    for (const char* f : {"/c.db", "/c.db-wal"}) std::filesystem::copy_file(env.dir + f, to + f);
    for (auto& seg : std::filesystem::directory_iterator(env.journal()))
      std::filesystem::copy_file(seg.path(), to + "/audit/" + seg.path().filename().string());
  };
  {
    auto j = server::AuditJournal::open(env.journal(), *env.store, store::Durability::Process, /*index=*/false);
    ASSERT_TRUE(j.ok());
    append_in_write(*env.store, *j.value(), 1, true);
    ASSERT_TRUE(env.store->write([&](store::Tx& tx) -> Status {
                        if (!tx.exec("INSERT INTO changes VALUES (2)")) return AwsError::internal("insert");
                        if (auto a = j.value()->append_in_transaction(tx, event(2)); !a) return a;
                        image(before);
                        return Ok{};
                      }).ok());
    image(after);
  }
  for (auto [dir, expected] : {std::pair{before, std::set<std::string>{"ev-1"}}, {after, {"ev-1", "ev-2"}}}) {
    Env crashed(dir);
    auto j = server::AuditJournal::open(crashed.journal(), *crashed.store, store::Durability::Process);
    ASSERT_TRUE(j.ok());
    EXPECT_EQ(indexed_ids(*crashed.store, crashed.journal()), expected) << dir;
    int64_t changes = -1;
    crashed.store->read([&](store::Tx& tx) -> Status {
      changes = tx.query("SELECT COUNT(*) FROM changes")->front().i64(0);
      return Ok{};
    });
    EXPECT_EQ(changes, static_cast<int64_t>(expected.size()));  // the events are the changes
  }
}

TEST(AuditJournal, ReplayAfterACrashIndexesCommittedTransactionsRecordsOnly) {
  Env env;
  {
    auto j = server::AuditJournal::open(env.journal(), *env.store, store::Durability::Process, /*index=*/false);
    ASSERT_TRUE(j.ok());
    for (int i = 0; i < 20; ++i) append_in_write(*env.store, *j.value(), i, i % 3 != 0, /*change=*/i % 2 == 0);
  }  // "crash" before indexing
  EXPECT_EQ(markers(*env.store), 7);  // the commits of the transactions that changed nothing
  {
    auto j = server::AuditJournal::open(env.journal(), *env.store, store::Durability::Process);
    ASSERT_TRUE(j.ok());
  }
  std::set<std::string> expected;
  for (int i = 0; i < 20; ++i)
    if (i % 3 != 0) expected.insert("ev-" + std::to_string(i));
  EXPECT_EQ(indexed_ids(*env.store, env.journal()), expected);
  EXPECT_EQ(markers(*env.store), 0);
  auto again = server::AuditJournal::open(env.journal(), *env.store, store::Durability::Process);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(indexed_ids(*env.store, env.journal()).size(), expected.size());  // once
}

// With --durability power, concurrent appends share syncs (group commit); every record is still
// indexed, once.
TEST(AuditJournal, PowerDurabilityGroupsConcurrentSyncsAndIndexesEveryRecord) {
  Env env;
  auto j = server::AuditJournal::open(env.journal(), *env.store, store::Durability::Power);
  ASSERT_TRUE(j.ok());
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i)
        if (!j.value()->append(event(t * 1000 + i)).ok()) ++failures;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  j.value()->wait_indexed();
  EXPECT_EQ(env.events(), 200);
}
