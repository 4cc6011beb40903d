#include "services/cloudtrail/insights.h"

#include <cmath>
#include <map>

#include "base/crypto.h"
#include "base/gzip.h"
#include "base/ids.h"
#include "base/time.h"
#include "services/cloudtrail/delivery_permissions.h"
#include "services/cloudtrail/event_index.h"
#include "services/cloudtrail/event_store.h"
#include "services/cloudtrail/trail_digests.h"
#include "services/s3/delivered_objects.h"

namespace citadel::services::cloudtrail {

namespace {

constexpr int64_t kMaxPeriodsPerRound = 1000;  // a server that was down catches up in steps

const char* const kCallRate = "ApiCallRateInsight";
const char* const kErrorRate = "ApiErrorRateInsight";

struct ApiState {
  Baseline baseline;
  int64_t last_period = -1;  // the last period the baseline learned (or passed over while active)
  std::string active_id;     // "" when no insight is in progress
  int64_t active_start = 0, active_sum = 0, active_periods = 0;
  double active_threshold = 0, active_baseline = 0;
};
using ApiKey = std::tuple<std::string, std::string, std::string>;  // (insight type, event source, event name)

Result<std::map<ApiKey, ApiState>> load_states(store::Tx& tx, const std::string& trail) {
  auto rows = tx.query(
      "SELECT insight_type, event_source, event_name, mean, variance, last_period, active_id, active_start, active_sum, "
      "active_periods, active_threshold, active_baseline FROM cloudtrail_insight_apis WHERE trail_arn = ?",
      {trail});
  if (!rows) return rows.error();
  std::map<ApiKey, ApiState> out;
  for (const auto& r : *rows) {
    auto num = [&](size_t i) {
      const auto& v = r.cols.at(i);
      return std::holds_alternative<double>(v) ? std::get<double>(v) : static_cast<double>(r.i64(i));
    };
    ApiState s{{num(3), num(4)}, r.i64(5), r.str(6), r.i64(7), r.i64(8), r.i64(9), num(10), num(11)};
    out[{r.str(0), r.str(1), r.str(2)}] = s;
  }
  return out;
}

Status save_states(store::Tx& tx, const std::string& trail, const std::map<ApiKey, ApiState>& states) {
  for (const auto& [k, s] : states) {
    auto w = tx.exec(
        "INSERT INTO cloudtrail_insight_apis (trail_arn, insight_type, event_source, event_name, mean, variance, last_period, "
        "active_id, active_start, active_sum, active_periods, active_threshold, active_baseline) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (trail_arn, insight_type, event_source, event_name) DO UPDATE SET "
        "mean = excluded.mean, variance = excluded.variance, last_period = excluded.last_period, active_id = excluded.active_id, "
        "active_start = excluded.active_start, active_sum = excluded.active_sum, active_periods = excluded.active_periods, "
        "active_threshold = excluded.active_threshold, active_baseline = excluded.active_baseline",
        {trail, std::get<0>(k), std::get<1>(k), std::get<2>(k), s.baseline.mean, s.baseline.variance, s.last_period, s.active_id,
         s.active_start, s.active_sum, s.active_periods, s.active_threshold, s.active_baseline});
    if (!w) return w.error();
  }
  return Ok{};
}

// Learns the periods with no calls between the state's last period and `period`.
void learn_quiet_periods(ApiState& s, int64_t period) {
  for (int64_t p = s.last_period + 1; p < period && s.baseline.mean + s.baseline.variance > 1e-12; ++p)
    s.baseline = learn(s.baseline, 0);
  s.last_period = std::max(s.last_period, period - 1);
}

// Who and what made the calls of an insight: per value, the average count per period.
Result<json::array> attributions(store::Tx& tx, const std::string& audit_dir, const std::string& account, const ApiKey& key,
                                 int64_t from_ms, int64_t to_ms, int64_t periods) {
  bool errors_only = std::get<0>(key) == kErrorRate;
  EventQuery q;
  q.account_id = account;
  q.from_ms = from_ms;
  q.to_ms = to_ms - 1;
  q.attribute = LookupAttribute::EventName;
  q.value = std::get<2>(key);
  q.also = [&](const StoredEvent& e) {
    return e.event_source == std::get<1>(key) && (errors_only ? !e.error_code.empty() : !e.read_only);
  };
  q.with_json = true;
  std::map<std::string, std::map<std::string, int64_t>> counts;  // attribute -> value -> calls
  auto s = scan_events(tx, audit_dir, q, [&](const StoredEvent& e) -> Status {
    boost::system::error_code ec;
    auto v = json::parse(e.event_json, ec);
    if (ec || !v.is_object()) return Ok{};
    const auto& o = v.as_object();
    auto field = [&](const json::object& obj, const char* name) {
      const auto* f = obj.if_contains(name);
      return f && f->is_string() ? std::string(f->as_string()) : std::string();
    };
    const auto* id = o.if_contains("userIdentity");
    counts["userIdentityArn"][id && id->is_object() ? field(id->as_object(), "arn") : ""]++;
    counts["userAgent"][field(o, "userAgent")]++;
    counts["errorCode"][field(o, "errorCode")]++;
    return Ok{};
  });
  if (!s) return s.error();
  json::array out;
  for (const char* attribute : {"userIdentityArn", "userAgent", "errorCode"}) {
    json::array insight;
    for (const auto& [value, n] : counts[attribute])
      insight.push_back(json::object{{"value", value}, {"average", static_cast<double>(n) / std::max<int64_t>(1, periods)}});
    out.push_back(json::object{{"attribute", attribute}, {"insight", std::move(insight)}, {"baseline", json::array{}}});
  }
  return out;
}

struct Emitted {
  std::vector<StoredEvent> events;
  std::vector<std::string> records;
};

// `baseline_periods`: how many periods the baseline has seen.
Status emit(Call& call, const TrailRow& t, const ApiKey& key, const ApiState& s, bool start, int64_t at_ms, int64_t period_ms,
            int64_t baseline_periods, Emitted& out) {
  json::object statistics{{"baseline", json::object{{"average", s.active_baseline}}},
                          {"insight", json::object{{"average", static_cast<double>(s.active_sum) / std::max<int64_t>(1, s.active_periods)}}}};
  if (!start) statistics["insightDuration"] = s.active_periods;
  statistics["baselineDuration"] = baseline_periods;
  int64_t from = s.active_start * period_ms, to = (s.active_start + s.active_periods) * period_ms;
  auto attrs = attributions(call.tx, call.env.audit_dir, t.account_id, key, from, to, s.active_periods);
  if (!attrs) return attrs.error();
  json::object details{{"state", start ? "Start" : "End"},
                       {"eventSource", std::get<1>(key)},
                       {"eventName", std::get<2>(key)},
                       {"insightType", std::get<0>(key)},
                       {"insightContext", json::object{{"statistics", std::move(statistics)}, {"attributions", std::move(*attrs)}}}};
  StoredEvent ev;
  ev.account_id = t.account_id;
  ev.event_id = ids::uuid7(at_ms);
  ev.event_time_ms = at_ms;
  ev.event_name = std::get<2>(key);
  ev.event_source = std::get<1>(key);
  ev.region = t.home_region;
  ev.insight = true;
  json::object rec{{"eventVersion", "1.08"},
                   {"eventTime", timeutil::iso8601(at_ms)},
                   {"awsRegion", t.home_region},
                   {"eventID", ev.event_id},
                   {"eventType", "AwsCloudTrailInsight"},
                   {"recipientAccountId", t.account_id},
                   {"sharedEventID", s.active_id},
                   {"insightDetails", std::move(details)},
                   {"eventCategory", "Insight"}};
  ev.event_json = json::serialize(rec);
  out.records.push_back(ev.event_json);
  out.events.push_back(std::move(ev));
  return Ok{};
}

Status deliver_insight_file(Call& call, const TrailRow& t, const std::vector<std::string>& records) {
  auto root = trail_log_root(call.tx, t, t.account_id);
  if (!root) return root.error();
  if (auto s = check_delivery_bucket(call.tx, DeliveryTarget{t.s3_bucket, *root, t.arn, t.account_id}); !s) return Ok{};
  std::string body = "{\"Records\":[";
  for (size_t i = 0; i < records.size(); ++i) body += (i ? "," : "") + records[i];
  body += "]}";
  int64_t now = call.ctx.now_ms;
  std::string iso = timeutil::iso8601(now), stamp = compact_time(now);
  std::string key = *root + "CloudTrail-Insight/" + t.home_region + "/" + iso.substr(0, 4) + "/" + iso.substr(5, 2) + "/" +
                    iso.substr(8, 2) + "/" + t.account_id + "_CloudTrail-Insight_" + t.home_region + "_" + stamp.substr(0, 13) +
                    "Z_" + crypto::to_hex(reinterpret_cast<const uint8_t*>(crypto::random_bytes(8).data()), 8) + ".json.gz";
  s3::DeliveredObject object{t.s3_bucket, key, gzip::compress(body), "application/json", {}, {}};
  object.headers["ContentEncoding"] = "gzip";
  encrypt_as_trail(object, t);
  return s3::put_delivered_object(call, object);
}

}  // namespace

std::vector<store::Migration> insight_migrations() {
  return {{"cloudtrail/006_insights", R"sql(
ALTER TABLE cloudtrail_trails ADD COLUMN insights_next_period INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cloudtrail_trails ADD COLUMN insights_periods_seen INTEGER NOT NULL DEFAULT 0;
CREATE TABLE cloudtrail_insight_apis (
  trail_arn        TEXT NOT NULL REFERENCES cloudtrail_trails(arn) ON DELETE CASCADE,
  insight_type     TEXT NOT NULL,
  event_source     TEXT NOT NULL,
  event_name       TEXT NOT NULL,
  mean             REAL NOT NULL,
  variance         REAL NOT NULL,
  last_period      INTEGER NOT NULL,
  active_id        TEXT NOT NULL,
  active_start     INTEGER NOT NULL,
  active_sum       INTEGER NOT NULL,
  active_periods   INTEGER NOT NULL,
  active_threshold REAL NOT NULL,
  active_baseline  REAL NOT NULL,
  PRIMARY KEY (trail_arn, insight_type, event_source, event_name)
);
)sql"}};
}

double insight_threshold(const Baseline& b) {
  return b.mean + std::max(kSigmas * std::sqrt(std::max(0.0, b.variance)), kMinExcess);
}

Baseline learn(const Baseline& b, double count) {
  // West's incremental EWMA mean and variance.
  double diff = count - b.mean;
  double incr = kBaselineAlpha * diff;
  return Baseline{b.mean + incr, (1 - kBaselineAlpha) * (b.variance + diff * incr)};
}

Status evaluate_insights(Call& call, const TrailRow& t, int64_t period_ms) {
  if (t.insight_selectors_json == "[]" || !t.logging) return Ok{};
  bool call_rate = t.insight_selectors_json.find(kCallRate) != std::string::npos;
  bool error_rate = t.insight_selectors_json.find(kErrorRate) != std::string::npos;
  auto pos = call.tx.query("SELECT insights_next_period, insights_periods_seen FROM cloudtrail_trails WHERE arn = ?", {t.arn});
  if (!pos) return pos.error();
  int64_t next = pos->front().i64(0), seen = pos->front().i64(1);
  int64_t current = call.ctx.now_ms / period_ms;  // the period in progress, not evaluated yet
  if (next == 0 || next > current) next = current;
  int64_t end = std::min(current, next + kMaxPeriodsPerRound);
  if (end <= next) {
    auto w = call.tx.exec("UPDATE cloudtrail_trails SET insights_next_period = ? WHERE arn = ?", {next, t.arn});
    return w ? Status(Ok{}) : Status(w.error());
  }
  EventQuery q;
  q.account_id = t.account_id;
  q.from_ms = next * period_ms;
  q.to_ms = end * period_ms - 1;
  std::map<int64_t, std::map<ApiKey, int64_t>> counts;  // period -> API -> count
  auto scanned = scan_events(call.tx, call.env.audit_dir, q, [&](const StoredEvent& e) -> Status {
    int64_t p = e.event_time_ms / period_ms;
    if (call_rate && !e.read_only) counts[p][{kCallRate, e.event_source, e.event_name}]++;
    if (error_rate && !e.error_code.empty()) counts[p][{kErrorRate, e.event_source, e.event_name}]++;
    return Ok{};
  });
  if (!scanned) return scanned.error();
  auto states = load_states(call.tx, t.arn);
  if (!states) return states.error();
  Emitted emitted;
  for (int64_t p = next; p < end; ++p, ++seen) {
    auto& in_period = counts[p];
    // Every API with an insight in progress is looked at each period; others only when called.
    for (auto& [key, s] : *states)
      if (!s.active_id.empty() && !in_period.count(key)) in_period[key] = 0;
    for (const auto& [key, count] : in_period) {
      ApiState& s = (*states)[key];
      if (s.last_period < 0) s.last_period = p - 1;
      if (s.active_id.empty()) {
        learn_quiet_periods(s, p);
        if (seen >= kWarmupPeriods && count >= insight_threshold(s.baseline)) {
          s.active_id = ids::uuid4();
          s.active_start = p;
          s.active_sum = count;
          s.active_periods = 1;
          s.active_threshold = insight_threshold(s.baseline);
          s.active_baseline = s.baseline.mean;
          if (auto e = emit(call, t, key, s, true, p * period_ms, period_ms, seen, emitted); !e) return e;
        } else {
          s.baseline = learn(s.baseline, static_cast<double>(count));
        }
        s.last_period = p;
        continue;
      }
      s.last_period = p;
      if (count >= s.active_threshold) {
        s.active_sum += count;
        ++s.active_periods;
        continue;
      }
      if (auto e = emit(call, t, key, s, false, p * period_ms, period_ms, seen, emitted); !e) return e;
      s.active_id.clear();
      s.baseline = learn(s.baseline, static_cast<double>(count));
    }
  }
  if (auto s = save_states(call.tx, t.arn, *states); !s) return s;
  auto w = call.tx.exec("UPDATE cloudtrail_trails SET insights_next_period = ?, insights_periods_seen = ? WHERE arn = ?",
                        {end, seen, t.arn});
  if (!w) return w.error();
  if (emitted.events.empty()) return Ok{};
  if (auto s = append_events(call.tx, emitted.events); !s) return s;
  return deliver_insight_file(call, t, emitted.records);
}

}  // namespace citadel::services::cloudtrail
