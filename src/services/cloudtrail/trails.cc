// CloudTrail trails: create, read, update, delete, start and stop logging, status, tags.
#include <algorithm>

#include "base/time.h"
#include "services/cloudtrail/cloudtrail_operations.h"
#include "services/cloudtrail/delivery_permissions.h"
#include "services/cloudtrail/event_index.h"
#include "services/cloudtrail/event_selectors.h"
#include "services/cloudtrail/trail_store.h"
#include "services/organizations/org_common.h"

namespace citadel::services::cloudtrail {

namespace {

constexpr size_t kMaxTrailsPerRegion = 5;
constexpr size_t kMaxS3PrefixLength = 200;
constexpr size_t kMaxTags = 50;

json::object trail_json(const TrailRow& t) {
  json::object o{{"Name", t.name},
                 {"S3BucketName", t.s3_bucket},
                 {"IncludeGlobalServiceEvents", t.include_global},
                 {"IsMultiRegionTrail", t.multi_region},
                 {"HomeRegion", t.home_region},
                 {"TrailARN", t.arn},
                 {"LogFileValidationEnabled", t.log_validation},
                 {"HasCustomEventSelectors", t.custom_selectors},
                 {"HasInsightSelectors", t.insight_selectors_json != "[]"},
                 {"IsOrganizationTrail", t.organization}};
  if (!t.s3_prefix.empty()) o["S3KeyPrefix"] = t.s3_prefix;
  if (!t.kms_key_id.empty()) o["KmsKeyId"] = t.kms_key_id;
  if (!t.cw_log_group_arn.empty()) o["CloudWatchLogsLogGroupArn"] = t.cw_log_group_arn;
  if (!t.cw_role_arn.empty()) o["CloudWatchLogsRoleArn"] = t.cw_role_arn;
  return o;
}

// What CreateTrail and UpdateTrail answer: the trail without HomeRegion and the selector flags.
json::object trail_write_output(const TrailRow& t) {
  json::object o = trail_json(t);
  o.erase("HomeRegion");
  o.erase("HasCustomEventSelectors");
  o.erase("HasInsightSelectors");
  return o;
}

// Features of a trail that need services Citadel does not have yet.
Status refuse_unbuilt(const Call& call) {
  if (call.has("SnsTopicName")) return AwsError::not_implemented("cloudtrail: SNS notifications (SnsTopicName)");
  return Ok{};
}

// The organization a trail logs for, checked the way CloudTrail does: only the management account
// of an organization with all features can create one.
Result<std::string> organization_for_trail(Call& call) {
  auto org = organizations::org_of(call.tx, call.account());
  if (!org) return org.error();
  if (!org->has_value())
    return AwsError::sender("OrganizationsNotInUseException",
                            "This account is not a member of an organization.", 400);
  if ((*org)->management != call.account())
    return AwsError::sender("NotOrganizationMasterAccountException",
                            "The request must be made from the management account of an organization.", 400);
  if ((*org)->feature_set != "ALL")
    return AwsError::sender("OrganizationNotInAllFeaturesModeException",
                            "This operation requires that all features are enabled in the organization.", 400);
  return (*org)->id;
}

Status check_bucket_for(Call& call, const TrailRow& t) {
  if (t.organization)
    if (auto org = organization_for_trail(call); !org) return org.error();
  auto root = trail_log_root(call.tx, t, t.account_id);
  if (!root) return root.error();
  return check_delivery_bucket(call.tx, DeliveryTarget{t.s3_bucket, *root, t.arn, t.account_id});
}

// CloudWatchLogsLogGroupArn / CloudWatchLogsRoleArn of a CreateTrail or UpdateTrail ("" removes).
Status apply_log_group(Call& call, TrailRow& t) {
  if (!call.has("CloudWatchLogsLogGroupArn") && !call.has("CloudWatchLogsRoleArn")) return Ok{};
  if (call.has("CloudWatchLogsLogGroupArn")) t.cw_log_group_arn = call.str("CloudWatchLogsLogGroupArn");
  if (call.has("CloudWatchLogsRoleArn")) t.cw_role_arn = call.str("CloudWatchLogsRoleArn");
  if (t.cw_log_group_arn.empty()) {
    if (!t.cw_role_arn.empty() && call.has("CloudWatchLogsRoleArn") && !call.has("CloudWatchLogsLogGroupArn"))
      return AwsError::sender("InvalidCloudWatchLogsLogGroupArnException", "You must specify a log group ARN with a role ARN.", 400);
    t.cw_role_arn.clear();
    return Ok{};
  }
  auto checked = check_trail_log_group(call.tx, t.account_id, t.cw_log_group_arn, t.cw_role_arn);
  return checked ? Status(Ok{}) : Status(checked.error());
}

Status check_prefix(const Call& call) {
  if (call.str("S3KeyPrefix").size() > kMaxS3PrefixLength)
    return AwsError::sender("InvalidS3PrefixException", "S3 key prefix must be at most 200 characters long.", 400);
  return Ok{};
}

bool flag(const Call& call, std::string_view member, bool fallback) {
  const auto* v = call.input.if_contains(member);
  return v && v->is_bool() ? v->as_bool() : fallback;
}

Status check_region_flags(const TrailRow& t) {
  if (t.multi_region && !t.include_global)
    return AwsError::sender("InvalidParameterCombinationException",
                            "Multi-Region trail must include global service events.", 400);
  return Ok{};
}

Status save_tags(store::Tx& tx, const std::string& arn, const json::array& tags) {
  for (const auto& v : tags) {
    const auto& t = v.as_object();
    std::string value = t.contains("Value") ? std::string(t.at("Value").as_string()) : std::string();
    auto w = tx.exec("INSERT INTO cloudtrail_trail_tags (arn, tag_key, tag_value) VALUES (?, ?, ?) "
                     "ON CONFLICT (arn, tag_key) DO UPDATE SET tag_value = excluded.tag_value",
                     {arn, std::string(t.at("Key").as_string()), value});
    if (!w) return w.error();
  }
  auto n = tx.query("SELECT COUNT(*) FROM cloudtrail_trail_tags WHERE arn = ?", {arn});
  if (!n) return n.error();
  if (static_cast<size_t>(n->front().i64(0)) > kMaxTags)
    return AwsError::sender("TagsLimitExceededException", "The number of tags per trail has exceeded the permitted amount. Currently, the limit is 50.", 400);
  return Ok{};
}

Result<json::value> create_trail(Call& call) {
  std::string name = call.str("Name");
  if (auto s = check_trail_name(name); !s) return s.error();
  if (auto s = refuse_unbuilt(call); !s) return s.error();
  if (auto s = check_prefix(call); !s) return s.error();
  auto existing = call.tx.query("SELECT 1 FROM cloudtrail_trails WHERE account_id = ? AND name = ?", {call.account(), name});
  if (!existing) return existing.error();
  if (!existing->empty())
    return AwsError::sender("TrailAlreadyExistsException", "Trail " + name + " already exists for customer: " + call.account(), 400);
  auto in_region = trails_in_region(call.tx, call.account(), call.ctx.region);
  if (!in_region) return in_region.error();
  if (std::count_if(in_region->begin(), in_region->end(), [&](const TrailRow& r) { return r.account_id == call.account(); }) >=
      static_cast<std::ptrdiff_t>(kMaxTrailsPerRegion))
    return AwsError::sender("MaximumNumberOfTrailsExceededException", "User: " + call.account() + " already has 5 trails in " + call.ctx.region + ".", 400);

  TrailRow t;
  t.name = name;
  t.account_id = call.account();
  t.home_region = call.ctx.region;
  t.arn = trail_arn(t.home_region, t.account_id, name);
  t.s3_bucket = call.str("S3BucketName");
  t.s3_prefix = call.str("S3KeyPrefix");
  t.include_global = flag(call, "IncludeGlobalServiceEvents", true);
  t.multi_region = flag(call, "IsMultiRegionTrail", false);
  t.organization = flag(call, "IsOrganizationTrail", false);
  t.log_validation = flag(call, "EnableLogFileValidation", false);
  if (auto s = check_region_flags(t); !s) return s.error();
  if (auto s = check_bucket_for(call, t); !s) return s.error();
  if (call.has("KmsKeyId") && !call.str("KmsKeyId").empty()) {
    auto key = check_trail_kms_key(call.tx, t.account_id, t.home_region, t.arn, call.str("KmsKeyId"), call.ctx.now_ms);
    if (!key) return key.error();
    t.kms_key_id = *key;
  }
  if (auto s = apply_log_group(call, t); !s) return s.error();
  auto seq = newest_event_seq(call.tx);
  if (!seq) return seq.error();
  auto w = call.tx.exec(
      "INSERT INTO cloudtrail_trails (arn, account_id, name, home_region, s3_bucket, s3_prefix, kms_key_id, include_global, "
      "multi_region, organization, log_validation, selectors, custom_selectors, insight_selectors, logging, start_logging_ms, "
      "stop_logging_ms, delivered_seq, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, '[]', 0, 0, 0, ?, ?)",
      {t.arn, t.account_id, t.name, t.home_region, t.s3_bucket, t.s3_prefix, t.kms_key_id, int64_t{t.include_global}, int64_t{t.multi_region},
       int64_t{t.organization}, int64_t{t.log_validation}, default_selectors_json(), *seq, call.ctx.now_ms});
  if (!w) return w.error();
  auto cw = call.tx.exec("UPDATE cloudtrail_trails SET cw_log_group_arn = ?, cw_role_arn = ? WHERE arn = ?",
                         {t.cw_log_group_arn, t.cw_role_arn, t.arn});
  if (!cw) return cw.error();
  if (const auto* tags = call.input.if_contains("TagsList"); tags && tags->is_array())
    if (auto s = save_tags(call.tx, t.arn, tags->as_array()); !s) return s.error();
  return trail_write_output(t);
}

// UpdateTrail and the other calls that change a trail act in its home region only.
Result<TrailRow> load_trail_at_home(Call& call, const std::string& member) {
  auto t = load_trail(call.tx, call.account(), call.ctx.region, call.str(member));
  if (!t) return t.error();
  if (t->account_id != call.account())
    return AwsError::sender("OperationNotPermittedException",
                            "Member accounts of an organization cannot change the organization's trail.", 400);
  if (t->home_region != call.ctx.region)
    return AwsError::sender("InvalidHomeRegionException",
                            "This operation must be called from the trail's home region, " + t->home_region + ".", 400);
  return t;
}

Result<json::value> update_trail(Call& call) {
  auto t = load_trail_at_home(call, "Name");
  if (!t) return t.error();
  if (auto s = refuse_unbuilt(call); !s) return s.error();
  if (auto s = check_prefix(call); !s) return s.error();
  bool bucket_changed = false;
  if (call.has("S3BucketName")) bucket_changed |= t->s3_bucket != call.str("S3BucketName"), t->s3_bucket = call.str("S3BucketName");
  if (call.has("S3KeyPrefix")) bucket_changed |= t->s3_prefix != call.str("S3KeyPrefix"), t->s3_prefix = call.str("S3KeyPrefix");
  t->include_global = flag(call, "IncludeGlobalServiceEvents", t->include_global);
  t->multi_region = flag(call, "IsMultiRegionTrail", t->multi_region);
  bool was_organization = t->organization;
  t->organization = flag(call, "IsOrganizationTrail", t->organization);
  t->log_validation = flag(call, "EnableLogFileValidation", t->log_validation);
  if (auto s = check_region_flags(*t); !s) return s.error();
  if (bucket_changed || t->organization != was_organization)
    if (auto s = check_bucket_for(call, *t); !s) return s.error();
  if (call.has("KmsKeyId")) {
    t->kms_key_id.clear();  // "" turns encryption off
    if (!call.str("KmsKeyId").empty()) {
      auto key = check_trail_kms_key(call.tx, t->account_id, t->home_region, t->arn, call.str("KmsKeyId"), call.ctx.now_ms);
      if (!key) return key.error();
      t->kms_key_id = *key;
    }
  }
  if (auto s = apply_log_group(call, *t); !s) return s.error();
  auto w = call.tx.exec(
      "UPDATE cloudtrail_trails SET s3_bucket = ?, s3_prefix = ?, include_global = ?, multi_region = ?, organization = ?, "
      "log_validation = ?, kms_key_id = ?, cw_log_group_arn = ?, cw_role_arn = ? WHERE arn = ?",
      {t->s3_bucket, t->s3_prefix, int64_t{t->include_global}, int64_t{t->multi_region}, int64_t{t->organization},
       int64_t{t->log_validation}, t->kms_key_id, t->cw_log_group_arn, t->cw_role_arn, t->arn});
  if (!w) return w.error();
  return trail_write_output(*t);
}

Result<json::value> delete_trail(Call& call) {
  auto t = load_trail_at_home(call, "Name");
  if (!t) return t.error();
  auto w = call.tx.exec("DELETE FROM cloudtrail_trails WHERE arn = ?", {t->arn});
  if (!w) return w.error();
  return json::object{};
}

Result<json::value> get_trail(Call& call) {
  auto t = load_trail(call.tx, call.account(), call.ctx.region, call.str("Name"));
  if (!t) return t.error();
  return json::object{{"Trail", trail_json(*t)}};
}

Result<json::value> describe_trails(Call& call) {
  bool shadows = flag(call, "includeShadowTrails", true);
  json::array list;
  if (const auto* names = call.input.if_contains("trailNameList"); names && names->is_array() && !names->as_array().empty()) {
    for (const auto& n : names->as_array()) {
      auto t = load_trail(call.tx, call.account(), call.ctx.region, std::string(n.as_string()));
      if (!t) {
        if (t.error().code == "TrailNotFoundException") continue;  // DescribeTrails leaves unknown names out
        return t.error();
      }
      if (!shadows && t->home_region != call.ctx.region) continue;
      list.push_back(trail_json(*t));
    }
    return json::object{{"trailList", std::move(list)}};
  }
  auto trails = trails_in_region(call.tx, call.account(), call.ctx.region);
  if (!trails) return trails.error();
  for (const auto& t : *trails)
    if (shadows || t.home_region == call.ctx.region) list.push_back(trail_json(t));
  return json::object{{"trailList", std::move(list)}};
}

Result<json::value> list_trails(Call& call) {
  auto trails = trails_in_region(call.tx, call.account(), call.ctx.region);
  if (!trails) return trails.error();
  json::array out;
  for (const auto& t : *trails) out.push_back(json::object{{"TrailARN", t.arn}, {"Name", t.name}, {"HomeRegion", t.home_region}});
  return json::object{{"Trails", std::move(out)}};
}

Result<json::value> set_logging(Call& call, bool on) {
  auto t = load_trail_at_home(call, "Name");
  if (!t) return t.error();
  if (t->logging == on) return json::object{};
  auto w = on ? call.tx.exec("UPDATE cloudtrail_trails SET logging = 1, start_logging_ms = ? WHERE arn = ?", {call.ctx.now_ms, t->arn})
              : call.tx.exec("UPDATE cloudtrail_trails SET logging = 0, stop_logging_ms = ? WHERE arn = ?", {call.ctx.now_ms, t->arn});
  if (!w) return w.error();
  if (on) {
    // The first digest of a new chain starts when logging does.
    auto c = call.tx.exec("UPDATE cloudtrail_digest_chains SET start_ms = ? WHERE trail_arn = ? AND last_key IS NULL",
                          {call.ctx.now_ms, t->arn});
    if (!c) return c.error();
  }
  return json::object{};
}

Result<json::value> get_trail_status(Call& call) {
  auto t = load_trail(call.tx, call.account(), call.ctx.region, call.str("Name"));
  if (!t) return t.error();
  auto rows = call.tx.query(
      "SELECT delivery_ms, delivery_attempt_ms, delivery_error, digest_ms, digest_error, cw_delivery_ms, cw_delivery_error "
      "FROM cloudtrail_trails WHERE arn = ?",
      {t->arn});
  if (!rows) return rows.error();
  const auto& r = rows->front();
  json::object out{{"IsLogging", t->logging}};
  auto iso = [](int64_t ms) { return timeutil::iso8601(ms); };
  if (t->start_logging_ms) out["StartLoggingTime"] = t->start_logging_ms, out["TimeLoggingStarted"] = iso(t->start_logging_ms);
  if (t->stop_logging_ms) out["StopLoggingTime"] = t->stop_logging_ms, out["TimeLoggingStopped"] = iso(t->stop_logging_ms);
  if (r.i64(0)) out["LatestDeliveryTime"] = r.i64(0);
  if (r.i64(1)) {
    out["LatestDeliveryAttemptTime"] = iso(r.i64(1));
    out["LatestDeliveryAttemptSucceeded"] = r.str(2).empty() ? iso(r.i64(1)) : std::string();
  }
  if (!r.str(2).empty()) out["LatestDeliveryError"] = r.str(2);
  if (r.i64(3)) out["LatestDigestDeliveryTime"] = r.i64(3);
  if (!r.str(4).empty()) out["LatestDigestDeliveryError"] = r.str(4);
  if (r.i64(5)) out["LatestCloudWatchLogsDeliveryTime"] = r.i64(5);
  if (!r.str(6).empty()) out["LatestCloudWatchLogsDeliveryError"] = r.str(6);
  return out;
}

Result<json::value> put_event_selectors(Call& call) {
  auto t = load_trail_at_home(call, "TrailName");
  if (!t) return t.error();
  auto selectors = selectors_from_input(call.input);
  if (!selectors) return selectors.error();
  auto w = call.tx.exec("UPDATE cloudtrail_trails SET selectors = ?, custom_selectors = 1 WHERE arn = ?", {*selectors, t->arn});
  if (!w) return w.error();
  json::object out = json::parse(*selectors).as_object();
  out["TrailARN"] = t->arn;
  return out;
}

Result<json::value> get_event_selectors(Call& call) {
  auto t = load_trail(call.tx, call.account(), call.ctx.region, call.str("TrailName"));
  if (!t) return t.error();
  json::object out = json::parse(t->selectors_json).as_object();
  out["TrailARN"] = t->arn;
  return out;
}

Result<json::value> put_insight_selectors(Call& call) {
  if (call.has("EventDataStore") || call.has("InsightsDestination"))
    return AwsError::not_implemented("cloudtrail: event data stores");
  auto t = load_trail_at_home(call, "TrailName");
  if (!t) return t.error();
  json::array selectors;
  for (const auto& v : call.input.at("InsightSelectors").as_array()) {
    std::string type = v.as_object().contains("InsightType") ? std::string(v.as_object().at("InsightType").as_string()) : "";
    if (type != "ApiCallRateInsight" && type != "ApiErrorRateInsight")
      return AwsError::sender("InvalidInsightSelectorsException", "Invalid InsightType: " + type, 400);
    selectors.push_back(json::object{{"InsightType", type}});
  }
  auto w = call.tx.exec("UPDATE cloudtrail_trails SET insight_selectors = ? WHERE arn = ?", {json::serialize(selectors), t->arn});
  if (!w) return w.error();
  return json::object{{"TrailARN", t->arn}, {"InsightSelectors", std::move(selectors)}};
}

Result<json::value> get_insight_selectors(Call& call) {
  if (call.has("EventDataStore")) return AwsError::not_implemented("cloudtrail: event data stores");
  auto t = load_trail(call.tx, call.account(), call.ctx.region, call.str("TrailName"));
  if (!t) return t.error();
  if (t->insight_selectors_json == "[]")
    return AwsError::sender("InsightNotEnabledException", "Trail " + t->name + " does not have Insights enabled.", 400);
  return json::object{{"TrailARN", t->arn}, {"InsightSelectors", json::parse(t->insight_selectors_json)}};
}

Result<json::value> add_tags(Call& call) {
  auto t = load_trail_at_home(call, "ResourceId");
  if (!t) return t.error();
  if (const auto* tags = call.input.if_contains("TagsList"); tags && tags->is_array())
    if (auto s = save_tags(call.tx, t->arn, tags->as_array()); !s) return s.error();
  return json::object{};
}

Result<json::value> remove_tags(Call& call) {
  auto t = load_trail_at_home(call, "ResourceId");
  if (!t) return t.error();
  if (const auto* tags = call.input.if_contains("TagsList"); tags && tags->is_array())
    for (const auto& v : tags->as_array()) {
      auto w = call.tx.exec("DELETE FROM cloudtrail_trail_tags WHERE arn = ? AND tag_key = ?",
                            {t->arn, std::string(v.as_object().at("Key").as_string())});
      if (!w) return w.error();
    }
  return json::object{};
}

Result<json::value> list_tags(Call& call) {
  json::array out;
  for (const auto& id : call.input.at("ResourceIdList").as_array()) {
    auto t = load_trail(call.tx, call.account(), call.ctx.region, std::string(id.as_string()));
    if (!t) return t.error();
    auto tags = trail_tags(call.tx, t->arn);
    if (!tags) return tags.error();
    out.push_back(json::object{{"ResourceId", t->arn}, {"TagsList", std::move(*tags)}});
  }
  return json::object{{"ResourceTagList", std::move(out)}};
}

// An operation on the trail named by `member`, authorized as cloudtrail:<name> on its ARN.
OperationDef trail_op(const char* name, bool read_only, const char* member, Handler handler) {
  return OperationDef{name, read_only, false,
                      [name, member](const RequestContext& ctx, const json::object& in, store::Tx&) {
                        return AuthzRequest{std::string("cloudtrail:") + name, {trail_arn_for(ctx, input_str(in, member))}, {}};
                      },
                      std::move(handler)};
}

OperationDef account_op(const char* name, bool read_only, Handler handler) {
  return OperationDef{name, read_only, false,
                      [name](const RequestContext&, const json::object&, store::Tx&) {
                        return AuthzRequest{std::string("cloudtrail:") + name, {"*"}, {}};
                      },
                      std::move(handler)};
}

}  // namespace

void add_trail_operations(std::vector<OperationDef>& ops) {
  ops.push_back(trail_op("CreateTrail", false, "Name", create_trail));
  ops.back().authz = [](const RequestContext& ctx, const json::object& in, store::Tx&) {
    return AuthzRequest{"cloudtrail:CreateTrail", {trail_arn_for(ctx, input_str(in, "Name"))}, tag_condition_keys(in, "TagsList")};
  };
  ops.push_back(trail_op("UpdateTrail", false, "Name", update_trail));
  ops.push_back(trail_op("DeleteTrail", false, "Name", delete_trail));
  ops.push_back(trail_op("GetTrail", true, "Name", get_trail));
  ops.push_back(account_op("DescribeTrails", true, describe_trails));
  ops.push_back(account_op("ListTrails", true, list_trails));
  ops.push_back(trail_op("GetTrailStatus", true, "Name", get_trail_status));
  ops.push_back(trail_op("StartLogging", false, "Name", [](Call& c) { return set_logging(c, true); }));
  ops.push_back(trail_op("StopLogging", false, "Name", [](Call& c) { return set_logging(c, false); }));
  ops.push_back(trail_op("PutEventSelectors", false, "TrailName", put_event_selectors));
  ops.push_back(trail_op("GetEventSelectors", true, "TrailName", get_event_selectors));
  ops.push_back(trail_op("PutInsightSelectors", false, "TrailName", put_insight_selectors));
  ops.push_back(trail_op("GetInsightSelectors", true, "TrailName", get_insight_selectors));
  ops.push_back(trail_op("AddTags", false, "ResourceId", add_tags));
  ops.back().authz = [](const RequestContext& ctx, const json::object& in, store::Tx&) {
    return AuthzRequest{"cloudtrail:AddTags", {trail_arn_for(ctx, input_str(in, "ResourceId"))}, tag_condition_keys(in, "TagsList")};
  };
  ops.push_back(trail_op("RemoveTags", false, "ResourceId", remove_tags));
  ops.push_back(OperationDef{"ListTags", true, false,
                             [](const RequestContext& ctx, const json::object& in, store::Tx&) {
                               AuthzRequest a{"cloudtrail:ListTags", {}, {}};
                               if (const auto* ids = in.if_contains("ResourceIdList"); ids && ids->is_array())
                                 for (const auto& id : ids->as_array())
                                   if (id.is_string()) a.resources.push_back(trail_arn_for(ctx, std::string(id.as_string())));
                               if (a.resources.empty()) a.resources.push_back("*");
                               return a;
                             },
                             list_tags});
}

}  // namespace citadel::services::cloudtrail
