#include "services/cloudtrail/trail_digests.h"

#include "base/crypto.h"
#include "base/gzip.h"
#include "base/time.h"
#include "services/cloudtrail/delivery_permissions.h"
#include "services/cloudtrail/signing_keys.h"
#include "services/s3/delivered_objects.h"

namespace citadel::services::cloudtrail {

namespace {

struct Chain {
  std::string account, region;
  int64_t start_ms = 0;
  std::string last_bucket, last_key, last_hash, last_signature;  // "" before the first digest
};

json::value time_or_null(int64_t ms) { return ms ? json::value(timeutil::iso8601(ms)) : json::value(nullptr); }
json::value text_or_null(const std::string& s) { return s.empty() ? json::value(nullptr) : json::value(s); }

// ROOT/CloudTrail-Digest/REGION/YYYY/MM/DD/ACCOUNT_CloudTrail-Digest_REGION_TRAIL_HOMEREGION_YYYYMMDDTHHMMSSZ.json.gz
std::string digest_key(const std::string& root, const TrailRow& t, const Chain& c, int64_t end_ms) {
  std::string iso = timeutil::iso8601(end_ms);
  return root + "CloudTrail-Digest/" + c.region + "/" + iso.substr(0, 4) + "/" + iso.substr(5, 2) + "/" + iso.substr(8, 2) + "/" +
         c.account + "_CloudTrail-Digest_" + c.region + "_" + t.name + "_" + t.home_region + "_" + compact_time(end_ms) + ".json.gz";
}

Result<std::vector<Chain>> load_chains(store::Tx& tx, const TrailRow& t) {
  // The home chain exists from the start; others once the trail delivered files there.
  auto home = tx.exec(
      "INSERT INTO cloudtrail_digest_chains (trail_arn, account_id, region, start_ms) VALUES (?, ?, ?, ?) "
      "ON CONFLICT (trail_arn, account_id, region) DO NOTHING",
      {t.arn, t.account_id, t.home_region, t.start_logging_ms});
  if (!home) return home.error();
  auto others = tx.exec(
      "INSERT INTO cloudtrail_digest_chains (trail_arn, account_id, region, start_ms) "
      "SELECT trail_arn, account_id, region, MIN(delivered_ms) FROM cloudtrail_log_files WHERE trail_arn = ? "
      "GROUP BY trail_arn, account_id, region ON CONFLICT (trail_arn, account_id, region) DO NOTHING",
      {t.arn});
  if (!others) return others.error();
  auto rows = tx.query(
      "SELECT account_id, region, start_ms, last_bucket, last_key, last_hash, last_signature FROM cloudtrail_digest_chains "
      "WHERE trail_arn = ? ORDER BY account_id, region",
      {t.arn});
  if (!rows) return rows.error();
  std::vector<Chain> out;
  for (const auto& r : *rows) out.push_back(Chain{r.str(0), r.str(1), r.i64(2), r.str(3), r.str(4), r.str(5), r.str(6)});
  return out;
}

Status write_digest(Call& call, const TrailRow& t, const Chain& c, int64_t end_ms) {
  auto files = call.tx.query(
      "SELECT seq, bucket, object_key, sha256_hex, oldest_ms, newest_ms FROM cloudtrail_log_files "
      "WHERE trail_arn = ? AND account_id = ? AND region = ? ORDER BY seq",
      {t.arn, c.account, c.region});
  if (!files) return files.error();
  auto root = trail_log_root(call.tx, t, c.account);
  if (!root) return root.error();
  auto key = current_signing_key(call.tx, *call.env.secrets, t.home_region, call.ctx.now_ms);
  if (!key) return key.error();

  json::array log_files;
  int64_t oldest = 0, newest = 0, last_seq = 0;
  for (const auto& f : *files) {
    log_files.push_back(json::object{{"s3Bucket", f.str(1)},
                                     {"s3Object", f.str(2)},
                                     {"hashValue", f.str(3)},
                                     {"hashAlgorithm", "SHA-256"},
                                     {"newestEventTime", timeutil::iso8601(f.i64(5))},
                                     {"oldestEventTime", timeutil::iso8601(f.i64(4))}});
    if (!oldest || f.i64(4) < oldest) oldest = f.i64(4);
    newest = std::max(newest, f.i64(5));
    last_seq = f.i64(0);
  }
  std::string object_key = digest_key(*root, t, c, end_ms);
  std::string end_time = timeutil::iso8601(end_ms);
  json::object digest{{"awsAccountId", c.account},
                      {"digestStartTime", timeutil::iso8601(c.start_ms)},
                      {"digestEndTime", end_time},
                      {"digestS3Bucket", t.s3_bucket},
                      {"digestS3Object", object_key},
                      {"digestPublicKeyFingerprint", key->fingerprint},
                      {"digestSignatureAlgorithm", "SHA256withRSA"},
                      {"newestEventTime", time_or_null(newest)},
                      {"oldestEventTime", time_or_null(oldest)},
                      {"previousDigestS3Bucket", text_or_null(c.last_bucket)},
                      {"previousDigestS3Object", text_or_null(c.last_key)},
                      {"previousDigestHashValue", text_or_null(c.last_hash)},
                      {"previousDigestHashAlgorithm", c.last_hash.empty() ? json::value(nullptr) : json::value("SHA-256")},
                      {"previousDigestSignature", text_or_null(c.last_signature)},
                      {"logFiles", std::move(log_files)}};
  std::string body = json::serialize(digest);
  std::string body_hash = crypto::sha256_hex(body);
  std::string to_sign = end_time + "\n" + t.s3_bucket + "/" + object_key + "\n" + body_hash + "\n" +
                        (c.last_signature.empty() ? std::string("null") : c.last_signature);
  auto signature = sign_hex(*key, to_sign);
  if (!signature) return signature.error();

  s3::DeliveredObject object{t.s3_bucket, object_key, gzip::compress(body), "application/json", {}, {}};
  object.metadata["signature"] = *signature;
  object.metadata["signature-algorithm"] = "SHA256withRSA";
  object.headers["ContentEncoding"] = "gzip";
  if (auto s = s3::put_delivered_object(call, object); !s) return s;
  if (last_seq) {
    auto d = call.tx.exec("DELETE FROM cloudtrail_log_files WHERE trail_arn = ? AND account_id = ? AND region = ? AND seq <= ?",
                          {t.arn, c.account, c.region, last_seq});
    if (!d) return d.error();
  }
  auto w = call.tx.exec(
      "UPDATE cloudtrail_digest_chains SET start_ms = ?, last_bucket = ?, last_key = ?, last_hash = ?, last_signature = ? "
      "WHERE trail_arn = ? AND account_id = ? AND region = ?",
      {end_ms, t.s3_bucket, object_key, body_hash, *signature, t.arn, c.account, c.region});
  if (!w) return w.error();
  return Ok{};
}

}  // namespace

std::string compact_time(int64_t ms) {
  std::string iso = timeutil::iso8601(ms), out;
  for (char ch : iso)
    if (ch != '-' && ch != ':') out += ch;
  return out;
}

Status write_due_digests(Call& call, const TrailRow& t, int64_t digest_interval_ms) {
  if (t.start_logging_ms == 0) return Ok{};
  int64_t end_ms = call.ctx.now_ms - call.ctx.now_ms % 1000;  // digest times are whole seconds
  auto chains = load_chains(call.tx, t);
  if (!chains) return chains.error();
  bool wrote = false;
  for (const auto& c : *chains) {
    if (end_ms - c.start_ms < digest_interval_ms) continue;
    // A stopped trail attests its last period, then its chains rest.
    if (!t.logging && c.start_ms > t.stop_logging_ms) continue;
    auto root = trail_log_root(call.tx, t, c.account);
    if (!root) return root.error();
    if (auto s = check_delivery_bucket(call.tx, DeliveryTarget{t.s3_bucket, *root, t.arn, t.account_id}); !s) {
      auto w = call.tx.exec("UPDATE cloudtrail_trails SET digest_error = ? WHERE arn = ?", {s.error().code, t.arn});
      if (!w) return w.error();
      return Ok{};
    }
    if (auto s = write_digest(call, t, c, end_ms); !s) return s;
    wrote = true;
  }
  if (!wrote) return Ok{};
  auto w = call.tx.exec("UPDATE cloudtrail_trails SET digest_ms = ?, digest_error = '' WHERE arn = ?", {call.ctx.now_ms, t.arn});
  if (!w) return w.error();
  return Ok{};
}

}  // namespace citadel::services::cloudtrail
