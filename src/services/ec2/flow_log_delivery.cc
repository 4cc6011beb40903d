#include "services/ec2/flow_log_delivery.h"

#include <array>
#include <iostream>
#include <map>

#include "base/crypto.h"
#include "base/gzip.h"
#include "base/time.h"
#include "policy/policy.h"
#include "services/ec2/ec2_common.h"
#include "services/ec2/flow_log_format.h"
#include "services/ec2/flow_logs.h"
#include "services/ec2/flow_records.h"
#include "services/logs/log_delivery.h"
#include "services/s3/delivered_objects.h"
#include "services/s3/s3_common.h"
#include "services/service_principal.h"

namespace citadel::services::ec2 {

namespace {

constexpr const char* kAccessError = "Access error";  // AWS's DeliverLogsErrorMessage for permission failures
// At most this many records per flow log and round (one S3 file, one batch per stream); a larger
// backlog goes on in the next rounds.
constexpr int64_t kMaxRecordsPerRound = 10000;

// Whether the flow log's role exists in its account and trusts the flow logs service.
Result<bool> role_trusts_flow_logs(store::Tx& tx, const Resource& fl) {
  std::string role_arn = text(fl.doc, "DeliverLogsPermissionArn");
  auto role = tx.query("SELECT assume_role_policy FROM iam_roles WHERE arn = ? AND account_id = ?", {role_arn, fl.account});
  if (!role) return role.error();
  if (role->empty()) return false;
  std::string source_arn = arn(fl.region, fl.account, "vpc-flow-log", fl.id);
  std::string_view account[] = {fl.account}, source[] = {source_arn};
  std::array<policy::ContextEntry, 2> context{{{"aws:SourceAccount", account}, {"aws:SourceArn", source}}};
  return resource_policy_allows_service(role->front().str(0), policy::PolicyKind::TrustPolicy, kFlowLogsPrincipal, fl.account,
                                        {{"sts:AssumeRole", role_arn, context}});
}

// One stream per interface, named by its id; each record at its start time.
Result<bool> deliver_to_log_group(Call& call, const Resource& fl, const flowlog::Fields& fields,
                                  const std::vector<StoredRecord>& records) {
  auto trusted = role_trusts_flow_logs(call.tx, fl);
  if (!trusted || !*trusted) return trusted;
  std::string group = text(fl.doc, "LogGroupName");
  if (auto s = logs::ensure_log_group(call.tx, fl.account, fl.region, group, call.ctx.now_ms); !s) return s.error();
  std::map<std::string, std::vector<std::pair<int64_t, std::string>>> by_interface;
  for (const auto& r : records) by_interface[r.interface_id].emplace_back(r.event_ms, flowlog::render(r.fields, fields));
  for (auto& [interface_id, events] : by_interface)
    if (auto s = logs::deliver_log_events(call, fl.account, fl.region, group, interface_id, std::move(events), call.ctx.now_ms); !s)
      return s.error();
  return true;
}

// AWSLogs/ACCOUNT/vpcflowlogs/REGION/YYYY/MM/DD/[HH/]ACCOUNT_vpcflowlogs_REGION_FLOWLOGID_YYYYMMDDTHHmmZ_HASH.log.gz
std::string file_key(const Resource& fl, const S3Destination& d, bool per_hour, int64_t now_ms, const std::string& body) {
  std::string iso = timeutil::iso8601(now_ms);  // 2024-01-02T03:04:05Z
  std::string day = iso.substr(0, 4) + "/" + iso.substr(5, 2) + "/" + iso.substr(8, 2) + "/";
  std::string stamp = iso.substr(0, 4) + iso.substr(5, 2) + iso.substr(8, 2) + "T" + iso.substr(11, 2) + iso.substr(14, 2) + "Z";
  std::string hash = crypto::sha256_hex(fl.id + std::to_string(now_ms) + body).substr(0, 8);
  return (d.prefix.empty() ? "" : d.prefix + "/") + "AWSLogs/" + fl.account + "/vpcflowlogs/" + fl.region + "/" + day +
         (per_hour ? iso.substr(11, 2) + "/" : "") + fl.account + "_vpcflowlogs_" + fl.region + "_" + fl.id + "_" + stamp + "_" + hash +
         ".log.gz";
}

// Whether the bucket's policy lets the log delivery service write the flow log's files.
bool bucket_allows_delivery(const s3::BucketRow& bucket, const Resource& fl, const std::string& key) {
  std::string source_arn = "arn:aws:logs:" + fl.region + ":" + fl.account + ":*";
  std::string_view account[] = {fl.account}, source[] = {source_arn}, acl[] = {"bucket-owner-full-control"};
  std::array<policy::ContextEntry, 3> context{{{"aws:SourceAccount", account}, {"aws:SourceArn", source}, {"s3:x-amz-acl", acl}}};
  return resource_policy_allows_service(bucket.policy, policy::PolicyKind::Resource, kLogDeliveryPrincipal, bucket.account_id,
                                        {{"s3:GetBucketAcl", s3::bucket_arn(bucket.name), context},
                                         {"s3:PutObject", s3::object_arn(bucket.name, key), context}});
}

Result<bool> deliver_to_bucket(Call& call, const Resource& fl, const flowlog::Fields& fields, const std::vector<StoredRecord>& records) {
  auto d = parse_s3_destination(text(fl.doc, "LogDestination"));
  if (!d) return false;
  auto bucket = s3::find_bucket(call.tx, d->bucket);
  if (!bucket) return bucket.error();
  if (!bucket->has_value()) return false;
  std::string body = flowlog::header(fields) + "\n";
  for (const auto& r : records) body += flowlog::render(r.fields, fields) + "\n";
  const auto* options = fl.doc.if_contains("DestinationOptions");
  bool per_hour = options && options->is_object() && options->as_object().contains("PerHourPartition") &&
                  options->as_object().at("PerHourPartition") == true;
  std::string key = file_key(fl, *d, per_hour, call.ctx.now_ms, body);
  if (!bucket_allows_delivery(**bucket, fl, key)) return false;
  s3::DeliveredObject object{d->bucket, key, gzip::compress(body), "text/plain", {}, {}};
  if (auto s = s3::put_delivered_object(call, object); !s) return s.error();
  return true;
}

// One flow log's round, inside its transaction.
Status deliver_one(Call& call, const std::string& account, const std::string& region, const std::string& id) {
  auto found = load(call.tx, account, region, id);
  if (!found) return found.error();
  if (!*found) return Ok{};  // deleted meanwhile
  Resource& fl = **found;
  auto upto = last_record_seq(call.tx);
  if (!upto) return upto.error();
  int64_t after = fl.doc["_DeliveredSeq"].to_number<int64_t>();
  if (*upto <= after) return Ok{};
  Capture capture{fl.account, fl.region, text(fl.doc, "_ResourceType"), text(fl.doc, "ResourceId"), text(fl.doc, "TrafficType")};
  auto records = captured_records(call.tx, capture, after, *upto, kMaxRecordsPerRound);
  if (!records) return records.error();
  bool whole = static_cast<int64_t>(records->size()) < kMaxRecordsPerRound;
  fl.doc["_DeliveredSeq"] = whole ? *upto : records->back().seq;
  if (!records->empty()) {
    auto fields = flowlog::parse_format(text(fl.doc, "LogFormat"));
    if (!fields) return fields.error();
    auto delivered = text(fl.doc, "LogDestinationType") == "s3" ? deliver_to_bucket(call, fl, *fields, *records)
                                                                 : deliver_to_log_group(call, fl, *fields, *records);
    if (!delivered) return delivered.error();
    fl.doc["DeliverLogsStatus"] = *delivered ? "SUCCESS" : "FAILED";
    if (*delivered) fl.doc.erase("DeliverLogsErrorMessage");
    else fl.doc["DeliverLogsErrorMessage"] = kAccessError;
  }
  return save(call.tx, fl);
}

// Removes the records that every flow log has passed (all of them when there is no flow log).
Status drop_delivered_records(store::Tx& tx) {
  auto upto = last_record_seq(tx);
  if (!upto) return upto.error();
  int64_t through = *upto;
  auto rows = tx.query("SELECT doc FROM ec2_resources WHERE kind = 'vpc-flow-log'", {});
  if (!rows) return rows.error();
  for (auto& row : *rows) {
    boost::system::error_code ec;
    auto doc = json::parse(row.str(0), ec);
    if (!ec && doc.is_object())
      if (const auto* seq = doc.as_object().if_contains("_DeliveredSeq"); seq && seq->is_int64())
        through = std::min(through, seq->as_int64());
  }
  return drop_records_through(tx, through);
}

}  // namespace

void deliver_flow_logs(const Env& env, int64_t now_ms) {
  struct Listed {
    std::string id, account, region;
  };
  std::vector<Listed> flow_logs;
  auto listed = env.store->read([&](store::Tx& tx) -> Status {
    auto rows = tx.query("SELECT resource_id, account_id, region FROM ec2_resources WHERE kind = 'vpc-flow-log' ORDER BY resource_id", {});
    if (!rows) return rows.error();
    for (const auto& r : *rows) flow_logs.push_back({r.str(0), r.str(1), r.str(2)});
    return Ok{};
  });
  if (!listed) {
    std::cerr << "citadel: flow log delivery: " << listed.error().message << std::endl;
    return;
  }
  RequestContext ctx;
  ctx.now_ms = now_ms;
  json::object no_input;
  for (const auto& f : flow_logs) {
    std::vector<std::function<void()>> after_commit;
    auto s = env.store->write([&](store::Tx& tx) -> Status {
      Call call{ctx, no_input, tx, env, {}};
      auto r = deliver_one(call, f.account, f.region, f.id);
      if (r) after_commit = std::move(call.after_commit);
      return r;
    });
    if (!s) std::cerr << "citadel: flow log delivery for " << f.id << ": " << s.error().message << std::endl;
    for (auto& fn : after_commit) fn();
  }
  if (auto s = env.store->write([](store::Tx& tx) { return drop_delivered_records(tx); }); !s)
    std::cerr << "citadel: flow log records: " << s.error().message << std::endl;
}

}  // namespace citadel::services::ec2
