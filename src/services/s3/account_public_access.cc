#include "services/s3/account_public_access.h"

#include "services/s3/s3_common.h"

namespace citadel::services::s3 {

namespace {

// S3 Control names the account in the request; a caller may only read and change its own.
Status own_account(const Call& call) {
  if (call.str("AccountId") != call.account()) return AwsError::sender("AccessDenied", "Access Denied", 403);
  return Ok{};
}

Result<json::value> put_account_block(Call& call) {
  if (auto s = own_account(call); !s) return s.error();
  const auto* conf = call.input.if_contains("PublicAccessBlockConfiguration");
  auto flag = [&](const char* name) {
    const auto* v = conf && conf->is_object() ? conf->as_object().if_contains(name) : nullptr;
    return int64_t{v && v->is_bool() && v->as_bool()};
  };
  auto w = call.tx.exec(
      "INSERT INTO s3control_public_access_blocks (account_id, block_public_acls, ignore_public_acls, block_public_policy, "
      "restrict_public_buckets) VALUES (?, ?, ?, ?, ?) ON CONFLICT (account_id) DO UPDATE SET "
      "block_public_acls = excluded.block_public_acls, ignore_public_acls = excluded.ignore_public_acls, "
      "block_public_policy = excluded.block_public_policy, restrict_public_buckets = excluded.restrict_public_buckets",
      {call.account(), flag("BlockPublicAcls"), flag("IgnorePublicAcls"), flag("BlockPublicPolicy"), flag("RestrictPublicBuckets")});
  if (!w) return w.error();
  return json::object{};
}

Result<json::value> get_account_block(Call& call) {
  if (auto s = own_account(call); !s) return s.error();
  auto pab = load_account_public_access_block(call.tx, call.account());
  if (!pab) return pab.error();
  if (!pab->exists)
    return AwsError::sender("NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found", 404);
  return json::object{{"PublicAccessBlockConfiguration", json::object{{"BlockPublicAcls", pab->block_public_acls},
                                                                      {"IgnorePublicAcls", pab->ignore_public_acls},
                                                                      {"BlockPublicPolicy", pab->block_public_policy},
                                                                      {"RestrictPublicBuckets", pab->restrict_public_buckets}}}};
}

Result<json::value> delete_account_block(Call& call) {
  if (auto s = own_account(call); !s) return s.error();
  auto d = call.tx.exec("DELETE FROM s3control_public_access_blocks WHERE account_id = ?", {call.account()});
  if (!d) return d.error();
  return json::object{};
}

OperationDef account_operation(const char* name, const char* action, bool read_only, Handler h) {
  return OperationDef{name, read_only, false,
                      [action](const RequestContext&, const json::object&, store::Tx&) { return AuthzRequest{action, {"*"}, {}}; },
                      std::move(h)};
}

PublicAccessBlock from_row(const store::Row& r) {
  return PublicAccessBlock{true, r.i64(0) != 0, r.i64(1) != 0, r.i64(2) != 0, r.i64(3) != 0};
}

}  // namespace

std::vector<OperationDef> S3ControlService::operations() const {
  // Deleting is allowed by s3:PutAccountPublicAccessBlock, as in AWS.
  return {account_operation("PutPublicAccessBlock", "s3:PutAccountPublicAccessBlock", false, put_account_block),
          account_operation("GetPublicAccessBlock", "s3:GetAccountPublicAccessBlock", true, get_account_block),
          account_operation("DeletePublicAccessBlock", "s3:PutAccountPublicAccessBlock", false, delete_account_block)};
}

std::vector<store::Migration> S3ControlService::migrations() const {
  return {{"s3control/001_public_access", R"sql(
-- Block Public Access, per account (no row: nothing blocked at the account's level).
CREATE TABLE s3control_public_access_blocks (
  account_id              TEXT PRIMARY KEY REFERENCES accounts(account_id),
  block_public_acls       INTEGER NOT NULL,
  ignore_public_acls      INTEGER NOT NULL,
  block_public_policy     INTEGER NOT NULL,
  restrict_public_buckets INTEGER NOT NULL
);
)sql"}};
}

Result<PublicAccessBlock> load_account_public_access_block(store::Tx& tx, const std::string& account) {
  auto rows = tx.query("SELECT block_public_acls, ignore_public_acls, block_public_policy, restrict_public_buckets "
                       "FROM s3control_public_access_blocks WHERE account_id = ?",
                       {account});
  if (!rows) return rows.error();
  if (rows->empty()) return PublicAccessBlock{};
  return from_row(rows->front());
}

Result<PublicAccessBlock> effective_public_access_block(store::Tx& tx, const std::string& bucket) {
  auto rows = tx.query(
      "SELECT MAX(block_public_acls), MAX(ignore_public_acls), MAX(block_public_policy), MAX(restrict_public_buckets) FROM ("
      "SELECT block_public_acls, ignore_public_acls, block_public_policy, restrict_public_buckets FROM s3_public_access_blocks "
      "WHERE bucket = ? UNION ALL SELECT a.block_public_acls, a.ignore_public_acls, a.block_public_policy, a.restrict_public_buckets "
      "FROM s3control_public_access_blocks a JOIN s3_buckets b ON b.account_id = a.account_id WHERE b.name = ?)",
      {bucket, bucket});
  if (!rows) return rows.error();
  if (rows->empty() || rows->front().is_null(0)) return PublicAccessBlock{};
  return from_row(rows->front());
}

}  // namespace citadel::services::s3
