#include "services/cloudtrail/event_index.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>

#include "services/cloudtrail/data_events.h"
#include "services/cloudtrail/journal_records.h"

namespace citadel::services::cloudtrail {

std::vector<store::Migration> event_block_migrations() {
  return {{"cloudtrail/009_event_blocks", R"sql(
CREATE TABLE cloudtrail_event_blocks (
  first_seq     INTEGER PRIMARY KEY,  -- its events are first_seq .. first_seq + event_count - 1
  event_count   INTEGER NOT NULL,
  segment       INTEGER NOT NULL,
  start_offset  INTEGER NOT NULL,     -- the stretch of the segment that holds their records
  end_offset    INTEGER NOT NULL,
  min_time_ms   INTEGER NOT NULL,
  max_time_ms   INTEGER NOT NULL,
  rolled_back   TEXT                  -- JSON offsets of the stretch's records that are not events
);
CREATE INDEX cloudtrail_event_blocks_by_time ON cloudtrail_event_blocks(max_time_ms, first_seq);
)sql"}};
}

namespace {

struct Block {
  int64_t first_seq = 0, count = 0, segment = 0, start = 0, end = 0, min_time = 0, max_time = 0;
  std::vector<int64_t> rolled_back;  // sorted
};

constexpr const char* kBlockColumns =
    "first_seq, event_count, segment, start_offset, end_offset, min_time_ms, max_time_ms, rolled_back";

Block block_of(const store::Row& r) {
  Block b{r.i64(0), r.i64(1), r.i64(2), r.i64(3), r.i64(4), r.i64(5), r.i64(6), {}};
  const std::string& list = r.str(7);
  for (const char *p = list.data(), *end = p + list.size(); p < end;) {
    int64_t v = 0;
    auto [next, ec] = std::from_chars(p, end, v);
    if (ec != std::errc()) break;
    b.rolled_back.push_back(v);
    p = next + 1;  // past the comma
  }
  std::sort(b.rolled_back.begin(), b.rolled_back.end());
  return b;
}

// Reads blocks' events back from their segments, keeping the open segment and the buffer from
// one block to the next.
class BlockReader {
 public:
  explicit BlockReader(const std::string& audit_dir) : dir_(audit_dir) {}
  ~BlockReader() {
    if (fd_ >= 0) ::close(fd_);
  }
  // Calls `each(event, readable)` for the events of `b` in seq order (event.seq set) until it
  // returns false; `readable` is the record's readable part (journal::record_json).
  Status read(const Block& b, const std::function<bool(StoredEvent&, std::string_view)>& each) {
    if (fd_ < 0 || segment_ != b.segment) {
      if (fd_ >= 0) ::close(fd_);
      std::string path = segment_path(dir_, b.segment);
      fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
      segment_ = b.segment;
      if (fd_ < 0) return AwsError::internal("audit segment " + path + " is missing");
    }
    journal::SegmentReader reader(buf_, fd_, b.segment, static_cast<uint64_t>(b.start), static_cast<uint64_t>(b.end),
                                  /*verify=*/false);
    int64_t seq = b.first_seq;
    journal::RecordCommit commit;  // the block lists the records that do not count
    while (reader.next(event_, commit)) {
      if (std::binary_search(b.rolled_back.begin(), b.rolled_back.end(), event_.json_offset)) continue;
      event_.seq = seq++;
      event_.insight = false;
      if (!each(event_, reader.json())) return Ok{};
    }
    if (reader.offset() != static_cast<uint64_t>(b.end))
      return AwsError::internal("audit segment " + segment_path(dir_, b.segment) + " has an unreadable record");
    return Ok{};
  }

 private:
  const std::string& dir_;
  int fd_ = -1;
  int64_t segment_ = -1;
  std::string buf_;
  StoredEvent event_;
};

EventCategory category_of(const StoredEvent& e) {
  return e.insight ? EventCategory::Insight
         : is_data_event(e.event_source, e.event_name) ? EventCategory::Data
                                                       : EventCategory::Management;
}

bool has_resource(const StoredEvent& e, bool type, const std::string& value) {
  for (const auto& [t, n] : e.resources)
    if ((type ? t : n) == value) return true;
  return false;
}

// Whether `e` has the lookup attribute's value. Rows are filtered by the same rules in SQL:
// attribute_sql below.
bool attribute_matches(const EventQuery& q, const StoredEvent& e) {
  switch (q.attribute) {
    case LookupAttribute::None: return true;
    case LookupAttribute::EventId: return e.event_id == q.value;
    case LookupAttribute::EventName: return e.event_name == q.value;
    case LookupAttribute::EventSource: return e.event_source == q.value;
    case LookupAttribute::Username: return e.username == q.value;
    case LookupAttribute::AccessKeyId: return e.access_key_id == q.value;
    case LookupAttribute::ReadOnly: return e.read_only == (q.value == "true");
    case LookupAttribute::ResourceType: return has_resource(e, true, q.value);
    case LookupAttribute::ResourceName: return has_resource(e, false, q.value);
  }
  return false;
}

void attribute_sql(const EventQuery& q, std::string& where, std::vector<store::Value>& params) {
  const char* cond = nullptr;
  switch (q.attribute) {
    case LookupAttribute::None: return;
    case LookupAttribute::EventId: cond = " AND e.event_id = ?"; break;
    case LookupAttribute::EventName: cond = " AND e.event_name = ?"; break;
    case LookupAttribute::EventSource: cond = " AND e.event_source = ?"; break;
    case LookupAttribute::Username: cond = " AND e.username = ?"; break;
    case LookupAttribute::AccessKeyId: cond = " AND e.access_key_id = ?"; break;
    case LookupAttribute::ReadOnly:
      where += " AND e.read_only = ?";
      params.push_back(int64_t{q.value == "true"});
      return;
    case LookupAttribute::ResourceType:
      cond = " AND EXISTS (SELECT 1 FROM cloudtrail_event_resources r WHERE r.seq = e.seq AND r.resource_type = ?)";
      break;
    case LookupAttribute::ResourceName:
      cond = " AND EXISTS (SELECT 1 FROM cloudtrail_event_resources r WHERE r.seq = e.seq AND r.resource_name = ?)";
      break;
  }
  where += cond;
  params.push_back(q.value);
}

constexpr const char* kRowColumns =
    "e.seq, e.account_id, e.event_id, e.event_time_ms, e.event_name, e.event_source, e.username, e.access_key_id, "
    "e.read_only, e.event_json, e.segment, e.json_offset, e.json_length, e.error_code, e.management";

// An event of cloudtrail_events, with (if asked) its record and its resources.
Result<StoredEvent> row_event(store::Tx& tx, const std::string& audit_dir, const store::Row& r, bool with_json,
                              bool with_resources) {
  StoredEvent e;
  e.seq = r.i64(0);
  e.account_id = r.str(1);
  e.event_id = r.str(2);
  e.event_time_ms = r.i64(3);
  e.event_name = r.str(4);
  e.event_source = r.str(5);
  e.username = r.str(6);
  e.access_key_id = r.str(7);
  e.read_only = r.i64(8) != 0;
  e.error_code = r.str(13);
  e.insight = r.i64(14) == static_cast<int64_t>(EventCategory::Insight);
  if (!r.is_null(10)) e.segment = r.i64(10), e.json_offset = r.i64(11), e.json_length = r.i64(12);
  if (with_json) {
    if (r.is_null(10)) e.event_json = r.str(9);
    else {
      auto stored = read_segment_json(audit_dir, e.segment, e.json_offset, e.json_length);
      if (!stored) return stored.error();
      e.event_json = std::move(*stored);
    }
  }
  if (!with_resources) return e;
  auto res = tx.query("SELECT resource_type, resource_name FROM cloudtrail_event_resources WHERE seq = ?", {e.seq});
  if (!res) return res.error();
  for (const auto& rr : *res) e.resources.emplace_back(rr.str(0), rr.str(1));
  return e;
}

bool newer(const StoredEvent& a, const StoredEvent& b) {
  return a.event_time_ms != b.event_time_ms ? a.event_time_ms > b.event_time_ms : a.seq > b.seq;
}

// Whether `e`, an event read from a block, is one `q` selects. Rows are selected by the same
// rules in SQL (rows_sql).
bool selects(const EventQuery& q, const StoredEvent& e) {
  if (e.account_id != q.account_id || e.event_time_ms < q.from_ms || e.event_time_ms > q.to_ms) return false;
  if (category_of(e) != q.category || !attribute_matches(q, e)) return false;
  if (q.before && !(e.event_time_ms < q.before->first || (e.event_time_ms == q.before->first && e.seq < q.before->second)))
    return false;
  return !q.also || q.also(e);
}

// The query for the rows `q` selects, newest first (`also` is left to the caller).
std::pair<std::string, std::vector<store::Value>> rows_sql(const EventQuery& q, bool limited) {
  std::string where = "e.account_id = ? AND e.management = ? AND e.event_time_ms >= ? AND e.event_time_ms <= ?";
  std::vector<store::Value> params{q.account_id, static_cast<int64_t>(q.category), q.from_ms, q.to_ms};
  attribute_sql(q, where, params);
  if (q.before) {
    where += " AND (e.event_time_ms < ? OR (e.event_time_ms = ? AND e.seq < ?))";
    params.insert(params.end(), {q.before->first, q.before->first, q.before->second});
  }
  std::string sql = std::string("SELECT ") + kRowColumns + " FROM cloudtrail_events e WHERE " + where +
                    " ORDER BY e.event_time_ms DESC, e.seq DESC";
  // A further condition is C++'s: then every row in the window is read.
  if (limited && q.limit && !q.also) {
    sql += " LIMIT ?";
    params.push_back(static_cast<int64_t>(q.limit));
  }
  return {sql, params};
}

// Calls `each` with the rows `q` selects, newest first, until it returns false.
Status visit_row_events(store::Tx& tx, const std::string& audit_dir, const EventQuery& q, bool limited,
                        const std::function<bool(StoredEvent&)>& each) {
  auto [sql, params] = rows_sql(q, limited);
  auto rows = tx.query_v(sql, params);
  if (!rows) return rows.error();
  for (const auto& r : *rows) {
    auto e = row_event(tx, audit_dir, r, q.with_json, q.with_resources);
    if (!e) return e.error();
    if (q.also && !q.also(*e)) continue;
    if (!each(*e)) break;
  }
  return Ok{};
}

// Calls `each` with the blocks of q's window, newest first, until it returns false.
Status visit_blocks(store::Tx& tx, const EventQuery& q, const std::function<Result<bool>(const Block&)>& each) {
  std::optional<std::pair<int64_t, int64_t>> cursor;  // (max_time_ms, first_seq) of the last block read
  while (true) {
    std::string sql = std::string("SELECT ") + kBlockColumns +
                      " FROM cloudtrail_event_blocks WHERE max_time_ms >= ? AND min_time_ms <= ?";
    std::vector<store::Value> params{q.from_ms, q.to_ms};
    if (cursor) {
      sql += " AND (max_time_ms, first_seq) < (?, ?)";
      params.insert(params.end(), {cursor->first, cursor->second});
    }
    sql += " ORDER BY max_time_ms DESC, first_seq DESC LIMIT 64";
    auto rows = tx.query_v(sql, params);
    if (!rows) return rows.error();
    for (const auto& r : *rows) {
      Block b = block_of(r);
      cursor = {b.max_time, b.first_seq};
      auto more = each(b);
      if (!more) return more.error();
      if (!*more) return Ok{};
    }
    if (rows->size() < 64) return Ok{};
  }
}

// The events of `q` indexed by block, newest first: blocks are read newest first, and reading
// stops once `limit` events are found that are newer than anything the next block holds.
Status find_block_events(store::Tx& tx, const std::string& audit_dir, const EventQuery& q, std::vector<StoredEvent>& out) {
  if (q.category == EventCategory::Insight) return Ok{};  // never in the journal
  BlockReader reader(audit_dir);
  std::vector<StoredEvent> found;
  auto prune = [&] {  // keeps the newest `limit`
    if (!q.limit || found.size() <= 2 * q.limit) return;
    std::nth_element(found.begin(), found.begin() + static_cast<std::ptrdiff_t>(q.limit) - 1, found.end(), newer);
    found.resize(q.limit);
  };
  auto oldest_kept = [&]() -> const StoredEvent& {
    std::nth_element(found.begin(), found.begin() + static_cast<std::ptrdiff_t>(q.limit) - 1, found.end(), newer);
    return found[q.limit - 1];
  };
  auto s = visit_blocks(tx, q, [&](const Block& b) -> Result<bool> {
    if (q.limit && found.size() >= q.limit && b.max_time < oldest_kept().event_time_ms) return false;
    // Records are written as JSON once the page is known (find_events), not for every match.
    auto read = reader.read(b, [&](StoredEvent& e, std::string_view) {
      if (selects(q, e)) found.push_back(e);
      return true;
    });
    if (!read) return read.error();
    prune();
    return true;
  });
  if (!s) return s;
  for (auto& e : found) out.push_back(std::move(e));
  return Ok{};
}

}  // namespace

Status append_block(store::Tx& tx, std::span<const StoredEvent> events, int64_t segment, uint64_t start_offset,
                    uint64_t end_offset, std::span<const int64_t> rolled_back) {
  if (!events.empty()) {
    auto last = newest_event_seq(tx);
    if (!last) return last.error();
    int64_t min_time = events.front().event_time_ms, max_time = min_time;
    for (const auto& e : events) min_time = std::min(min_time, e.event_time_ms), max_time = std::max(max_time, e.event_time_ms);
    std::string skipped;
    for (int64_t offset : rolled_back) skipped += (skipped.empty() ? "" : ",") + std::to_string(offset);
    auto r = tx.exec(std::string("INSERT INTO cloudtrail_event_blocks (") + kBlockColumns + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                     {*last + 1, static_cast<int64_t>(events.size()), segment, static_cast<int64_t>(start_offset),
                      static_cast<int64_t>(end_offset), min_time, max_time,
                      skipped.empty() ? store::Value{} : store::Value{skipped}});
    if (!r) return r.error();
  }
  return record_event_usage(tx, events);
}

Result<int64_t> newest_event_seq(store::Tx& tx) {
  auto rows = tx.query(
      "SELECT MAX((SELECT COALESCE(MAX(seq), 0) FROM cloudtrail_events), "
      "(SELECT COALESCE(MAX(first_seq + event_count - 1), 0) FROM "
      "(SELECT first_seq, event_count FROM cloudtrail_event_blocks ORDER BY first_seq DESC LIMIT 1)))");
  if (!rows) return rows.error();
  return rows->front().i64(0);
}

Result<std::vector<StoredEvent>> find_events(store::Tx& tx, const std::string& audit_dir, const EventQuery& q) {
  std::vector<StoredEvent> out;
  auto rows = visit_row_events(tx, audit_dir, q, /*limited=*/true, [&](StoredEvent& e) {
    out.push_back(std::move(e));
    return !q.limit || out.size() < q.limit;
  });
  if (!rows) return rows.error();
  if (auto s = find_block_events(tx, audit_dir, q, out); !s) return s.error();
  std::sort(out.begin(), out.end(), newer);
  if (q.limit && out.size() > q.limit) out.resize(q.limit);
  if (q.with_json)
    for (auto& e : out)
      if (e.event_json.empty() && e.segment >= 0) {  // a block's event
        auto json = read_segment_json(audit_dir, e.segment, e.json_offset, e.json_length);
        if (!json) return json.error();
        e.event_json = std::move(*json);
      }
  return out;
}

Status scan_events(store::Tx& tx, const std::string& audit_dir, const EventQuery& q,
                   const std::function<Status(const StoredEvent&)>& each) {
  Status failed = Ok{};
  auto rows = visit_row_events(tx, audit_dir, q, /*limited=*/false, [&](StoredEvent& e) {
    failed = each(e);
    return failed.ok();
  });
  if (!rows) return rows;
  if (!failed) return failed;
  if (q.category == EventCategory::Insight) return Ok{};  // never in the journal
  BlockReader reader(audit_dir);
  return visit_blocks(tx, q, [&](const Block& b) -> Result<bool> {
    auto read = reader.read(b, [&](StoredEvent& e, std::string_view readable) {
      if (!selects(q, e)) return true;
      if (q.with_json) {
        auto json = journal::record_json(readable);
        if (!json) return (failed = json.error(), false);
        e.event_json = std::move(*json);
      }
      failed = each(e);
      return failed.ok();
    });
    if (!read) return read.error();
    if (!failed) return failed.error();
    return true;
  });
}

Result<std::vector<StoredEvent>> events_after(store::Tx& tx, const std::string& audit_dir, int64_t after, size_t limit) {
  std::vector<StoredEvent> out;
  auto rows = tx.query(std::string("SELECT ") + kRowColumns +
                           " FROM cloudtrail_events e WHERE e.seq > ? AND e.management <> 2 ORDER BY e.seq LIMIT ?",
                       {after, static_cast<int64_t>(limit)});
  if (!rows) return rows.error();
  for (const auto& r : *rows) {
    auto e = row_event(tx, audit_dir, r, /*with_json=*/true, /*with_resources=*/false);
    if (!e) return e.error();
    out.push_back(std::move(*e));
  }
  // The block that holds `after + 1`, if any, then the ones after it, until `limit` events.
  auto blocks = tx.query(std::string("SELECT ") + kBlockColumns +
                             " FROM cloudtrail_event_blocks WHERE first_seq >= COALESCE((SELECT MAX(first_seq) FROM "
                             "cloudtrail_event_blocks WHERE first_seq <= ?), 0) ORDER BY first_seq LIMIT ?",
                         {after + 1, static_cast<int64_t>(limit)});
  if (!blocks) return blocks.error();
  BlockReader reader(audit_dir);
  size_t from_blocks = 0;
  Status unreadable = Ok{};
  for (const auto& r : *blocks) {
    if (from_blocks >= limit) break;
    auto s = reader.read(block_of(r), [&](StoredEvent& e, std::string_view readable) {
      if (e.seq <= after) return true;
      auto json = journal::record_json(readable);
      if (!json) return (unreadable = json.error(), false);
      out.push_back(e);
      out.back().event_json = std::move(*json);
      return ++from_blocks < limit;
    });
    if (!s) return s.error();
    if (!unreadable) return unreadable.error();
  }
  std::sort(out.begin(), out.end(), [](const StoredEvent& a, const StoredEvent& b) { return a.seq < b.seq; });
  if (out.size() > limit) out.resize(limit);
  return out;
}

}  // namespace citadel::services::cloudtrail
