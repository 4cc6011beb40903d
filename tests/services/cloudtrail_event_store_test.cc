// The event index's schema change: a store indexed before it keeps its events, their numbers and
// their resources, and numbering goes on after the highest number.
#include <gtest/gtest.h>

#include "services/cloudtrail/event_store.h"
#include "temp_store.h"

namespace citadel::services::cloudtrail {
namespace {

constexpr const char* kLeanIndex = "cloudtrail/008_lean_event_index";

std::vector<store::Migration> migrations_before_lean_index() {
  std::vector<store::Migration> before;
  for (auto& m : event_migrations())
    if (m.id != kLeanIndex) before.push_back(m);
  return before;
}

StoredEvent event(const std::string& id, int64_t at_ms) {
  StoredEvent e;
  e.account_id = "123456789012";
  e.event_id = id;
  e.event_time_ms = at_ms;
  e.event_name = "CreateUser";
  e.event_source = "iam.amazonaws.com";
  e.resources = {{"AWS::IAM::User", "u-" + id}};
  e.event_json = "{\"eventID\":\"" + id + "\"}";
  return e;
}

TEST(CloudTrailEventStore, EventsIndexedBeforeTheLeanIndexSurviveItAndNumberingGoesOn) {
  testing::TempStore db("cloudtrail-events", migrations_before_lean_index());
  ASSERT_TRUE(db.migrated());
  // Rows as the indexer wrote them before: numbered by AUTOINCREMENT.
  ASSERT_TRUE(db->write([](store::Tx& tx) -> Status {
    for (const char* id : {"old-1", "old-2"}) {
      auto r = tx.query(
          "INSERT INTO cloudtrail_events (account_id, event_id, event_time_ms, event_name, event_source, read_only, event_json) "
          "VALUES ('123456789012', ?, 1000, 'CreateUser', 'iam.amazonaws.com', 0, '{}') RETURNING seq",
          {std::string(id)});
      if (!r) return r.error();
      auto res = tx.exec("INSERT INTO cloudtrail_event_resources (seq, resource_type, resource_name) VALUES (?, 'AWS::IAM::User', ?)",
                         {r->front().i64(0), "u-" + std::string(id)});
      if (!res) return res.error();
    }
    return Ok{};
  }).ok());

  ASSERT_TRUE(db->migrate(event_migrations()).ok());
  ASSERT_TRUE(db->write([](store::Tx& tx) { return append_events(tx, std::vector{event("new-1", 3000), event("new-2", 3000)}); }).ok());

  std::vector<std::tuple<int64_t, std::string, std::string>> rows;  // seq, event id, its resource
  ASSERT_TRUE(db->read([&](store::Tx& tx) -> Status {
    auto r = tx.query(
        "SELECT e.seq, e.event_id, r.resource_name FROM cloudtrail_events e JOIN cloudtrail_event_resources r ON r.seq = e.seq "
        "ORDER BY e.seq");
    if (!r) return r.error();
    for (auto& row : *r) rows.emplace_back(row.i64(0), row.str(1), row.str(2));
    return Ok{};
  }).ok());
  using Row = std::tuple<int64_t, std::string, std::string>;
  EXPECT_EQ(rows, (std::vector<Row>{{1, "old-1", "u-old-1"}, {2, "old-2", "u-old-2"}, {3, "new-1", "u-new-1"}, {4, "new-2", "u-new-2"}}));
}

TEST(CloudTrailEventStore, TheSameEventIdTwiceIsNotAnError) {
  // The index no longer enforces unique ids (they are random UUIDs); appending must not depend on it.
  testing::TempStore db("cloudtrail-events-dup", event_migrations());
  ASSERT_TRUE(db.migrated());
  EXPECT_TRUE(db->write([](store::Tx& tx) { return append_events(tx, std::vector{event("same", 1), event("same", 2)}); }).ok());
}

}  // namespace
}  // namespace citadel::services::cloudtrail
