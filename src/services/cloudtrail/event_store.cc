#include "services/cloudtrail/event_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <map>
#include <unordered_map>

#include "auth/key_usage.h"
#include "services/cloudtrail/data_events.h"
#include "services/cloudtrail/event_index.h"
#include "services/cloudtrail/journal_records.h"

namespace citadel::services::cloudtrail {

std::vector<store::Migration> event_migrations() {
  std::vector<store::Migration> all{{"cloudtrail/001_events", R"sql(
CREATE TABLE cloudtrail_events (
  seq           INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id    TEXT NOT NULL,
  event_id      TEXT NOT NULL UNIQUE,
  event_time_ms INTEGER NOT NULL,
  event_name    TEXT NOT NULL,
  event_source  TEXT NOT NULL,
  username      TEXT,
  access_key_id TEXT,
  read_only     INTEGER NOT NULL,
  event_json    TEXT NOT NULL
);
CREATE INDEX cloudtrail_events_by_time ON cloudtrail_events(account_id, event_time_ms, seq);
CREATE TABLE cloudtrail_event_resources (
  seq           INTEGER NOT NULL REFERENCES cloudtrail_events(seq) ON DELETE CASCADE,
  resource_type TEXT NOT NULL,
  resource_name TEXT NOT NULL
);
CREATE INDEX cloudtrail_event_resources_by_seq ON cloudtrail_event_resources(seq);
)sql"},
          // Records of reads, denials and failures stay in the audit segment files; the row points at them.
          {"cloudtrail/002_segments", R"sql(
ALTER TABLE cloudtrail_events ADD COLUMN segment INTEGER;
ALTER TABLE cloudtrail_events ADD COLUMN json_offset INTEGER;
ALTER TABLE cloudtrail_events ADD COLUMN json_length INTEGER;
)sql"},
          // Data events (services/cloudtrail/data_events.h) go to trails that select them, never to
          // LookupEvents.
          {"cloudtrail/003_categories", R"sql(
ALTER TABLE cloudtrail_events ADD COLUMN management INTEGER NOT NULL DEFAULT 1;
)sql"},
          // Insights counts failed calls (ApiErrorRateInsight) per API.
          {"cloudtrail/005_error_codes", R"sql(
ALTER TABLE cloudtrail_events ADD COLUMN error_code TEXT;
)sql"},
          // The indexer's row costs half as much without AUTOINCREMENT (append_events numbers the
          // rows itself; nothing deletes events, so numbers never repeat) and without the unique
          // index on event ids (LookupEvents finds an id through the time its version-7 UUID
          // carries). The tables are rebuilt: SQLite cannot drop either in place. The resources'
          // foreign key goes too: it only checked, per resource row, what the indexer guarantees.
          {"cloudtrail/008_lean_event_index", R"sql(
CREATE TABLE cloudtrail_events_lean (
  seq           INTEGER PRIMARY KEY,
  account_id    TEXT NOT NULL,
  event_id      TEXT NOT NULL,
  event_time_ms INTEGER NOT NULL,
  event_name    TEXT NOT NULL,
  event_source  TEXT NOT NULL,
  username      TEXT,
  access_key_id TEXT,
  read_only     INTEGER NOT NULL,
  event_json    TEXT NOT NULL,
  segment       INTEGER,
  json_offset   INTEGER,
  json_length   INTEGER,
  management    INTEGER NOT NULL DEFAULT 1,
  error_code    TEXT
);
INSERT INTO cloudtrail_events_lean SELECT seq, account_id, event_id, event_time_ms, event_name, event_source, username,
  access_key_id, read_only, event_json, segment, json_offset, json_length, management, error_code FROM cloudtrail_events;
CREATE TABLE cloudtrail_event_resources_lean (
  seq           INTEGER NOT NULL,
  resource_type TEXT NOT NULL,
  resource_name TEXT NOT NULL
);
INSERT INTO cloudtrail_event_resources_lean SELECT seq, resource_type, resource_name FROM cloudtrail_event_resources;
DROP TABLE cloudtrail_event_resources;
DROP TABLE cloudtrail_events;
ALTER TABLE cloudtrail_events_lean RENAME TO cloudtrail_events;
ALTER TABLE cloudtrail_event_resources_lean RENAME TO cloudtrail_event_resources;
CREATE INDEX cloudtrail_events_by_time ON cloudtrail_events(account_id, event_time_ms, seq);
CREATE INDEX cloudtrail_event_resources_by_seq ON cloudtrail_event_resources(seq);
)sql"}};
  // The journal's events are indexed by block from here on (event_index.h).
  for (auto& m : event_block_migrations()) all.push_back(std::move(m));
  return all;
}

std::string segment_path(const std::string& audit_dir, int64_t segment) {
  char name[32];
  std::snprintf(name, sizeof name, "/%08lld.log", static_cast<long long>(segment));
  return audit_dir + name;
}

Result<std::string> read_segment_json(const std::string& audit_dir, int64_t segment, int64_t offset, int64_t length) {
  std::string path = segment_path(audit_dir, segment);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return AwsError::internal("audit segment " + path + " is missing");
  std::string out(static_cast<size_t>(length), '\0');
  ssize_t n = ::pread(fd, out.data(), out.size(), static_cast<off_t>(offset));
  ::close(fd);
  if (n != static_cast<ssize_t>(out.size())) return AwsError::internal("audit segment " + path + " is truncated");
  return journal::record_json(out);
}

Status append_events(store::Tx& tx, std::span<const StoredEvent> events) {
  // Rows are numbered here, in the single writer's transaction, rather than by AUTOINCREMENT
  // with RETURNING, which cost as much again as the insert; blocks share the numbers.
  auto last = newest_event_seq(tx);
  if (!last) return last.error();
  int64_t seq = *last;
  for (const auto& e : events) {
    ++seq;
    auto r = tx.exec(
        "INSERT INTO cloudtrail_events (seq, account_id, event_id, event_time_ms, event_name, event_source, username, "
        "access_key_id, read_only, event_json, segment, json_offset, json_length, management, error_code) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {seq, e.account_id, e.event_id, e.event_time_ms, e.event_name, e.event_source,
         e.username.empty() ? store::Value{} : store::Value{e.username},
         e.access_key_id.empty() ? store::Value{} : store::Value{e.access_key_id}, int64_t{e.read_only},
         e.segment >= 0 ? std::string() : e.event_json,
         e.segment >= 0 ? store::Value{e.segment} : store::Value{},
         e.segment >= 0 ? store::Value{e.json_offset} : store::Value{},
         e.segment >= 0 ? store::Value{e.json_length} : store::Value{},
         static_cast<int64_t>(e.insight                                          ? EventCategory::Insight
                              : is_data_event(e.event_source, e.event_name) ? EventCategory::Data
                                                                            : EventCategory::Management),
         e.error_code.empty() ? store::Value{} : store::Value{e.error_code}});
    if (!r) return r.error();
    for (auto& [type, name] : e.resources) {
      auto ins = tx.exec("INSERT INTO cloudtrail_event_resources (seq, resource_type, resource_name) VALUES (?, ?, ?)",
                         {seq, type, name});
      if (!ins) return ins.error();
    }
  }
  return record_event_usage(tx, events);
}

Status record_event_usage(store::Tx& tx, std::span<const StoredEvent> events) {
  std::unordered_map<std::string, const StoredEvent*> latest;  // per long-term key
  std::map<std::pair<std::string_view, std::string_view>, const StoredEvent*> activity;  // per (entity, service)
  auto service_of = [](const StoredEvent& e) { return std::string_view(e.event_source).substr(0, e.event_source.find('.')); };
  for (const auto& e : events) {
    if (!e.entity_arn.empty()) {
      auto& l = activity[{e.entity_arn, service_of(e)}];
      if (!l || l->event_time_ms <= e.event_time_ms) l = &e;
    }
    if (e.access_key_id.rfind("AKIA", 0) == 0) {
      auto& l = latest[e.access_key_id];
      if (!l || l->event_time_ms <= e.event_time_ms) l = &e;
    }
  }
  std::vector<auth::KeyUse> uses;
  for (auto& [key, e] : latest) {
    std::string service = e->event_source.substr(0, e->event_source.find('.'));
    uses.push_back({key, e->event_time_ms, service, e->region});
  }
  if (auto s = auth::record_key_usage(tx, uses); !s) return s;
  std::vector<auth::EntityUse> entity_uses;
  for (auto& [key, e] : activity)
    entity_uses.push_back({e->entity_arn, e->account_id, std::string(key.second), e->event_time_ms, e->region});
  return auth::record_entity_activity(tx, entity_uses);
}

}  // namespace citadel::services::cloudtrail
