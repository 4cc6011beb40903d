#include "services/kms/grant_store.h"

#include <algorithm>

namespace citadel::services::kms {

GrantRow grant_from_row(const store::Row& r) {
  GrantRow g;
  g.grant_id = r.str(0);
  g.key_id = r.str(1);
  g.name = r.str(2);
  g.grantee = r.str(3);
  g.retiring = r.str(4);
  g.issuing_account = r.str(5);
  boost::system::error_code ec;
  auto ops = json::parse(r.str(6), ec);
  if (!ec && ops.is_array()) g.operations = ops.as_array();
  auto cons = json::parse(r.str(7), ec);
  if (!ec && cons.is_object()) g.constraints = cons.as_object();
  g.created_ms = r.i64(8);
  return g;
}

bool constraints_allow(const json::object& constraints, const json::object* context) {
  static const json::object empty;
  const json::object& ctx = context ? *context : empty;
  if (const auto* eq = constraints.if_contains("EncryptionContextEquals"); eq && eq->is_object()) {
    if (eq->as_object().size() != ctx.size()) return false;
    for (const auto& [k, v] : eq->as_object()) {
      const auto* got = ctx.if_contains(k);
      if (!got || *got != v) return false;
    }
  }
  if (const auto* sub = constraints.if_contains("EncryptionContextSubset"); sub && sub->is_object()) {
    for (const auto& [k, v] : sub->as_object()) {
      const auto* got = ctx.if_contains(k);
      if (!got || *got != v) return false;
    }
  }
  return true;
}

std::vector<std::string> grant_principals(const auth::Principal& p) {
  std::vector<std::string> out{p.arn};
  if (!p.role_arn.empty()) out.push_back(p.role_arn);
  out.push_back("arn:aws:iam::" + p.account_id + ":root");
  return out;
}

std::string policy_with_grants(store::Tx& tx, const auth::Principal& p, const std::string& key_id, const std::string& policy,
                               const std::string& grant_operation, const std::string& action, const json::object* context,
                               const std::string& retiring_grant_id) {
  auto rows = tx.query(std::string("SELECT ") + kGrantColumns + " FROM kms_grants WHERE key_id = ?", {key_id});
  if (!rows || rows->empty()) return policy;
  const auto who = grant_principals(p);
  auto is_caller = [&](const std::string& arn) { return std::find(who.begin(), who.end(), arn) != who.end(); };
  json::array added;
  for (const auto& r : *rows) {
    GrantRow g = grant_from_row(r);
    // Retiring a grant is allowed by that grant alone.
    if (!retiring_grant_id.empty() && g.grant_id != retiring_grant_id) continue;
    std::string principal;
    if (is_caller(g.grantee) && std::find(g.operations.begin(), g.operations.end(), json::value(grant_operation)) != g.operations.end() &&
        constraints_allow(g.constraints, context))
      principal = g.grantee;
    else if (!retiring_grant_id.empty() && is_caller(g.retiring))
      principal = g.retiring;
    if (principal.empty()) continue;
    added.push_back(json::object{{"Sid", "Grant " + g.grant_id},
                                 {"Effect", "Allow"},
                                 {"Principal", json::object{{"AWS", principal}}},
                                 {"Action", action},
                                 {"Resource", "*"}});
  }
  if (added.empty()) return policy;
  boost::system::error_code ec;
  auto doc = json::parse(policy, ec);
  if (ec || !doc.is_object()) return policy;
  auto& o = doc.as_object();
  json::array statements;
  if (auto* s = o.if_contains("Statement")) {
    if (s->is_array()) statements = s->as_array();
    else statements.push_back(*s);
  }
  for (auto& a : added) statements.push_back(std::move(a));
  o["Statement"] = std::move(statements);
  return json::serialize(doc);
}

}  // namespace citadel::services::kms
