// Access keys: CreateAccessKey, ListAccessKeys, UpdateAccessKey, DeleteAccessKey, GetAccessKeyLastUsed.
#include "base/ids.h"
#include "services/iam/iam_common.h"
#include "services/iam/iam_operations.h"

namespace citadel::services::iam {

namespace {

constexpr int64_t kMaxKeysPerUser = 2;

// The key's owner as stored: the lowercase user name, or NULL (monostate) for the root user.
store::Value owner_value(const std::string& user_name) {
  if (user_name.empty()) return std::monostate{};
  return lower(user_name);
}

// Resolves the target user of a key operation; "" means the root user itself.
Result<std::string> resolve_owner(Call& call) {
  std::string name = target_user(call);
  if (name.empty()) return std::string();
  auto u = load_user(call.tx, call.account(), name);
  if (!u) return u.error();
  return u->name;
}

std::string owner_sql(const std::string& owner) {
  return owner.empty() ? "user_name_lc IS NULL" : "user_name_lc = ?";
}

Result<json::value> create_access_key(Call& call) {
  auto owner = resolve_owner(call);
  if (!owner) return owner.error();
  std::vector<store::Value> params{call.account()};
  if (!owner->empty()) params.push_back(lower(*owner));
  auto n = call.tx.query_v("SELECT COUNT(*) FROM access_keys WHERE account_id = ? AND " + owner_sql(*owner), params);
  if (!n) return n.error();
  if (n->front().i64(0) >= kMaxKeysPerUser)
    return AwsError::sender("LimitExceeded", "Cannot exceed quota for AccessKeysPerUser: 2", 409);
  std::string id = ids::unique_id("AKIA", 16);
  std::string secret = ids::secret_access_key();
  auto ins = call.tx.exec("INSERT INTO access_keys (access_key_id, account_id, user_name_lc, secret_sealed, status, created_ms) "
                          "VALUES (?, ?, ?, ?, 'Active', ?)",
                          {id, call.account(), owner_value(*owner), call.env.secrets->seal(secret, id), call.ctx.now_ms});
  if (!ins) return ins.error();
  json::object key{{"AccessKeyId", id}, {"Status", "Active"}, {"SecretAccessKey", secret}, {"CreateDate", call.ctx.now_ms}};
  key["UserName"] = owner->empty() ? call.account() : *owner;
  return json::object{{"AccessKey", std::move(key)}};
}

Result<json::value> list_access_keys(Call& call) {
  auto owner = resolve_owner(call);
  if (!owner) return owner.error();
  std::vector<store::Value> params{call.account()};
  if (!owner->empty()) params.push_back(lower(*owner));
  auto rows = call.tx.query_v("SELECT access_key_id, status, created_ms FROM access_keys WHERE account_id = ? AND " +
                                  owner_sql(*owner) + " ORDER BY created_ms, access_key_id",
                              params);
  if (!rows) return rows.error();
  json::array keys;
  for (auto& r : *rows) {
    json::object k{{"AccessKeyId", r.str(0)}, {"Status", r.str(1)}, {"CreateDate", r.i64(2)}};
    if (!owner->empty()) k["UserName"] = *owner;
    keys.push_back(std::move(k));
  }
  return json::object{{"AccessKeyMetadata", std::move(keys)}, {"IsTruncated", false}};
}

// Finds a key that belongs to the target owner; IAM reports any other key as not found.
Status find_key(Call& call, const std::string& owner, const std::string& id) {
  std::vector<store::Value> params{id, call.account()};
  if (!owner.empty()) params.push_back(lower(owner));
  auto rows = call.tx.query_v("SELECT 1 FROM access_keys WHERE access_key_id = ? AND account_id = ? AND " + owner_sql(owner), params);
  if (!rows) return rows.error();
  if (rows->empty())
    return AwsError::sender("NoSuchEntity", "The Access Key with id " + id + " cannot be found.", 404);
  return Ok{};
}

Result<json::value> update_access_key(Call& call) {
  auto owner = resolve_owner(call);
  if (!owner) return owner.error();
  std::string id = call.str("AccessKeyId");
  if (auto s = find_key(call, *owner, id); !s) return s.error();
  auto up = call.tx.exec("UPDATE access_keys SET status = ? WHERE access_key_id = ?", {call.str("Status"), id});
  if (!up) return up.error();
  call.after_commit.push_back([creds = call.env.credentials, id] { creds->invalidate(id); });
  return json::object{};
}

Result<json::value> delete_access_key(Call& call) {
  auto owner = resolve_owner(call);
  if (!owner) return owner.error();
  std::string id = call.str("AccessKeyId");
  if (auto s = find_key(call, *owner, id); !s) return s.error();
  auto del = call.tx.exec("DELETE FROM access_keys WHERE access_key_id = ?", {id});
  if (!del) return del.error();
  call.after_commit.push_back([creds = call.env.credentials, id] { creds->invalidate(id); });
  return json::object{};
}

Result<json::value> get_access_key_last_used(Call& call) {
  std::string id = call.str("AccessKeyId");
  auto rows = call.tx.query(
      "SELECT k.user_name_lc, u.user_name, k.last_used_ms, k.last_used_service, k.last_used_region FROM access_keys k "
      "LEFT JOIN iam_users u ON u.account_id = k.account_id AND u.name_lc = k.user_name_lc "
      "WHERE k.access_key_id = ? AND k.account_id = ?",
      {id, call.account()});
  if (!rows) return rows.error();
  if (rows->empty())
    return AwsError::sender("NoSuchEntity", "The Access Key with id " + id + " cannot be found.", 404);
  const auto& r = rows->front();
  json::object used{{"ServiceName", r.is_null(3) ? "N/A" : r.str(3)}, {"Region", r.is_null(4) ? "N/A" : r.str(4)}};
  if (!r.is_null(2)) used["LastUsedDate"] = r.i64(2);
  return json::object{{"UserName", r.is_null(0) ? call.account() : r.str(1)}, {"AccessKeyLastUsed", std::move(used)}};
}

AuthzRequest on_key_owner(const char* action, const RequestContext& ctx, const json::object& in, store::Tx& tx) {
  return {std::string("iam:") + action, {target_user_arn(ctx, in, tx)}, {}};
}

}  // namespace

void add_access_key_operations(std::vector<OperationDef>& ops) {
  auto def = [&](const char* name, bool ro, Handler h) {
    ops.push_back(OperationDef{name, ro, false,
                               [name](const RequestContext& c, const json::object& i, store::Tx& tx) { return on_key_owner(name, c, i, tx); },
                               std::move(h)});
  };
  def("CreateAccessKey", false, create_access_key);
  def("ListAccessKeys", true, list_access_keys);
  def("UpdateAccessKey", false, update_access_key);
  def("DeleteAccessKey", false, delete_access_key);
  ops.push_back(OperationDef{"GetAccessKeyLastUsed", true, false,
                             [](const RequestContext& c, const json::object& i, store::Tx& tx) {
                               // IAM authorizes this on the key owner's user ARN; resolve it from the key.
                               std::string id = i.contains("AccessKeyId") ? std::string(i.at("AccessKeyId").as_string()) : "";
                               auto rows = tx.query("SELECT u.path, u.user_name FROM access_keys k JOIN iam_users u ON u.account_id = k.account_id "
                                                    "AND u.name_lc = k.user_name_lc WHERE k.access_key_id = ? AND k.account_id = ?",
                                                    {id, c.principal->account_id});
                               std::string arn = rows && !rows->empty() ? user_arn(c.principal->account_id, rows->front().str(0), rows->front().str(1))
                                                                        : "arn:aws:iam::" + c.principal->account_id + ":root";
                               return AuthzRequest{"iam:GetAccessKeyLastUsed", {arn}, {}};
                             },
                             get_access_key_last_used});
}

}  // namespace citadel::services::iam
