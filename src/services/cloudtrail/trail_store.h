#pragma once
// Trails as stored: one row per trail, keyed by its ARN, with where it delivers, what it selects
// and how far delivery and digests have come.
#include <optional>
#include <string>
#include <vector>

#include "services/service.h"

namespace citadel::services::cloudtrail {

struct TrailRow {
  std::string arn, account_id, name, home_region;
  std::string s3_bucket, s3_prefix, kms_key_id;
  std::string cw_log_group_arn, cw_role_arn;  // CloudWatch Logs delivery ("" = none)
  bool include_global = true, multi_region = false, organization = false, log_validation = false;
  // {"EventSelectors": [...]} or {"AdvancedEventSelectors": [...]}, as the trail was given them.
  std::string selectors_json;
  std::string insight_selectors_json;  // [] when none
  bool custom_selectors = false;
  bool logging = false;
  int64_t start_logging_ms = 0, stop_logging_ms = 0;  // 0: never
  int64_t delivered_seq = 0;  // the event seq (event_index.h) up to which events were delivered or passed over
  int64_t created_ms = 0;
};

std::vector<store::Migration> trail_migrations();

std::string trail_arn(const std::string& region, const std::string& account, const std::string& name);

// A trail named by name or ARN, as the caller's account sees it, or TrailNotFoundException (with
// InvalidTrailNameException / CloudTrailARNInvalidException for malformed names).
Result<TrailRow> load_trail(store::Tx& tx, const std::string& account, const std::string& region, const std::string& name_or_arn);
// The management account of the organization `account` is a member of ("" for none, or when it
// is the management account itself): its organization trails are visible to `account`.
Result<std::string> organization_management(store::Tx& tx, const std::string& account);
// Trails CloudTrail serves in `region` for `account`: those whose home is there and multi-region
// ones, its own and its organization's.
Result<std::vector<TrailRow>> trails_in_region(store::Tx& tx, const std::string& account, const std::string& region);
// Every trail, for delivery.
Result<std::vector<TrailRow>> all_trails(store::Tx& tx);

// The ARN an authorization declaration names for a Name/TrailName member ("*" style fallbacks
// are not used: a malformed name still gets its own ARN, and the handler refuses it).
std::string trail_arn_for(const RequestContext& ctx, const std::string& name_or_arn);

// CloudTrail's trail name rules: 3-128 of letters, digits, '.', '_' and '-', starting and ending
// with a letter or digit, no adjacent punctuation, not an IP address.
Status check_trail_name(const std::string& name);

AwsError trail_not_found(const std::string& account, const std::string& region, const std::string& name);

// The trail's tags as CloudTrail's TagsList.
Result<json::array> trail_tags(store::Tx& tx, const std::string& arn);

// Where the trail's files of `account` live: "PREFIX/AWSLogs/ACCOUNT/" or, for organization
// trails, "PREFIX/AWSLogs/ORG_ID/ACCOUNT/".
Result<std::string> trail_log_root(store::Tx& tx, const TrailRow& trail, const std::string& account);

}  // namespace citadel::services::cloudtrail
