// Grants: CreateGrant, ListGrants, ListRetirableGrants, RetireGrant, RevokeGrant. What a grant
// allows is decided by the pipeline through the key policy (grant_store.h); grant tokens are
// accepted at once, since grants here take effect as soon as they are created.
#include <algorithm>

#include "base/crypto.h"
#include "services/kms/grant_store.h"
#include "services/kms/kms_operations.h"

namespace citadel::services::kms {

namespace {

const KeyArg kCreateGrant{"KeyId", true, "CreateGrant", nullptr, nullptr};
const KeyArg kListGrants{"KeyId", true};
const KeyArg kRetire{"KeyId", true, "RetireGrant", nullptr, nullptr};
const KeyArg kRevoke{"KeyId", true};

json::object grant_json(const GrantRow& g, const KeyRow& k) {
  json::object o{{"KeyId", k.arn()},
                 {"GrantId", g.grant_id},
                 {"CreationDate", g.created_ms},
                 {"GranteePrincipal", g.grantee},
                 {"IssuingAccount", "arn:aws:iam::" + g.issuing_account + ":root"},
                 {"Operations", g.operations}};
  if (!g.name.empty()) o["Name"] = g.name;
  if (!g.retiring.empty()) o["RetiringPrincipal"] = g.retiring;
  if (!g.constraints.empty()) o["Constraints"] = g.constraints;
  return o;
}

bool valid_principal(const std::string& p) {
  return p.rfind("arn:aws:", 0) == 0 || (p.size() > 14 && p.ends_with(".amazonaws.com"));
}

Result<json::value> create_grant(Call& call) {
  auto ref = call_key(call, kCreateGrant);
  if (!ref) return ref.error();
  const KeyRow& k = ref->key;
  if (auto s = require_not_pending_deletion(k); !s) return s.error();
  std::string grantee = call.str("GranteePrincipal"), retiring = call.str("RetiringPrincipal"), name = call.str("Name");
  if (!valid_principal(grantee)) return validation("Invalid GranteePrincipal " + grantee);
  if (!retiring.empty() && !valid_principal(retiring)) return validation("Invalid RetiringPrincipal " + retiring);
  json::array ops;
  if (const auto* o = call.input.if_contains("Operations"); o && o->is_array()) ops = o->as_array();
  if (ops.empty()) return validation("1 validation error detected: Value at 'operations' failed to satisfy constraint: Member must not be empty");
  json::object constraints;
  if (const auto* c = call.input.if_contains("Constraints"); c && c->is_object()) constraints = c->as_object();
  if (constraints.contains("EncryptionContextSubset") && constraints.contains("EncryptionContextEquals"))
    return validation("Only one of EncryptionContextSubset and EncryptionContextEquals can be specified.");
  const std::string ops_text = json::serialize(ops), cons_text = json::serialize(constraints);
  // The same named grant again is the same grant (CreateGrant is idempotent by name).
  if (!name.empty()) {
    auto same = call.tx.query("SELECT grant_id FROM kms_grants WHERE key_id = ? AND name = ? AND grantee_principal = ? "
                              "AND retiring_principal = ? AND operations = ? AND constraints = ?",
                              {k.key_id, name, grantee, retiring, ops_text, cons_text});
    if (!same) return same.error();
    if (!same->empty())
      return json::object{{"GrantToken", make_grant_token(same->front().str(0))}, {"GrantId", same->front().str(0)}};
  }
  std::string id = crypto::to_hex(reinterpret_cast<const uint8_t*>(crypto::random_bytes(32).data()), 32);
  auto ins = call.tx.exec(std::string("INSERT INTO kms_grants (") + kGrantColumns + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                          {id, k.key_id, name, grantee, retiring, call.account(), ops_text, cons_text, call.ctx.now_ms});
  if (!ins) return ins.error();
  return json::object{{"GrantToken", make_grant_token(id)}, {"GrantId", id}};
}

Result<json::value> list_grants(Call& call) {
  auto ref = call_key(call, kListGrants);
  if (!ref) return ref.error();
  auto rows = call.tx.query(std::string("SELECT ") + kGrantColumns + " FROM kms_grants WHERE key_id = ?", {ref->key.key_id});
  if (!rows) return rows.error();
  std::string only_id = call.str("GrantId"), only_grantee = call.str("GranteePrincipal");
  std::vector<Item> items;
  for (auto& r : *rows) {
    GrantRow g = grant_from_row(r);
    if ((!only_id.empty() && g.grant_id != only_id) || (!only_grantee.empty() && g.grantee != only_grantee)) continue;
    items.push_back({g.grant_id, grant_json(g, ref->key)});
  }
  auto out = page(call, std::move(items), "Grants");
  if (!out) return out.error();
  return std::move(*out);
}

Result<json::value> list_retirable_grants(Call& call) {
  auto rows = call.tx.query(std::string("SELECT ") + kGrantColumns + " FROM kms_grants WHERE retiring_principal = ?",
                            {call.str("RetiringPrincipal")});
  if (!rows) return rows.error();
  std::vector<Item> items;
  for (auto& r : *rows) {
    GrantRow g = grant_from_row(r);
    auto k = key_by_id(call.tx, g.key_id, call.ctx.now_ms);
    if (!k) return k.error();
    if (!*k || (*k)->account != call.account() || (*k)->region != call.ctx.region) continue;
    items.push_back({g.grant_id, grant_json(g, **k)});
  }
  auto out = page(call, std::move(items), "Grants");
  if (!out) return out.error();
  return std::move(*out);
}

// The grant RetireGrant names: by token, or by KeyId and GrantId.
Result<GrantRow> named_grant(Call& call) {
  std::string id = call.str("GrantId");
  if (call.has("GrantToken")) {
    std::string from_token = grant_of_token(call.str("GrantToken"));
    if (from_token.empty()) return kms_error("InvalidGrantTokenException", "Invalid grant token");
    if (!id.empty() && id != from_token) return kms_error("InvalidGrantIdException", "The grant ID does not match the grant token.");
    id = from_token;
  } else if (id.empty() || !call.has("KeyId")) {
    return validation("Either GrantToken, or both KeyId and GrantId, must be given.");
  }
  auto rows = call.tx.query(std::string("SELECT ") + kGrantColumns + " FROM kms_grants WHERE grant_id = ?", {id});
  if (!rows) return rows.error();
  if (rows->empty()) return not_found("Grant ID " + id + " not found");
  GrantRow g = grant_from_row(rows->front());
  if (call.has("KeyId")) {
    auto ref = call_key(call, kRetire);
    if (!ref) return ref.error();
    if (ref->key.key_id != g.key_id) return not_found("Grant ID " + id + " not found");
  }
  return g;
}

Status delete_grant(Call& call, const std::string& id) {
  auto del = call.tx.exec("DELETE FROM kms_grants WHERE grant_id = ?", {id});
  if (!del) return del.error();
  return Ok{};
}

Result<json::value> retire_grant(Call& call) {
  auto g = named_grant(call);
  if (!g) return g.error();
  if (auto s = delete_grant(call, g->grant_id); !s) return s.error();
  return json::object{};
}

Result<json::value> revoke_grant(Call& call) {
  auto ref = call_key(call, kRevoke);
  if (!ref) return ref.error();
  std::string id = call.str("GrantId");
  auto rows = call.tx.query("SELECT 1 FROM kms_grants WHERE grant_id = ? AND key_id = ?", {id, ref->key.key_id});
  if (!rows) return rows.error();
  if (rows->empty()) return not_found("Grant ID " + id + " not found");
  if (auto s = delete_grant(call, id); !s) return s.error();
  return json::object{};
}

// RetireGrant by token alone: the key is the grant's, and the grant decides with the key policy.
void retire_authz(AuthzRequest& req, const RequestContext& ctx, const json::object& input, store::Tx& tx) {
  json::object named = input;
  std::string id = input_str(input, "GrantId");
  if (std::string token = input_str(input, "GrantToken"); !token.empty()) id = grant_of_token(token);
  if (id.empty()) return;
  named["GrantId"] = id;
  if (!named.contains("KeyId")) {
    auto rows = tx.query("SELECT g.key_id, k.region, k.account_id FROM kms_grants g JOIN kms_keys k ON k.key_id = g.key_id WHERE g.grant_id = ?",
                         {id});
    if (!rows || rows->empty()) return;
    named["KeyId"] = key_arn(rows->front().str(1), rows->front().str(2), rows->front().str(0));
  }
  req = key_authz(ctx, named, tx, "kms:RetireGrant", kRetire);
}

}  // namespace

void add_grant_operations(std::vector<OperationDef>& ops) {
  ops.push_back(kms_op("CreateGrant", false, kCreateGrant, create_grant));
  ops.push_back(kms_op("ListGrants", true, kListGrants, list_grants));
  ops.push_back(kms_op("ListRetirableGrants", true, {}, list_retirable_grants));
  ops.push_back(kms_op("RetireGrant", false, {}, retire_grant, retire_authz));
  ops.push_back(kms_op("RevokeGrant", false, kRevoke, revoke_grant));
}

}  // namespace citadel::services::kms
