// Aliases: CreateAlias, UpdateAlias, DeleteAlias, ListAliases. An alias names one key of its
// account and region; "alias/aws/" is reserved for AWS managed keys, which Citadel does not make.
#include <regex>

#include "services/kms/kms_operations.h"

namespace citadel::services::kms {

namespace {

const KeyArg kTarget{"TargetKeyId"};

Status check_alias_name(const std::string& name) {
  static const std::regex pattern("^alias/[a-zA-Z0-9/_-]+$");
  if (!std::regex_match(name, pattern))
    return validation("Alias must start with the prefix \"alias/\". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html");
  if (name.rfind("alias/aws/", 0) == 0)
    return kms_error("NotAuthorizedException", "Cannot create, update or delete alias with prefix 'alias/aws/'.");
  return Ok{};
}

// The target of CreateAlias/UpdateAlias: a key (id or ARN, not an alias) of the caller's account.
Result<KeyRow> target_key(Call& call) {
  std::string id = call.str("TargetKeyId");
  if (id.rfind("alias/", 0) == 0 || id.find(":alias/") != std::string::npos)
    return validation("Aliases must refer to keys. Not aliases");
  auto ref = call_key(call, kTarget);
  if (!ref) return ref.error();
  if (auto s = require_not_pending_deletion(ref->key); !s) return s.error();
  return ref->key;
}

struct AliasRow {
  std::string key_id;
  int64_t created_ms = 0;
};
Result<std::optional<AliasRow>> find_alias(store::Tx& tx, const std::string& account, const std::string& region, const std::string& name) {
  auto rows = tx.query("SELECT key_id, created_ms FROM kms_aliases WHERE account_id = ? AND region = ? AND alias_name = ?",
                       {account, region, name});
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<AliasRow>();
  return std::optional<AliasRow>(AliasRow{rows->front().str(0), rows->front().i64(1)});
}

Result<json::value> create_alias(Call& call) {
  std::string name = call.str("AliasName");
  if (auto s = check_alias_name(name); !s) return s.error();
  auto key = target_key(call);
  if (!key) return key.error();
  auto existing = find_alias(call.tx, call.account(), call.ctx.region, name);
  if (!existing) return existing.error();
  if (*existing)
    return kms_error("AlreadyExistsException",
                     "An alias with the name " + alias_arn(call.ctx.region, call.account(), name) + " already exists");
  auto ins = call.tx.exec("INSERT INTO kms_aliases (account_id, region, alias_name, key_id, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?)",
                          {call.account(), call.ctx.region, name, key->key_id, call.ctx.now_ms, call.ctx.now_ms});
  if (!ins) return ins.error();
  return json::object{};
}

Result<json::value> update_alias(Call& call) {
  std::string name = call.str("AliasName");
  if (auto s = check_alias_name(name); !s) return s.error();
  auto existing = find_alias(call.tx, call.account(), call.ctx.region, name);
  if (!existing) return existing.error();
  if (!*existing) return not_found("Alias " + alias_arn(call.ctx.region, call.account(), name) + " is not found.");
  auto key = target_key(call);
  if (!key) return key.error();
  auto old = key_by_id(call.tx, (*existing)->key_id, call.ctx.now_ms);
  if (!old) return old.error();
  if (*old && ((*old)->key_usage != key->key_usage || ((*old)->key_spec == "SYMMETRIC_DEFAULT") != (key->key_spec == "SYMMETRIC_DEFAULT")))
    return validation("The new target key must have the same key type and key usage as the current target key.");
  auto up = call.tx.exec("UPDATE kms_aliases SET key_id = ?, updated_ms = ? WHERE account_id = ? AND region = ? AND alias_name = ?",
                         {key->key_id, call.ctx.now_ms, call.account(), call.ctx.region, name});
  if (!up) return up.error();
  return json::object{};
}

Result<json::value> delete_alias(Call& call) {
  std::string name = call.str("AliasName");
  if (auto s = check_alias_name(name); !s) return s.error();
  auto del = call.tx.exec("DELETE FROM kms_aliases WHERE account_id = ? AND region = ? AND alias_name = ?",
                          {call.account(), call.ctx.region, name});
  if (!del) return del.error();
  if (*del == 0) return not_found("Alias " + alias_arn(call.ctx.region, call.account(), name) + " is not found.");
  return json::object{};
}

Result<json::value> list_aliases(Call& call) {
  std::string filter;
  if (call.has("KeyId")) {
    auto ref = call_key(call, KeyArg{"KeyId"});
    if (!ref) return ref.error();
    filter = ref->key.key_id;
  }
  auto rows = call.tx.query("SELECT a.alias_name, a.key_id, a.created_ms, a.updated_ms, k.deletion_ms FROM kms_aliases a "
                            "JOIN kms_keys k ON k.key_id = a.key_id WHERE a.account_id = ? AND a.region = ?",
                            {call.account(), call.ctx.region});
  if (!rows) return rows.error();
  std::vector<Item> items;
  for (auto& r : *rows) {
    if (!filter.empty() && r.str(1) != filter) continue;
    if (r.i64(4) && r.i64(4) <= call.ctx.now_ms) continue;
    items.push_back({r.str(0), json::object{{"AliasName", r.str(0)},
                                            {"AliasArn", alias_arn(call.ctx.region, call.account(), r.str(0))},
                                            {"TargetKeyId", r.str(1)},
                                            {"CreationDate", r.i64(2)},
                                            {"LastUpdatedDate", r.i64(3)}}});
  }
  auto out = page(call, std::move(items), "Aliases");
  if (!out) return out.error();
  return std::move(*out);
}

// kms:<Op> on the alias (for IAM policies) as well as on the key (whose key policy decides).
void on_alias_too(AuthzRequest& req, const RequestContext& ctx, const json::object& input, store::Tx&) {
  std::string name = input_str(input, "AliasName");
  if (name.rfind("alias/", 0) == 0) req.resources.insert(req.resources.begin(), alias_arn(ctx.region, ctx.principal->account_id, name));
}

// The key an alias names now (DeleteAlias, UpdateAlias), as its KeyId.
json::object with_alias_key(const RequestContext& ctx, const json::object& input, store::Tx& tx) {
  json::object named = input;
  auto found = find_alias(tx, ctx.principal->account_id, ctx.region, input_str(input, "AliasName"));
  if (found && *found) named["KeyId"] = (*found)->key_id;
  return named;
}

}  // namespace

void add_alias_operations(std::vector<OperationDef>& ops) {
  ops.push_back(kms_op("CreateAlias", false, kTarget, create_alias, on_alias_too));
  ops.push_back(kms_op("UpdateAlias", false, kTarget, update_alias,
                       [](AuthzRequest& req, const RequestContext& ctx, const json::object& input, store::Tx& tx) {
                         on_alias_too(req, ctx, input, tx);
                         // The key the alias leaves must allow it too.
                         auto old = key_authz(ctx, with_alias_key(ctx, input, tx), tx, "kms:UpdateAlias", KeyArg{"KeyId"});
                         if (old.has_resource_policy) req.also.push_back(std::move(old));
                       }));
  ops.push_back(kms_op("DeleteAlias", false, {}, delete_alias,
                       [](AuthzRequest& req, const RequestContext& ctx, const json::object& input, store::Tx& tx) {
                         req = key_authz(ctx, with_alias_key(ctx, input, tx), tx, "kms:DeleteAlias", KeyArg{"KeyId"});
                         on_alias_too(req, ctx, input, tx);
                       }));
  ops.push_back(kms_op("ListAliases", true, {}, list_aliases));
}

}  // namespace citadel::services::kms
