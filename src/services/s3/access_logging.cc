#include "services/s3/access_logging.h"

#include <ctime>
#include <iostream>
#include <map>

#include "base/crypto.h"
#include "services/s3/delivered_objects.h"
#include "services/s3/s3_common.h"
#include "services/s3/s3_operations.h"
#include "services/service_principal.h"

namespace citadel::services::s3 {

namespace {

constexpr std::string_view kLoggingPrincipal = "logging.s3.amazonaws.com";

std::string or_dash(const std::string& s) { return s.empty() ? "-" : s; }
std::string or_dash(int64_t n) { return n < 0 ? "-" : std::to_string(n); }

std::string strftime_utc(int64_t ms, const char* format) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}

struct LoggingConfig {
  std::string target_bucket, target_prefix;
  bool partitioned = false;
  std::string partition_date_source;  // EventTime or DeliveryTime
};

Result<std::optional<LoggingConfig>> logging_config(store::Tx& tx, const std::string& bucket) {
  auto rows = tx.query("SELECT COALESCE(logging, '') FROM s3_buckets WHERE name = ?", {bucket});
  if (!rows) return rows.error();
  if (rows->empty() || rows->front().str(0).empty()) return std::optional<LoggingConfig>();
  auto v = json::parse(rows->front().str(0)).as_object();
  LoggingConfig c{std::string(v.at("TargetBucket").as_string()), std::string(v.at("TargetPrefix").as_string()), false, ""};
  if (const auto* fmt = v.if_contains("TargetObjectKeyFormat"); fmt && fmt->is_object())
    if (const auto* p = fmt->as_object().if_contains("PartitionedPrefix"); p && p->is_object()) {
      c.partitioned = true;
      c.partition_date_source = input_str(p->as_object(), "PartitionDateSource");
      if (c.partition_date_source.empty()) c.partition_date_source = "EventTime";
    }
  return std::optional<LoggingConfig>(c);
}

// Whether the target bucket's policy lets S3's logging service write the source bucket's logs.
bool target_allows(const BucketRow& target, const std::string& source_bucket, const std::string& source_account,
                   const std::string& prefix) {
  std::string object = bucket_arn(target.name) + "/" + prefix + "log";
  std::string source_arn = bucket_arn(source_bucket);
  std::string_view src[] = {source_arn}, account[] = {source_account};
  policy::ContextEntry context[] = {{"aws:SourceArn", src}, {"aws:SourceAccount", account}};
  return resource_policy_allows_service(target.policy, policy::PolicyKind::Resource, kLoggingPrincipal, target.account_id,
                                        {{"s3:PutObject", object, context}});
}

Result<json::value> put_bucket_logging(Call& call) {
  auto b = load_bucket(call.tx, call.str("Bucket"));
  if (!b) return b.error();
  const auto* status = call.input.if_contains("BucketLoggingStatus");
  const auto* enabled = status && status->is_object() ? status->as_object().if_contains("LoggingEnabled") : nullptr;
  if (!enabled || !enabled->is_object()) {
    auto w = call.tx.exec("UPDATE s3_buckets SET logging = NULL WHERE name = ?", {b->name});
    if (!w) return w.error();
    return json::object{};
  }
  const auto& e = enabled->as_object();
  if (e.contains("TargetGrants") && !e.at("TargetGrants").as_array().empty())
    return AwsError::sender("AccessControlListNotSupported", "The bucket does not allow ACLs", 400);
  std::string target_name = input_str(e, "TargetBucket"), prefix = input_str(e, "TargetPrefix");
  auto target = find_bucket(call.tx, target_name);
  if (!target) return target.error();
  auto invalid = [](const std::string& why) { return AwsError::sender("InvalidTargetBucketForLogging", why, 400); };
  if (!target->has_value()) return invalid("The target bucket for logging does not exist");
  if ((*target)->account_id != b->account_id) return invalid("The owner for the bucket to be logged and the target bucket must be the same.");
  if ((*target)->region != b->region) return invalid("The target bucket for logging must be in the same region as the source bucket.");
  if (!target_allows(**target, b->name, b->account_id, prefix))
    return invalid("The bucket policy of the target bucket must allow logging.s3.amazonaws.com to put objects under the target prefix.");
  json::object stored{{"TargetBucket", target_name}, {"TargetPrefix", prefix}};
  if (const auto* fmt = e.if_contains("TargetObjectKeyFormat")) stored["TargetObjectKeyFormat"] = *fmt;
  auto w = call.tx.exec("UPDATE s3_buckets SET logging = ? WHERE name = ?", {json::serialize(stored), b->name});
  if (!w) return w.error();
  return json::object{};
}

Result<json::value> get_bucket_logging(Call& call) {
  auto b = load_bucket(call.tx, call.str("Bucket"));
  if (!b) return b.error();
  auto rows = call.tx.query("SELECT COALESCE(logging, '') FROM s3_buckets WHERE name = ?", {b->name});
  if (!rows) return rows.error();
  if (rows->front().str(0).empty()) return json::object{};
  return json::object{{"LoggingEnabled", json::parse(rows->front().str(0))}};
}

// TargetPrefix + [partition/] + YYYY-mm-DD-HH-MM-SS-UNIQUESTRING
std::string log_object_key(const LoggingConfig& c, const std::string& account, const std::string& region,
                           const std::string& bucket, int64_t event_ms, int64_t now_ms) {
  std::string unique = crypto::to_hex(reinterpret_cast<const uint8_t*>(crypto::random_bytes(8).data()), 8);
  for (auto& ch : unique) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  std::string name = strftime_utc(now_ms, "%Y-%m-%d-%H-%M-%S-") + unique;
  if (!c.partitioned) return c.target_prefix + name;
  int64_t day_ms = c.partition_date_source == "DeliveryTime" ? now_ms : event_ms;
  return c.target_prefix + account + "/" + region + "/" + bucket + "/" + strftime_utc(day_ms, "%Y/%m/%d/") + name;
}

}  // namespace

void AccessLogBuffer::add(AccessRecord r) {
  std::lock_guard lock(mu_);
  if (records_.size() >= kMaxBufferedRecords) {
    records_.erase(records_.begin());
    ++dropped_;
  }
  records_.push_back(std::move(r));
}

std::vector<AccessRecord> AccessLogBuffer::take() {
  std::lock_guard lock(mu_);
  std::vector<AccessRecord> out;
  out.swap(records_);
  return out;
}

uint64_t AccessLogBuffer::dropped() const {
  std::lock_guard lock(mu_);
  return dropped_;
}

AccessLogBuffer& access_log_buffer() {
  static AccessLogBuffer buffer;
  return buffer;
}

std::string access_log_line(const AccessRecord& r, const std::string& owner) {
  std::string host_id = crypto::base64_encode(crypto::sha256_hex(r.request_id).substr(0, 48));
  std::string line = owner + " " + r.bucket + " " + strftime_utc(r.time_ms, "[%d/%b/%Y:%H:%M:%S +0000]") + " " +
                     or_dash(r.remote_ip) + " " + or_dash(r.requester) + " " + r.request_id + " " + r.operation + " " +
                     or_dash(r.key) + " \"" + r.request_uri + "\" " + std::to_string(r.http_status) + " " + or_dash(r.error_code) + " " +
                     or_dash(r.bytes_sent) + " " + or_dash(r.object_size) + " " + std::to_string(r.total_ms) + " - \"-\" \"" +
                     r.user_agent + "\" " + or_dash(r.version_id) + " " + host_id + " " + or_dash(r.signature_version) + " - " +
                     or_dash(r.auth_type) + " " + or_dash(r.host) + " " + or_dash(r.tls_version) + " - -";
  return line;
}

void deliver_access_logs(const Env& env, int64_t now_ms) {
  auto records = access_log_buffer().take();
  if (records.empty()) return;
  std::map<std::string, std::vector<const AccessRecord*>> by_bucket;
  for (const auto& r : records) by_bucket[r.bucket].push_back(&r);
  RequestContext ctx;
  ctx.now_ms = now_ms;
  json::object no_input;
  for (const auto& [bucket, list] : by_bucket) {
    std::vector<std::function<void()>> after_commit;
    auto s = env.store->write([&](store::Tx& tx) -> Status {
      auto source = find_bucket(tx, bucket);
      if (!source || !source->has_value()) return Ok{};  // unknown or deleted bucket: nothing to log
      auto config = logging_config(tx, bucket);
      if (!config) return config.error();
      if (!config->has_value()) return Ok{};
      auto target = find_bucket(tx, (*config)->target_bucket);
      if (!target) return target.error();
      if (!target->has_value() || !target_allows(**target, bucket, (*source)->account_id, (*config)->target_prefix)) return Ok{};
      std::string owner = canonical_user_id((*source)->account_id), body;
      for (const auto* r : list) body += access_log_line(*r, owner) + "\n";
      Call call{ctx, no_input, tx, env, {}};
      DeliveredObject object{(*target)->name,
                             log_object_key(**config, (*source)->account_id, (*source)->region, bucket, list.front()->time_ms, now_ms),
                             std::move(body), "text/plain", {}, {}};
      if (auto w = put_delivered_object(call, object); !w) return w;
      after_commit = std::move(call.after_commit);
      return Ok{};
    });
    if (!s) std::cerr << "citadel: S3 access logs for " << bucket << ": " << s.error().message << std::endl;
    for (auto& f : after_commit) f();
  }
}

void add_logging_operations(std::vector<OperationDef>& ops) {
  ops.push_back(bucket_operation("PutBucketLogging", "s3:PutBucketLogging", false, put_bucket_logging));
  ops.push_back(bucket_operation("GetBucketLogging", "s3:GetBucketLogging", true, get_bucket_logging));
}

}  // namespace citadel::services::s3
