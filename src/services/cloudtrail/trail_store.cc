#include "services/cloudtrail/trail_store.h"

#include <algorithm>
#include <cctype>

#include "services/organizations/org_common.h"

namespace citadel::services::cloudtrail {

std::vector<store::Migration> trail_migrations() {
  return {{"cloudtrail/004_trails", R"sql(
CREATE TABLE cloudtrail_trails (
  arn                 TEXT PRIMARY KEY,
  account_id          TEXT NOT NULL,
  name                TEXT NOT NULL,
  home_region         TEXT NOT NULL,
  s3_bucket           TEXT NOT NULL,
  s3_prefix           TEXT NOT NULL,
  kms_key_id          TEXT NOT NULL,
  include_global      INTEGER NOT NULL,
  multi_region        INTEGER NOT NULL,
  organization        INTEGER NOT NULL,
  log_validation      INTEGER NOT NULL,
  selectors           TEXT NOT NULL,
  custom_selectors    INTEGER NOT NULL,
  insight_selectors   TEXT NOT NULL,
  logging             INTEGER NOT NULL,
  start_logging_ms    INTEGER NOT NULL,
  stop_logging_ms     INTEGER NOT NULL,
  delivered_seq       INTEGER NOT NULL,
  created_ms          INTEGER NOT NULL,
  -- delivery status (GetTrailStatus)
  delivery_ms         INTEGER NOT NULL DEFAULT 0,
  delivery_attempt_ms INTEGER NOT NULL DEFAULT 0,
  delivery_error      TEXT NOT NULL DEFAULT '',
  digest_ms           INTEGER NOT NULL DEFAULT 0,
  digest_error        TEXT NOT NULL DEFAULT '',
  UNIQUE (account_id, name)
);
CREATE TABLE cloudtrail_trail_tags (
  arn       TEXT NOT NULL REFERENCES cloudtrail_trails(arn) ON DELETE CASCADE,
  tag_key   TEXT NOT NULL,
  tag_value TEXT NOT NULL,
  PRIMARY KEY (arn, tag_key)
);
-- Every log file a trail delivered, until a digest has listed it.
CREATE TABLE cloudtrail_log_files (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  trail_arn    TEXT NOT NULL REFERENCES cloudtrail_trails(arn) ON DELETE CASCADE,
  account_id   TEXT NOT NULL,
  region       TEXT NOT NULL,
  bucket       TEXT NOT NULL,
  object_key   TEXT NOT NULL,
  sha256_hex   TEXT NOT NULL,
  oldest_ms    INTEGER NOT NULL,
  newest_ms    INTEGER NOT NULL,
  delivered_ms INTEGER NOT NULL
);
CREATE INDEX cloudtrail_log_files_by_chain ON cloudtrail_log_files(trail_arn, account_id, region, seq);
-- One digest chain per trail, account and region: where the last digest file is, so the next
-- links to it.
CREATE TABLE cloudtrail_digest_chains (
  trail_arn      TEXT NOT NULL REFERENCES cloudtrail_trails(arn) ON DELETE CASCADE,
  account_id     TEXT NOT NULL,
  region         TEXT NOT NULL,
  start_ms       INTEGER NOT NULL,
  last_bucket    TEXT,
  last_key       TEXT,
  last_hash      TEXT,
  last_signature TEXT,
  PRIMARY KEY (trail_arn, account_id, region)
);
-- The per-region RSA key pairs that sign digests (ListPublicKeys).
CREATE TABLE cloudtrail_signing_keys (
  fingerprint    TEXT PRIMARY KEY,
  region         TEXT NOT NULL,
  public_pkcs1   TEXT NOT NULL,
  private_sealed TEXT NOT NULL,
  valid_from_ms  INTEGER NOT NULL,
  valid_to_ms    INTEGER NOT NULL
);
CREATE INDEX cloudtrail_signing_keys_by_region ON cloudtrail_signing_keys(region, valid_to_ms);
)sql"},
          {"cloudtrail/007_cloudwatch_logs", R"sql(
ALTER TABLE cloudtrail_trails ADD COLUMN cw_log_group_arn TEXT NOT NULL DEFAULT '';
ALTER TABLE cloudtrail_trails ADD COLUMN cw_role_arn TEXT NOT NULL DEFAULT '';
ALTER TABLE cloudtrail_trails ADD COLUMN cw_delivery_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cloudtrail_trails ADD COLUMN cw_delivery_error TEXT NOT NULL DEFAULT '';
)sql"}};
}

std::string trail_arn(const std::string& region, const std::string& account, const std::string& name) {
  return "arn:aws:cloudtrail:" + region + ":" + account + ":trail/" + name;
}

namespace {

constexpr const char* kTrailColumns =
    "arn, account_id, name, home_region, s3_bucket, s3_prefix, kms_key_id, include_global, multi_region, organization, "
    "log_validation, selectors, custom_selectors, insight_selectors, logging, start_logging_ms, stop_logging_ms, "
    "delivered_seq, created_ms, cw_log_group_arn, cw_role_arn";

TrailRow trail_from_row(const store::Row& r) {
  TrailRow t;
  t.arn = r.str(0);
  t.account_id = r.str(1);
  t.name = r.str(2);
  t.home_region = r.str(3);
  t.s3_bucket = r.str(4);
  t.s3_prefix = r.str(5);
  t.kms_key_id = r.str(6);
  t.include_global = r.i64(7);
  t.multi_region = r.i64(8);
  t.organization = r.i64(9);
  t.log_validation = r.i64(10);
  t.selectors_json = r.str(11);
  t.custom_selectors = r.i64(12);
  t.insight_selectors_json = r.str(13);
  t.logging = r.i64(14);
  t.start_logging_ms = r.i64(15);
  t.stop_logging_ms = r.i64(16);
  t.delivered_seq = r.i64(17);
  t.created_ms = r.i64(18);
  t.cw_log_group_arn = r.str(19);
  t.cw_role_arn = r.str(20);
  return t;
}

Result<std::vector<TrailRow>> select_trails(store::Tx& tx, const std::string& where, const std::vector<store::Value>& params) {
  auto rows = tx.query_v(std::string("SELECT ") + kTrailColumns + " FROM cloudtrail_trails " + where, params);
  if (!rows) return rows.error();
  std::vector<TrailRow> out;
  for (const auto& r : *rows) out.push_back(trail_from_row(r));
  return out;
}

bool is_alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

// "arn:aws:cloudtrail:REGION:ACCOUNT:trail/NAME" split into its parts; false when it is not one.
bool split_trail_arn(const std::string& arn, std::string* region, std::string* account, std::string* name) {
  const std::string prefix = "arn:aws:cloudtrail:";
  if (arn.rfind(prefix, 0) != 0) return false;
  size_t r_end = arn.find(':', prefix.size());
  if (r_end == std::string::npos) return false;
  size_t a_end = arn.find(':', r_end + 1);
  if (a_end == std::string::npos || arn.compare(a_end + 1, 6, "trail/") != 0) return false;
  *region = arn.substr(prefix.size(), r_end - prefix.size());
  *account = arn.substr(r_end + 1, a_end - r_end - 1);
  *name = arn.substr(a_end + 7);
  return account->size() == 12 && !name->empty();
}

}  // namespace

Status check_trail_name(const std::string& name) {
  auto invalid = [&](const std::string& why) {
    return AwsError::sender("InvalidTrailNameException", "Trail name " + why, 400);
  };
  if (name.size() < 3 || name.size() > 128) return invalid("must be between 3 and 128 characters long.");
  if (!is_alnum(name.front()) || !is_alnum(name.back())) return invalid("must start and end with a letter or number.");
  bool digits_and_dots = true;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (!is_alnum(c) && c != '.' && c != '_' && c != '-')
      return invalid("can only contain letters, numbers, periods, underscores and dashes.");
    if (!is_alnum(c) && i > 0 && !is_alnum(name[i - 1]))
      return invalid("cannot have adjacent periods, underscores or dashes.");
    if (!std::isdigit(static_cast<unsigned char>(c)) && c != '.') digits_and_dots = false;
  }
  if (digits_and_dots && std::count(name.begin(), name.end(), '.') == 3) return invalid("cannot be formatted as an IP address.");
  return Ok{};
}

AwsError trail_not_found(const std::string& account, const std::string& region, const std::string& name) {
  std::string arn = name.rfind("arn:", 0) == 0 ? name : trail_arn(region, account, name);
  return AwsError::sender("TrailNotFoundException", "Unknown trail: " + arn + " for the user: " + account, 400);
}

std::string trail_arn_for(const RequestContext& ctx, const std::string& name_or_arn) {
  std::string region, account, name;
  if (split_trail_arn(name_or_arn, &region, &account, &name)) return name_or_arn;
  return trail_arn(ctx.region, ctx.principal->account_id, name_or_arn);
}

Result<TrailRow> load_trail(store::Tx& tx, const std::string& account, const std::string& region, const std::string& name_or_arn) {
  std::string arn_region, arn_account, name;
  Result<std::vector<TrailRow>> found = std::vector<TrailRow>{};
  if (name_or_arn.rfind("arn:", 0) == 0) {
    if (!split_trail_arn(name_or_arn, &arn_region, &arn_account, &name))
      return AwsError::sender("CloudTrailARNInvalidException",
                              "Invalid trail ARN: " + name_or_arn + ". The ARN must be in the format arn:aws:cloudtrail:REGION:ACCOUNT:trail/NAME.", 400);
    found = select_trails(tx, "WHERE arn = ?", {name_or_arn});
  } else {
    if (auto s = check_trail_name(name_or_arn); !s) return s.error();
    name = name_or_arn;
    found = select_trails(tx, "WHERE account_id = ? AND name = ?", {account, name_or_arn});
  }
  if (!found) return found.error();
  auto management = organization_management(tx, account);
  if (!management) return management.error();
  for (auto& t : *found) {
    // Another account's trail is visible only as the organization trail it delivers for; a
    // single-region trail only in its home region.
    if (t.account_id != account && !(t.organization && t.account_id == *management)) continue;
    if (!t.multi_region && t.home_region != region) continue;
    return std::move(t);
  }
  return trail_not_found(account, region, name_or_arn);
}

Result<std::string> organization_management(store::Tx& tx, const std::string& account) {
  auto org = organizations::org_of(tx, account);
  if (!org) return org.error();
  if (!org->has_value() || (*org)->management == account) return std::string();
  return (*org)->management;
}

Result<std::vector<TrailRow>> trails_in_region(store::Tx& tx, const std::string& account, const std::string& region) {
  auto management = organization_management(tx, account);
  if (!management) return management.error();
  return select_trails(tx,
                       "WHERE (account_id = ? OR (organization = 1 AND account_id = ?)) AND (home_region = ? OR multi_region = 1) "
                       "ORDER BY name",
                       {account, *management, region});
}

Result<std::vector<TrailRow>> all_trails(store::Tx& tx) { return select_trails(tx, "ORDER BY arn", {}); }

Result<json::array> trail_tags(store::Tx& tx, const std::string& arn) {
  auto rows = tx.query("SELECT tag_key, tag_value FROM cloudtrail_trail_tags WHERE arn = ? ORDER BY tag_key", {arn});
  if (!rows) return rows.error();
  json::array out;
  for (const auto& r : *rows) out.push_back(json::object{{"Key", r.str(0)}, {"Value", r.str(1)}});
  return out;
}

Result<std::string> trail_log_root(store::Tx& tx, const TrailRow& trail, const std::string& account) {
  std::string root = trail.s3_prefix.empty() ? "AWSLogs/" : trail.s3_prefix + "/AWSLogs/";
  if (trail.organization) {
    auto org = organizations::org_of(tx, trail.account_id);
    if (!org) return org.error();
    if (org->has_value()) root += (*org)->id + "/";
  }
  return root + account + "/";
}

}  // namespace citadel::services::cloudtrail
