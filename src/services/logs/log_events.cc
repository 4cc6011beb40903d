// Log events: PutLogEvents (AWS's ordering, batch and age rules), GetLogEvents (forward and
// backward tokens), FilterLogEvents (filter patterns across a group's streams).
#include <algorithm>
#include <cinttypes>
#include <cstdio>

#include "base/crypto.h"
#include "services/logs/filter_pattern.h"
#include "services/logs/log_encryption.h"
#include "services/logs/logs_common.h"
#include "services/logs/log_delivery.h"

namespace citadel::services::logs {

namespace {

constexpr int64_t kMaxBatchBytes = 1048576;      // sum of (message bytes + 26) per PutLogEvents
constexpr int64_t kEventOverhead = 26;
constexpr int64_t kMaxEventBytes = 262144;       // one event, overhead included
constexpr int64_t kMaxBatchEvents = 10000;
constexpr int64_t kMaxSpanMs = 24LL * 3600 * 1000;
constexpr int64_t kTooNewMs = 2LL * 3600 * 1000;  // more than 2 hours in the future
constexpr int64_t kTooOldMs = 14LL * 24 * 3600 * 1000;
constexpr int64_t kDayMs = 24LL * 3600 * 1000;
constexpr int64_t kMaxEventsReturned = 10000;
constexpr int64_t kFilterScanBudget = 100000;    // rows FilterLogEvents reads before answering with a nextToken

Result<json::value> put_log_events(Call& call) {
  std::string group = call.str("logGroupName"), stream = call.str("logStreamName");
  auto g = load_group(call, group);
  if (!g) return g.error();
  if (auto s = require_stream(call, group, stream); !s) return s.error();
  const auto& events = call.input.at("logEvents").as_array();
  if (events.empty() || static_cast<int64_t>(events.size()) > kMaxBatchEvents)
    return invalid_parameter("A batch of log events must hold between 1 and 10000 events.");
  int64_t bytes = 0, previous = INT64_MIN;
  for (const auto& e : events) {
    const auto& o = e.as_object();
    int64_t ts = o.at("timestamp").to_number<int64_t>();
    int64_t size = static_cast<int64_t>(o.at("message").as_string().size()) + kEventOverhead;
    if (size > kMaxEventBytes) return invalid_parameter("Log event too large: " + std::to_string(size) + " bytes exceeds limit of 262144");
    bytes += size;
    if (ts < previous) return invalid_parameter("Log events in a single PutLogEvents request must be in chronological order.");
    previous = ts;
  }
  if (bytes > kMaxBatchBytes)
    return invalid_parameter("Upload too large: " + std::to_string(bytes) + " bytes exceeds limit of 1048576");
  int64_t first_ts = events.front().as_object().at("timestamp").to_number<int64_t>();
  if (previous - first_ts > kMaxSpanMs)
    return invalid_parameter("The batch of log events in a single PutLogEvents request cannot span more than 24 hours.");

  int64_t now = call.ctx.now_ms;
  DataKeys keys(call);
  auto key = keys.for_ingest(call.account(), call.ctx.region, group);
  if (!key) return key.error();
  int64_t retention_floor = g->retention_days ? now - *g->retention_days * kDayMs : INT64_MIN;
  json::object rejected;
  int64_t stored = 0, stored_bytes = 0, low = INT64_MAX, high = INT64_MIN;
  std::vector<StoredEvent> accepted;  // for the group's metric and subscription filters
  for (size_t i = 0; i < events.size(); ++i) {
    const auto& o = events[i].as_object();
    int64_t ts = o.at("timestamp").to_number<int64_t>();
    if (ts > now + kTooNewMs) {
      if (!rejected.contains("tooNewLogEventStartIndex")) rejected["tooNewLogEventStartIndex"] = static_cast<int64_t>(i);
      continue;
    }
    if (ts < now - kTooOldMs) {
      rejected["tooOldLogEventEndIndex"] = static_cast<int64_t>(i);
      continue;
    }
    if (ts < retention_floor) {
      rejected["expiredLogEventEndIndex"] = static_cast<int64_t>(i);
      continue;
    }
    std::string message(o.at("message").as_string());
    auto id = insert_event(call.tx, *key, call.account(), call.ctx.region, group, stream, ts, now, message);
    if (!id) return id.error();
    ++stored;
    stored_bytes += static_cast<int64_t>(message.size()) + kEventOverhead;
    accepted.push_back(StoredEvent{*id, ts, std::move(message)});
    low = std::min(low, ts);
    high = std::max(high, ts);
  }
  auto seq = call.tx.query(
      "UPDATE logs_streams SET upload_seq = upload_seq + 1, stored_bytes = stored_bytes + ?, last_ingestion_ms = ?, "
      "first_event_ms = CASE WHEN ? = 0 THEN first_event_ms ELSE MIN(COALESCE(first_event_ms, ?), ?) END, "
      "last_event_ms = CASE WHEN ? = 0 THEN last_event_ms ELSE MAX(COALESCE(last_event_ms, ?), ?) END "
      "WHERE account_id = ? AND region = ? AND group_name = ? AND name = ? RETURNING upload_seq",
      {stored_bytes, now, stored, low, low, stored, high, high, call.account(), call.ctx.region, group, stream});
  if (!seq) return seq.error();
  if (auto s = events_stored(call, call.account(), call.ctx.region, group, stream, accepted, now); !s) return s.error();
  char token[57];
  std::snprintf(token, sizeof token, "%056" PRId64, seq->front().i64(0));
  json::object out{{"nextSequenceToken", token}};
  if (!rejected.empty()) out["rejectedLogEventsInfo"] = std::move(rejected);
  return out;
}

// A position between events, ordered by (timestamp, sequence): "f/TS/SEQ" reads on after it,
// "b/TS/SEQ" back before it.
struct Position {
  bool forward = true;
  int64_t ts = 0, seq = 0;
};
std::string token(char direction, int64_t ts, int64_t seq) {
  return std::string(1, direction) + "/" + std::to_string(ts) + "/" + std::to_string(seq);
}
Result<Position> parse_token(const std::string& t) {
  Position p;
  char dir = 0;
  long long ts = 0, seq = 0;
  char tail = 0;
  if (std::sscanf(t.c_str(), "%c/%lld/%lld%c", &dir, &ts, &seq, &tail) != 3 || (dir != 'f' && dir != 'b'))
    return invalid_parameter("The specified nextToken is invalid.");
  p.forward = dir == 'f';
  p.ts = ts;
  p.seq = seq;
  return p;
}

json::object event_json(const store::Row& r, std::string message) {
  return json::object{{"timestamp", r.i64(1)}, {"message", std::move(message)}, {"ingestionTime", r.i64(3)}};
}

Result<json::value> get_log_events(Call& call) {
  std::string group = requested_group(call.input), stream = call.str("logStreamName");
  if (auto g = load_group(call, group); !g) return g.error();
  if (auto s = require_stream(call, group, stream); !s) return s.error();
  int64_t limit = call.has("limit") ? std::min(call.input.at("limit").to_number<int64_t>(), kMaxEventsReturned) : kMaxEventsReturned;
  int64_t start = call.has("startTime") ? call.input.at("startTime").to_number<int64_t>() : INT64_MIN;
  int64_t end = call.has("endTime") ? call.input.at("endTime").to_number<int64_t>() : INT64_MAX;
  bool from_head = call.has("startFromHead") && call.input.at("startFromHead").as_bool();
  std::optional<Position> at;
  if (call.has("nextToken")) {
    auto p = parse_token(call.str("nextToken"));
    if (!p) return p.error();
    at = *p;
  }
  bool forward = at ? at->forward : from_head;
  // The token's time also bounds the range, so that the index seeks to it: SQLite does not seek
  // on the OR below, and a later page would otherwise walk the stream from its start.
  if (at && forward) start = std::max(start, at->ts);
  if (at && !forward && at->ts < INT64_MAX) end = std::min(end, at->ts + 1);
  std::string where = "account_id = ? AND region = ? AND group_name = ? AND stream_name = ? AND ts >= ? AND ts < ?";
  std::vector<store::Value> params{call.account(), call.ctx.region, group, stream, start, end};
  if (at) {
    where += forward ? " AND (ts > ? OR (ts = ? AND seq > ?))" : " AND (ts < ? OR (ts = ? AND seq < ?))";
    params.insert(params.end(), {at->ts, at->ts, at->seq});
  }
  params.push_back(limit);
  auto rows = call.tx.query_v("SELECT seq, ts, message, ingestion_ms, data_key_id FROM logs_events WHERE " + where +
                                  (forward ? " ORDER BY ts, seq LIMIT ?" : " ORDER BY ts DESC, seq DESC LIMIT ?"),
                              params);
  if (!rows) return rows.error();
  if (!forward) std::reverse(rows->begin(), rows->end());
  json::array events;
  DataKeys keys(call);
  for (const auto& r : *rows) {
    auto message = keys.open(r.cols.at(4), r.str(2));
    if (!message) return message.error();
    events.push_back(event_json(r, std::move(*message)));
  }
  // With nothing more to read, the token given comes back, which ends the CLI's paging.
  Position first = at.value_or(Position{forward, forward ? INT64_MIN : INT64_MAX, 0}), last = first;
  if (!rows->empty()) {
    first = {false, rows->front().i64(1), rows->front().i64(0)};
    last = {true, rows->back().i64(1), rows->back().i64(0)};
  } else if (!at) {
    first = last = Position{true, forward ? start : end, 0};
  }
  return json::object{{"events", std::move(events)},
                      {"nextForwardToken", token('f', last.ts, last.seq)},
                      {"nextBackwardToken", token('b', first.ts, first.seq)}};
}

Result<json::value> filter_log_events(Call& call) {
  std::string group = requested_group(call.input);
  if (auto g = load_group(call, group); !g) return g.error();
  const auto* names = call.input.if_contains("logStreamNames");
  std::string prefix = call.str("logStreamNamePrefix");
  if (names && !prefix.empty())
    return invalid_parameter("logStreamNames and logStreamNamePrefix are mutually exclusive parameters.");
  auto pattern = FilterPattern::parse(call.str("filterPattern"));
  if (!pattern) return pattern.error();
  int64_t limit = call.has("limit") ? std::min(call.input.at("limit").to_number<int64_t>(), kMaxEventsReturned) : kMaxEventsReturned;
  int64_t start = call.has("startTime") ? call.input.at("startTime").to_number<int64_t>() : INT64_MIN;
  int64_t end = call.has("endTime") ? call.input.at("endTime").to_number<int64_t>() : INT64_MAX;
  std::string where = "account_id = ? AND region = ? AND group_name = ? AND ts >= ? AND ts <= ?";
  std::vector<store::Value> params{call.account(), call.ctx.region, group, start, end};
  if (!prefix.empty()) {
    where += " AND substr(stream_name, 1, length(?)) = ?";
    params.insert(params.end(), {prefix, prefix});
  }
  if (names && names->is_array() && !names->as_array().empty()) {
    where += " AND stream_name IN (";
    for (size_t i = 0; i < names->as_array().size(); ++i) {
      where += i ? ", ?" : "?";
      params.push_back(std::string(names->as_array()[i].as_string()));
    }
    where += ")";
  }
  if (call.has("nextToken")) {
    auto raw = crypto::base64_decode(call.str("nextToken"));
    auto p = raw ? parse_token(*raw) : Result<Position>(invalid_parameter("The specified nextToken is invalid."));
    if (!p) return p.error();
    // As in GetLogEvents: the token's time bounds the range too, so the index seeks to it.
    where += " AND ts >= ? AND (ts > ? OR (ts = ? AND seq > ?))";
    params.insert(params.end(), {p->ts, p->ts, p->ts, p->seq});
  }
  params.push_back(kFilterScanBudget);
  auto rows = call.tx.query_v("SELECT seq, ts, message, ingestion_ms, stream_name, data_key_id FROM logs_events WHERE " + where +
                                  " ORDER BY ts, seq LIMIT ?",
                              params);
  if (!rows) return rows.error();
  json::array events;
  json::object out;
  const store::Row* last = nullptr;
  DataKeys keys(call);
  for (const auto& r : *rows) {
    if (static_cast<int64_t>(events.size()) == limit) break;
    last = &r;
    auto message = keys.open(r.cols.at(5), r.str(2));
    if (!message) return message.error();
    if (!pattern->matches(*message)) continue;
    json::object e = event_json(r, std::move(*message));
    e["logStreamName"] = r.str(4);
    e["eventId"] = std::to_string(r.i64(0));
    events.push_back(std::move(e));
  }
  // More to read: the scan stopped at the limit or at its budget.
  bool more = last && (static_cast<int64_t>(events.size()) == limit ? last != &rows->back() || static_cast<int64_t>(rows->size()) == kFilterScanBudget
                                                                    : static_cast<int64_t>(rows->size()) == kFilterScanBudget);
  if (more) out["nextToken"] = crypto::base64_encode(token('f', last->i64(1), last->i64(0)));
  out["events"] = std::move(events);
  out["searchedLogStreams"] = json::array{};
  return out;
}

}  // namespace

void add_event_operations(std::vector<OperationDef>& ops) {
  ops.push_back(OperationDef{"PutLogEvents", false, false,
                             [](const RequestContext& c, const json::object& in, store::Tx&) { return stream_authz("PutLogEvents", c, in); },
                             put_log_events});
  ops.push_back(OperationDef{"GetLogEvents", true, false,
                             [](const RequestContext& c, const json::object& in, store::Tx&) { return stream_authz("GetLogEvents", c, in); },
                             get_log_events});
  ops.push_back(OperationDef{"FilterLogEvents", true, false,
                             [](const RequestContext& c, const json::object& in, store::Tx&) { return group_authz("FilterLogEvents", c, in); },
                             filter_log_events});
}

}  // namespace citadel::services::logs
