#include "services/cloudtrail/trail_delivery.h"

#include <iostream>
#include <map>
#include <set>

#include "base/crypto.h"
#include "base/gzip.h"
#include "base/time.h"
#include "services/cloudtrail/delivery_permissions.h"
#include "services/cloudtrail/event_index.h"
#include "services/cloudtrail/event_selectors.h"
#include "services/cloudtrail/event_store.h"
#include "services/cloudtrail/insights.h"
#include "services/cloudtrail/trail_digests.h"
#include "services/cloudtrail/trail_store.h"
#include "services/logs/log_delivery.h"
#include "services/organizations/org_common.h"
#include "services/s3/delivered_objects.h"

namespace citadel::services::cloudtrail {

namespace {

constexpr int64_t kEventsPerScan = 2000;
constexpr int kScansPerRound = 50;           // at most 100,000 events per trail and round
constexpr size_t kRecordsPerFile = 5000;

// Services whose events are "global service events": recorded in us-east-1 and delivered to
// every trail that includes global service events, whatever its region.
bool global_service(std::string_view source) {
  return source == "iam.amazonaws.com" || source == "organizations.amazonaws.com" || source == "sts.amazonaws.com" ||
         source == "cloudfront.amazonaws.com" || source == "route53.amazonaws.com" || source == "signin.amazonaws.com";
}

bool in_trail_region(const TrailRow& t, const EventFacts& e) {
  if (global_service(e.event_source) && (e.region == "us-east-1" || e.region.empty())) return t.include_global;
  return t.multi_region || e.region == t.home_region;
}

bool in_logging_window(const TrailRow& t, int64_t event_ms) {
  if (t.start_logging_ms == 0 || event_ms < t.start_logging_ms) return false;
  return t.logging || event_ms <= t.stop_logging_ms;
}

// The accounts whose events the trail logs.
Result<std::set<std::string>> logged_accounts(store::Tx& tx, const TrailRow& t) {
  std::set<std::string> out{t.account_id};
  if (!t.organization) return out;
  auto org = organizations::org_of(tx, t.account_id);
  if (!org) return org.error();
  if (!org->has_value() || (*org)->management != t.account_id) return out;
  auto rows = tx.query("SELECT account_id FROM org_accounts WHERE org_id = ?", {(*org)->id});
  if (!rows) return rows.error();
  for (const auto& r : *rows) out.insert(r.str(0));
  return out;
}

struct FileBatch {
  std::vector<std::string> records;  // CloudTrail JSON records, as stored
  std::vector<int64_t> times;        // their event times
  int64_t oldest_ms = 0, newest_ms = 0;
};
using Batches = std::map<std::pair<std::string, std::string>, FileBatch>;  // (account, region)

// Collects the trail's selected events after its position; returns the last sequence number seen.
Result<int64_t> collect_events(Call& call, const TrailRow& t, Batches& batches) {
  auto accounts = logged_accounts(call.tx, t);
  if (!accounts) return accounts.error();
  auto selection = EventSelection::parse(t.selectors_json);
  int64_t position = t.delivered_seq;
  for (int scan = 0; scan < kScansPerRound; ++scan) {
    // Insights events go to their own files.
    auto events = events_after(call.tx, call.env.audit_dir, position, kEventsPerScan);
    if (!events) return events.error();
    for (auto& e : *events) {
      position = e.seq;
      if (!accounts->count(e.account_id) || !in_logging_window(t, e.event_time_ms)) continue;
      boost::system::error_code ec;
      auto parsed = json::parse(e.event_json, ec);
      if (ec || !parsed.is_object()) continue;
      auto facts = event_facts(parsed.as_object());
      if (!in_trail_region(t, facts) || !selection.selects(facts)) continue;
      auto& batch = batches[{e.account_id, facts.region.empty() ? t.home_region : facts.region}];
      if (batch.records.empty() || e.event_time_ms < batch.oldest_ms) batch.oldest_ms = e.event_time_ms;
      if (e.event_time_ms > batch.newest_ms) batch.newest_ms = e.event_time_ms;
      batch.records.push_back(std::move(e.event_json));
      batch.times.push_back(e.event_time_ms);
    }
    if (static_cast<int64_t>(events->size()) < kEventsPerScan) break;
  }
  return position;
}

std::string random_alnum(size_t n) {
  static constexpr char kChars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string bytes = crypto::random_bytes(n), out;
  for (unsigned char b : bytes) out += kChars[b % 62];
  return out;
}

// AWSLogs/.../CloudTrail/REGION/YYYY/MM/DD/ACCOUNT_CloudTrail_REGION_YYYYMMDDTHHmmZ_UNIQUE.json.gz
std::string log_file_key(const std::string& root, const std::string& account, const std::string& region, int64_t now_ms) {
  std::string iso = timeutil::iso8601(now_ms);  // 2026-11-24T11:15:48Z
  std::string stamp = compact_time(now_ms);     // 20261124T111548Z
  return root + "CloudTrail/" + region + "/" + iso.substr(0, 4) + "/" + iso.substr(5, 2) + "/" + iso.substr(8, 2) + "/" +
         account + "_CloudTrail_" + region + "_" + stamp.substr(0, 13) + "Z_" + random_alnum(16) + ".json.gz";
}

Status write_log_file(Call& call, const TrailRow& t, const std::string& account, const std::string& region,
                      const FileBatch& batch, size_t begin, size_t end) {
  std::string body = "{\"Records\":[";
  for (size_t i = begin; i < end; ++i) {
    if (i > begin) body += ',';
    body += batch.records[i];
  }
  body += "]}";
  auto root = trail_log_root(call.tx, t, account);
  if (!root) return root.error();
  s3::DeliveredObject object{t.s3_bucket, log_file_key(*root, account, region, call.ctx.now_ms), gzip::compress(body),
                             "application/json", {}, {}};
  object.headers["ContentEncoding"] = "gzip";
  encrypt_as_trail(object, t);
  if (auto s = s3::put_delivered_object(call, object); !s) return s;
  if (!t.log_validation) return Ok{};
  auto w = call.tx.exec(
      "INSERT INTO cloudtrail_log_files (trail_arn, account_id, region, bucket, object_key, sha256_hex, oldest_ms, newest_ms, "
      "delivered_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {t.arn, account, region, t.s3_bucket, object.key, crypto::sha256_hex(body), batch.oldest_ms, batch.newest_ms,
       call.ctx.now_ms});
  if (!w) return w.error();
  return Ok{};
}

Status record_status(store::Tx& tx, const TrailRow& t, int64_t now_ms, const std::string& error, bool delivered) {
  auto w = delivered ? tx.exec("UPDATE cloudtrail_trails SET delivery_ms = ?, delivery_attempt_ms = ?, delivery_error = '' WHERE arn = ?",
                               {now_ms, now_ms, t.arn})
                     : tx.exec("UPDATE cloudtrail_trails SET delivery_attempt_ms = ?, delivery_error = ? WHERE arn = ?",
                               {now_ms, error, t.arn});
  if (!w) return w.error();
  return Ok{};
}

// The same records into the trail's CloudWatch Logs group, one stream per account and region
// ("ACCOUNT_CloudTrail_REGION", as CloudTrail names them). A group that is gone, or a role that no
// longer trusts CloudTrail, is recorded in the trail's status; the S3 delivery stands.
Status deliver_to_log_group(Call& call, const TrailRow& t, const Batches& batches) {
  auto group = check_trail_log_group(call.tx, t.account_id, t.cw_log_group_arn, t.cw_role_arn);
  if (!group) {
    auto w = call.tx.exec("UPDATE cloudtrail_trails SET cw_delivery_error = ? WHERE arn = ?", {group.error().code, t.arn});
    return w ? Status(Ok{}) : Status(w.error());
  }
  for (const auto& [where, batch] : batches) {
    std::vector<std::pair<int64_t, std::string>> events;
    for (size_t i = 0; i < batch.records.size(); ++i) events.emplace_back(batch.times[i], batch.records[i]);
    if (auto s = logs::deliver_log_events(call, t.account_id, group->first, group->second,
                                          where.first + "_CloudTrail_" + where.second, std::move(events), call.ctx.now_ms);
        !s)
      return s;
  }
  auto w = call.tx.exec("UPDATE cloudtrail_trails SET cw_delivery_ms = ?, cw_delivery_error = '' WHERE arn = ?",
                        {call.ctx.now_ms, t.arn});
  return w ? Status(Ok{}) : Status(w.error());
}

// One trail's round, inside its transaction. Errors of the bucket are recorded, not returned.
Status deliver_trail(Call& call, const std::string& arn, const DeliveryRound& round) {
  auto rows = call.tx.query("SELECT account_id, home_region FROM cloudtrail_trails WHERE arn = ?", {arn});
  if (!rows) return rows.error();
  if (rows->empty()) return Ok{};  // deleted meanwhile
  auto t = load_trail(call.tx, rows->front().str(0), rows->front().str(1), arn);
  if (!t) return t.error();
  Batches batches;
  auto position = collect_events(call, *t, batches);
  if (!position) return position.error();
  if (!batches.empty()) {
    auto root = trail_log_root(call.tx, *t, t->account_id);
    if (!root) return root.error();
    if (auto s = check_delivery_bucket(call.tx, DeliveryTarget{t->s3_bucket, *root, t->arn, t->account_id}); !s)
      return record_status(call.tx, *t, round.now_ms, s.error().code, false);
    // A key that was disabled or whose policy changed stops delivery before any file is written.
    if (!t->kms_key_id.empty())
      if (auto k = check_trail_kms_key(call.tx, t->account_id, t->home_region, t->arn, t->kms_key_id, round.now_ms); !k)
        return record_status(call.tx, *t, round.now_ms, k.error().code, false);
    for (const auto& [where, batch] : batches)
      for (size_t i = 0; i < batch.records.size(); i += kRecordsPerFile)
        if (auto s = write_log_file(call, *t, where.first, where.second, batch, i, std::min(batch.records.size(), i + kRecordsPerFile)); !s)
          return s;
    if (auto s = record_status(call.tx, *t, round.now_ms, "", true); !s) return s;
    if (!t->cw_log_group_arn.empty())
      if (auto s = deliver_to_log_group(call, *t, batches); !s) return s;
  }
  auto w = call.tx.exec("UPDATE cloudtrail_trails SET delivered_seq = ? WHERE arn = ?", {*position, arn});
  if (!w) return w.error();
  if (auto s = evaluate_insights(call, *t, round.insights_period_ms); !s) return s;
  if (t->log_validation) return write_due_digests(call, *t, round.digest_interval_ms);
  return Ok{};
}

}  // namespace

void deliver_all_trails(const Env& env, const DeliveryRound& round) {
  std::vector<std::string> arns;
  auto listed = env.store->read([&](store::Tx& tx) -> Status {
    auto rows = tx.query("SELECT arn FROM cloudtrail_trails ORDER BY arn");
    if (!rows) return rows.error();
    for (const auto& r : *rows) arns.push_back(r.str(0));
    return Ok{};
  });
  if (!listed) {
    std::cerr << "citadel: trail delivery: " << listed.error().message << std::endl;
    return;
  }
  RequestContext ctx;
  ctx.now_ms = round.now_ms;
  json::object no_input;
  for (const auto& arn : arns) {
    std::vector<std::function<void()>> after_commit;
    auto s = env.store->write([&](store::Tx& tx) -> Status {
      Call call{ctx, no_input, tx, env, {}};
      auto r = deliver_trail(call, arn, round);
      if (r) after_commit = std::move(call.after_commit);
      return r;
    });
    if (!s) {
      std::cerr << "citadel: trail delivery for " << arn << ": " << s.error().message << std::endl;
      continue;
    }
    for (auto& f : after_commit) f();
  }
}

}  // namespace citadel::services::cloudtrail
