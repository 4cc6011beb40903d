// The event index: events indexed by block (stretches of audit segments) and by row (Insights
// events, events indexed before blocks) read as one sequence — newest first with pages and lookup
// attributes, and in seq order for delivery — with rolled-back records left out of both.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <cstring>
#include <fstream>
#include <set>

#include "services/cloudtrail/event_index.h"
#include "services/cloudtrail/journal_records.h"
#include "temp_store.h"

namespace citadel::services::cloudtrail {
namespace {

constexpr const char* kAccount = "123456789012";

StoredEvent event(const std::string& id, int64_t at_ms, const std::string& name = "GetCallerIdentity") {
  StoredEvent e;
  e.account_id = kAccount;
  e.event_id = id;
  e.event_time_ms = at_ms;
  e.event_name = name;
  e.event_source = name == "CreateUser" ? "iam.amazonaws.com" : "sts.amazonaws.com";
  e.username = "alice";
  e.read_only = name != "CreateUser";
  if (name == "CreateUser") e.resources = {{"AWS::IAM::User", "u-" + id}};
  e.event_json = "{\"eventID\":\"" + id + "\"}";
  return e;
}

// An audit directory with segment 1, to which records are appended as the journal does.
struct Segment {
  std::string dir = std::filesystem::temp_directory_path() / ("citadel-event-index-" + std::to_string(::getpid()));
  uint64_t end = 0;
  Segment() { std::filesystem::create_directories(dir); }
  ~Segment() { std::filesystem::remove_all(dir); }
  // Appends the records; returns the events located in the segment as the journal's reader sees them.
  std::vector<StoredEvent> append(std::vector<StoredEvent> events) {
    std::ofstream out(segment_path(dir, 1), std::ios::binary | std::ios::app);
    for (auto& e : events) {
      std::string rec(journal::kHeader, '\0');
      journal::encode(e, {}, rec);
      std::string_view payload(rec.data() + journal::kHeader, rec.size() - journal::kHeader);
      uint32_t len = static_cast<uint32_t>(payload.size());
      uint64_t sum = journal::checksum(payload);
      std::memcpy(rec.data(), &len, 4);
      std::memcpy(rec.data() + 4, &sum, 8);
      out.write(rec.data(), static_cast<std::streamsize>(rec.size()));
      end += rec.size();
      e.json_length = static_cast<int64_t>(e.event_json.size());
      journal::locate_json(e, 1, end);
    }
    return events;
  }
};

std::vector<std::string> ids(const std::vector<StoredEvent>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(e.event_id);
  return out;
}

class EventIndexTest : public ::testing::Test {
 protected:
  testing::TempStore db{"cloudtrail-event-index", event_migrations()};
  Segment seg;

  // Indexes `events` (appended to the segment now) as one block, leaving out `rolled_back` of them.
  void block(std::vector<StoredEvent> events, std::set<std::string> rolled_back = {}) {
    uint64_t start = seg.end;
    auto located = seg.append(std::move(events));
    std::vector<StoredEvent> committed;
    std::vector<int64_t> skipped;
    for (auto& e : located) {
      if (rolled_back.count(e.event_id)) skipped.push_back(e.json_offset);
      else committed.push_back(e);
    }
    ASSERT_TRUE(db->write([&](store::Tx& tx) { return append_block(tx, committed, 1, start, seg.end, skipped); }).ok());
  }
  void rows(std::vector<StoredEvent> events) {
    ASSERT_TRUE(db->write([&](store::Tx& tx) { return append_events(tx, events); }).ok());
  }
  std::vector<StoredEvent> find(EventQuery q) {
    q.account_id = q.account_id.empty() ? kAccount : q.account_id;
    if (!q.to_ms) q.to_ms = 1'000'000;
    std::vector<StoredEvent> out;
    EXPECT_TRUE(db->read([&](store::Tx& tx) -> Status {
      auto r = find_events(tx, seg.dir, q);
      if (!r) return r.error();
      out = std::move(*r);
      return Ok{};
    }).ok());
    return out;
  }
  std::vector<StoredEvent> after(int64_t seq, size_t limit) {
    std::vector<StoredEvent> out;
    EXPECT_TRUE(db->read([&](store::Tx& tx) -> Status {
      auto r = events_after(tx, seg.dir, seq, limit);
      if (!r) return r.error();
      out = std::move(*r);
      return Ok{};
    }).ok());
    return out;
  }
};

TEST_F(EventIndexTest, RowsAndBlocksAreOneSequenceNewestFirstAndInOrder) {
  rows({event("row-1", 100), event("row-2", 300)});  // indexed before blocks
  block({event("blk-1", 200), event("blk-2", 400), event("gone", 450), event("blk-3", 500)}, {"gone"});
  rows({event("row-3", 250)});
  block({event("blk-4", 600, "CreateUser")});

  // Seq numbers run on across both: a rolled-back record takes none.
  auto in_order = after(0, 100);
  EXPECT_EQ(ids(in_order), (std::vector<std::string>{"row-1", "row-2", "blk-1", "blk-2", "blk-3", "row-3", "blk-4"}));
  for (size_t i = 0; i < in_order.size(); ++i) EXPECT_EQ(in_order[i].seq, static_cast<int64_t>(i) + 1);
  EXPECT_EQ(in_order[2].event_json, "{\"eventID\":\"blk-1\"}");
  EXPECT_EQ(ids(after(3, 2)), (std::vector<std::string>{"blk-2", "blk-3"}));  // from inside a block
  EXPECT_EQ(ids(after(5, 10)), (std::vector<std::string>{"row-3", "blk-4"}));

  // Newest first by time, with pages that resume at (time, seq).
  EventQuery q;
  q.limit = 3;
  q.with_json = true;
  q.with_resources = true;
  auto page = find(q);
  EXPECT_EQ(ids(page), (std::vector<std::string>{"blk-4", "blk-3", "blk-2"}));
  EXPECT_EQ(page[0].resources, (std::vector<std::pair<std::string, std::string>>{{"AWS::IAM::User", "u-blk-4"}}));
  EXPECT_EQ(page[1].event_json, "{\"eventID\":\"blk-3\"}");
  q.before = std::pair{page.back().event_time_ms, page.back().seq};
  EXPECT_EQ(ids(find(q)), (std::vector<std::string>{"row-2", "row-3", "blk-1"}));
  q.before = std::pair<int64_t, int64_t>{200, 3};
  EXPECT_EQ(ids(find(q)), (std::vector<std::string>{"row-1"}));

  // A time window.
  EventQuery window;
  window.from_ms = 250;
  window.to_ms = 450;
  EXPECT_EQ(ids(find(window)), (std::vector<std::string>{"blk-2", "row-2", "row-3"}));

  // A scan visits every selected event once, with its record when asked, keeping none.
  EventQuery all;
  all.account_id = kAccount;
  all.to_ms = 1'000'000;
  all.with_json = true;
  all.also = [](const StoredEvent& e) { return e.event_id != "row-1"; };
  std::set<std::string> seen;
  ASSERT_TRUE(db->read([&](store::Tx& tx) {
    return scan_events(tx, seg.dir, all, [&](const StoredEvent& e) -> Status {
      EXPECT_EQ(e.event_json, "{\"eventID\":\"" + e.event_id + "\"}");
      EXPECT_TRUE(seen.insert(e.event_id).second);
      return Ok{};
    });
  }).ok());
  EXPECT_EQ(seen, (std::set<std::string>{"row-2", "row-3", "blk-1", "blk-2", "blk-3", "blk-4"}));
}

TEST_F(EventIndexTest, LookupAttributesMatchBlockEventsAsTheyMatchRows) {
  rows({event("row-1", 100, "CreateUser")});
  block({event("blk-1", 200, "CreateUser"), event("blk-2", 300)});
  auto by = [&](LookupAttribute a, std::string value) {
    EventQuery q;
    q.attribute = a;
    q.value = std::move(value);
    return ids(find(q));
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(by(LookupAttribute::EventName, "CreateUser"), (V{"blk-1", "row-1"}));
  EXPECT_EQ(by(LookupAttribute::EventSource, "sts.amazonaws.com"), (V{"blk-2"}));
  EXPECT_EQ(by(LookupAttribute::EventId, "blk-2"), (V{"blk-2"}));
  EXPECT_EQ(by(LookupAttribute::ReadOnly, "false"), (V{"blk-1", "row-1"}));
  EXPECT_EQ(by(LookupAttribute::ReadOnly, "true"), (V{"blk-2"}));
  EXPECT_EQ(by(LookupAttribute::Username, "alice"), (V{"blk-2", "blk-1", "row-1"}));
  EXPECT_EQ(by(LookupAttribute::Username, "bob"), (V{}));
  EXPECT_EQ(by(LookupAttribute::ResourceType, "AWS::IAM::User"), (V{"blk-1", "row-1"}));
  EXPECT_EQ(by(LookupAttribute::ResourceName, "u-blk-1"), (V{"blk-1"}));
  // Another account's events are not in the lookup; Insights' category is rows only.
  EventQuery other;
  other.account_id = "210987654321";
  EXPECT_TRUE(find(other).empty());
  EventQuery insights;
  insights.category = EventCategory::Insight;
  EXPECT_TRUE(find(insights).empty());
}

TEST_F(EventIndexTest, ANewestFirstPageStopsReadingOlderBlocksOnlyWhenNothingInThemCanBelong) {
  // Blocks whose times overlap: the newest events are spread over several.
  block({event("a-1", 100), event("a-2", 900)});
  block({event("b-1", 500), event("b-2", 600)});
  block({event("c-1", 550), event("c-2", 700)});
  for (int i = 0; i < 20; ++i) block({event("old-" + std::to_string(i), 10 + i)});
  EventQuery q;
  q.limit = 4;
  EXPECT_EQ(ids(find(q)), (std::vector<std::string>{"a-2", "c-2", "b-2", "c-1"}));
  q.limit = 0;
  EXPECT_EQ(find(q).size(), 26u);
}

// A store whose events were indexed a row each before blocks existed keeps them, and blocks
// number on after them.
TEST(EventIndexMigration, RowsIndexedBeforeBlocksStayAndBlocksNumberOnAfterThem) {
  std::vector<store::Migration> before;
  for (auto& m : event_migrations())
    if (m.id != "cloudtrail/009_event_blocks") before.push_back(m);
  testing::TempStore db("cloudtrail-event-blocks-migration", before);
  ASSERT_TRUE(db.migrated());
  // Rows as the indexer wrote them before: one per event, JSON in the row.
  ASSERT_TRUE(db->write([](store::Tx& tx) -> Status {
    for (int i : {1, 2}) {
      auto r = tx.exec(
          "INSERT INTO cloudtrail_events (seq, account_id, event_id, event_time_ms, event_name, event_source, read_only, "
          "event_json) VALUES (?, '123456789012', ?, ?, 'GetCallerIdentity', 'sts.amazonaws.com', 1, '{}')",
          {int64_t{i}, "old-" + std::to_string(i), int64_t{100} * i});
      if (!r) return r.error();
    }
    return Ok{};
  }).ok());
  ASSERT_TRUE(db->migrate(event_migrations()).ok());
  Segment seg;
  auto located = seg.append({event("new-1", 300)});
  ASSERT_TRUE(db->write([&](store::Tx& tx) { return append_block(tx, located, 1, 0, seg.end, {}); }).ok());
  ASSERT_TRUE(db->read([&](store::Tx& tx) -> Status {
    auto all = events_after(tx, seg.dir, 0, 10);
    if (!all) return all.error();
    EXPECT_EQ(ids(*all), (std::vector<std::string>{"old-1", "old-2", "new-1"}));
    EXPECT_EQ(all->back().seq, 3);
    EXPECT_EQ(newest_event_seq(tx).value(), 3);
    return Ok{};
  }).ok());
}

}  // namespace
}  // namespace citadel::services::cloudtrail
