// Member accounts: CreateAccount, DescribeCreateAccountStatus, ListCreateAccountStatus,
// RemoveAccountFromOrganization, LeaveOrganization, CloseAccount, and delegated administrators.
#include <algorithm>
#include <cctype>
#include <cstdio>

#include "base/ids.h"
#include "services/iam/roles.h"
#include "services/organizations/org_operations.h"

namespace citadel::services::organizations {

namespace {

constexpr int64_t kMaxAccounts = 10000;

// The model's pattern [^\s@]+@[^\s@]+\.[^\s@]+ (6 to 64 characters).
bool valid_email(const std::string& email) {
  auto at = email.find('@');
  if (email.size() < 6 || email.size() > 64 || at == 0 || at == std::string::npos) return false;
  for (char c : email)
    if (std::isspace(static_cast<unsigned char>(c))) return false;
  if (email.find('@', at + 1) != std::string::npos) return false;
  auto dot = email.rfind('.');
  return dot != std::string::npos && dot > at + 1 && dot + 1 < email.size();
}

json::object status_json(const store::Row& r) {
  json::object s{{"Id", r.str(0)}, {"AccountName", r.str(1)}, {"State", r.str(2)}, {"RequestedTimestamp", r.i64(3)}};
  if (!r.is_null(4)) s["CompletedTimestamp"] = r.i64(4);
  if (!r.is_null(5)) s["AccountId"] = r.str(5);
  if (!r.is_null(6)) s["FailureReason"] = r.str(6);
  return s;
}

constexpr const char* kStatusColumns =
    "request_id, account_name, state, requested_ms, completed_ms, account_id, failure_reason";

Result<json::value> create_account(Call& call) {
  auto o = management_org(call);
  if (!o) return o.error();
  std::string email = call.str("Email"), name = call.str("AccountName");
  if (!valid_email(email))
    return invalid_input("INVALID_EMAIL_ADDRESS_TARGET", "You specified an invalid email address.");
  auto n = call.tx.query("SELECT COUNT(*) FROM org_accounts WHERE org_id = ?", {o->id});
  if (!n) return n.error();
  if (n->front().i64(0) >= kMaxAccounts)
    return constraint_violation("ACCOUNT_NUMBER_LIMIT_EXCEEDED", "You have reached the maximum number of accounts in your organization.");
  std::string request_id = "car-" + random_hex(32);
  auto taken = call.tx.query("SELECT 1 FROM accounts WHERE lower(email) = lower(?)", {email});
  if (!taken) return taken.error();
  if (!taken->empty()) {
    // AWS reports a taken address in the request's status, not as an error of the call.
    auto ins = call.tx.exec("INSERT INTO org_create_account_status (request_id, org_id, account_name, state, requested_ms, "
                            "completed_ms, failure_reason) VALUES (?, ?, ?, 'FAILED', ?, ?, 'EMAIL_ALREADY_EXISTS')",
                            {request_id, o->id, name, call.ctx.now_ms, call.ctx.now_ms});
    if (!ins) return ins.error();
  } else {
    std::string account;
    for (;;) {  // a fresh 12-digit id
      account = ids::account_id();
      auto used = call.tx.query("SELECT 1 FROM accounts WHERE account_id = ?", {account});
      if (!used) return used.error();
      if (used->empty()) break;
    }
    auto a = call.tx.exec("INSERT INTO accounts (account_id, name, email, is_management, created_ms) VALUES (?, ?, ?, 0, ?)",
                          {account, name, email, call.ctx.now_ms});
    if (!a) return a.error();
    // The new account's administrators: a role that the management account may assume, with
    // AdministratorAccess (RoleName overrides the name, as in AWS).
    iam::RoleSpec admin;
    admin.name = call.has("RoleName") ? call.str("RoleName") : "OrganizationAccountAccessRole";
    admin.trust_policy = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::)" +
                         o->management + R"(:root"},"Action":"sts:AssumeRole"}]})";
    admin.managed_policy_arns = {"arn:aws:iam::aws:policy/AdministratorAccess"};
    if (auto r = iam::create_role(call.tx, account, admin, call.ctx.now_ms); !r) return r.error();
    // The account joins under the root.
    auto m = call.tx.exec("INSERT INTO org_accounts (account_id, org_id, parent_id, joined_method, joined_ms, state) "
                          "VALUES (?, ?, ?, 'CREATED', ?, 'ACTIVE')",
                          {account, o->id, o->root_id, call.ctx.now_ms});
    if (!m) return m.error();
    if (auto s = attach_defaults(call.tx, *o, account); !s) return s.error();
    if (auto s = put_tags(call.tx, o->id, account, call.input.if_contains("Tags")); !s) return s.error();
    auto ins = call.tx.exec("INSERT INTO org_create_account_status (request_id, org_id, account_name, state, requested_ms, "
                            "completed_ms, account_id) VALUES (?, ?, ?, 'SUCCEEDED', ?, ?, ?)",
                            {request_id, o->id, name, call.ctx.now_ms, call.ctx.now_ms, account});
    if (!ins) return ins.error();
  }
  auto rows = call.tx.query(std::string("SELECT ") + kStatusColumns + " FROM org_create_account_status WHERE request_id = ?", {request_id});
  if (!rows) return rows.error();
  return json::object{{"CreateAccountStatus", status_json(rows->front())}};
}

Result<json::value> describe_create_account_status(Call& call) {
  auto o = reader_org(call);
  if (!o) return o.error();
  auto rows = call.tx.query(std::string("SELECT ") + kStatusColumns + " FROM org_create_account_status WHERE request_id = ? AND org_id = ?",
                            {call.str("CreateAccountRequestId"), o->id});
  if (!rows) return rows.error();
  if (rows->empty())
    return org_error("CreateAccountStatusNotFoundException",
                     "We can't find an create account request with the CreateAccountRequestId that you specified.");
  return json::object{{"CreateAccountStatus", status_json(rows->front())}};
}

Result<json::value> list_create_account_status(Call& call) {
  auto o = reader_org(call);
  if (!o) return o.error();
  std::vector<std::string> states;
  if (const auto* s = call.input.if_contains("States"); s && s->is_array())
    for (auto& v : s->as_array())
      if (v.is_string()) states.emplace_back(v.as_string());
  auto rows = call.tx.query(std::string("SELECT ") + kStatusColumns + " FROM org_create_account_status WHERE org_id = ?", {o->id});
  if (!rows) return rows.error();
  std::vector<Item> items;
  for (auto& r : *rows) {
    if (!states.empty() && std::find(states.begin(), states.end(), r.str(2)) == states.end()) continue;
    char key[32];
    std::snprintf(key, sizeof key, "%020lld", static_cast<long long>(r.i64(3)));
    items.push_back({std::string(key) + r.str(0), status_json(r)});
  }
  auto out = page(call, std::move(items), "CreateAccountStatuses");
  if (!out) return out.error();
  return std::move(*out);
}

AwsError account_not_found() { return org_error("AccountNotFoundException", "You specified an account that doesn't exist."); }

AwsError management_cannot_leave() {
  return org_error("MasterCannotLeaveOrganizationException",
                   "You can't remove a management account from an organization. If you want the management account to "
                   "become a member account in another organization, you must first delete the current organization of "
                   "the management account.");
}

// Takes `account` out of the organization `o`.
Status leave(store::Tx& tx, const OrgRow& o, const std::string& account) {
  auto d = tx.query("SELECT 1 FROM org_delegated_admins WHERE account_id = ? LIMIT 1", {account});
  if (!d) return d.error();
  if (!d->empty())
    return constraint_violation("CANNOT_REMOVE_DELEGATED_ADMINISTRATOR_FROM_ORG",
                                "You can't remove an account that is a delegated administrator. Deregister it first.");
  auto del = tx.exec("DELETE FROM org_accounts WHERE account_id = ? AND org_id = ?", {account, o.id});
  if (!del) return del.error();
  return forget_target(tx, account);
}

Result<json::value> remove_account_from_organization(Call& call) {
  auto o = management_org(call);
  if (!o) return o.error();
  std::string account = call.str("AccountId");
  auto t = find_target(call.tx, *o, account);
  if (!t) return t.error();
  if (!*t || (*t)->type != TargetType::Account) return account_not_found();
  if (account == o->management) return management_cannot_leave();
  if (auto s = leave(call.tx, *o, account); !s) return s.error();
  return json::object{};
}

Result<json::value> leave_organization(Call& call) {
  auto o = caller_org(call);
  if (!o) return o.error();
  if (call.account() == o->management) return management_cannot_leave();
  if (auto s = leave(call.tx, *o, call.account()); !s) return s.error();
  return json::object{};
}

Result<json::value> close_account(Call& call) {
  auto o = management_org(call);
  if (!o) return o.error();
  std::string account = call.str("AccountId");
  auto rows = call.tx.query("SELECT state FROM org_accounts WHERE account_id = ? AND org_id = ?", {account, o->id});
  if (!rows) return rows.error();
  if (rows->empty()) return account_not_found();
  if (account == o->management)
    return constraint_violation("CANNOT_CLOSE_MANAGEMENT_ACCOUNT", "You can't close the management account with this operation.");
  if (rows->front().str(0) != "ACTIVE")
    return org_error("AccountAlreadyClosedException", "You attempted to close an account that is already closed.");
  // A closed account stays in the organization, suspended, as AWS keeps it for 90 days.
  auto up = call.tx.exec("UPDATE org_accounts SET state = 'SUSPENDED' WHERE account_id = ?", {account});
  if (!up) return up.error();
  return json::object{};
}

// ---- Delegated administrators --------------------------------------------------------------------

Status check_service_principal(const std::string& sp) {
  const std::string suffix = ".amazonaws.com";
  if (sp.size() <= suffix.size() || sp.compare(sp.size() - suffix.size(), suffix.size(), suffix) != 0)
    return invalid_input("UNRECOGNIZED_SERVICE_PRINCIPAL", "You specified an unrecognized service principal.");
  return Ok{};
}

Result<json::value> register_delegated_administrator(Call& call) {
  auto o = management_org(call);
  if (!o) return o.error();
  std::string account = call.str("AccountId"), sp = call.str("ServicePrincipal");
  if (auto s = check_service_principal(sp); !s) return s.error();
  auto t = find_target(call.tx, *o, account);
  if (!t) return t.error();
  if (!*t || (*t)->type != TargetType::Account) return account_not_found();
  if (account == o->management)
    return constraint_violation("CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR",
                                "You can't register the management account as a delegated administrator.");
  auto rows = call.tx.query("SELECT 1 FROM org_delegated_admins WHERE account_id = ? AND service_principal = ?", {account, sp});
  if (!rows) return rows.error();
  if (!rows->empty())
    return org_error("AccountAlreadyRegisteredException",
                     "The provided account is already a delegated administrator for your organization.");
  auto ins = call.tx.exec("INSERT INTO org_delegated_admins (org_id, account_id, service_principal, enabled_ms) VALUES (?, ?, ?, ?)",
                          {o->id, account, sp, call.ctx.now_ms});
  if (!ins) return ins.error();
  return json::object{};
}

Result<json::value> deregister_delegated_administrator(Call& call) {
  auto o = management_org(call);
  if (!o) return o.error();
  std::string account = call.str("AccountId"), sp = call.str("ServicePrincipal");
  if (auto s = check_service_principal(sp); !s) return s.error();
  auto t = find_target(call.tx, *o, account);
  if (!t) return t.error();
  if (!*t || (*t)->type != TargetType::Account) return account_not_found();
  auto del = call.tx.exec("DELETE FROM org_delegated_admins WHERE account_id = ? AND service_principal = ? AND org_id = ?",
                          {account, sp, o->id});
  if (!del) return del.error();
  if (*del == 0)
    return org_error("AccountNotRegisteredException",
                     "The provided account is not a registered delegated administrator for your organization.");
  return json::object{};
}

Result<json::value> list_delegated_administrators(Call& call) {
  auto o = reader_org(call);
  if (!o) return o.error();
  std::string sp = call.str("ServicePrincipal");
  auto rows = call.tx.query(std::string("SELECT ") + kAccountColumns +
                                ", MIN(d.enabled_ms) FROM org_delegated_admins d JOIN org_accounts m ON m.account_id = d.account_id "
                                "JOIN accounts a ON a.account_id = d.account_id WHERE d.org_id = ? AND (? = '' OR d.service_principal = ?) "
                                "GROUP BY a.account_id, a.email, a.name, m.state, m.joined_method, m.joined_ms",
                            {o->id, sp, sp});
  if (!rows) return rows.error();
  std::vector<Item> items;
  for (auto& r : *rows) {
    json::object d = account_json(*o, r);
    d["DelegationEnabledDate"] = r.i64(6);
    items.push_back({r.str(0), std::move(d)});
  }
  auto out = page(call, std::move(items), "DelegatedAdministrators");
  if (!out) return out.error();
  return std::move(*out);
}

Result<json::value> list_delegated_services_for_account(Call& call) {
  auto o = reader_org(call);
  if (!o) return o.error();
  std::string account = call.str("AccountId");
  auto t = find_target(call.tx, *o, account);
  if (!t) return t.error();
  if (!*t || (*t)->type != TargetType::Account) return account_not_found();
  auto rows = call.tx.query("SELECT service_principal, enabled_ms FROM org_delegated_admins WHERE account_id = ? AND org_id = ?",
                            {account, o->id});
  if (!rows) return rows.error();
  if (rows->empty())
    return org_error("AccountNotRegisteredException",
                     "The provided account is not a registered delegated administrator for your organization.");
  std::vector<Item> items;
  for (auto& r : *rows)
    items.push_back({r.str(0), json::object{{"ServicePrincipal", r.str(0)}, {"DelegationEnabledDate", r.i64(1)}}});
  auto out = page(call, std::move(items), "DelegatedServices");
  if (!out) return out.error();
  return std::move(*out);
}

}  // namespace

void add_account_operations(std::vector<OperationDef>& ops) {
  ops.push_back(org_op("CreateAccount", false, no_resource, create_account, true));
  ops.push_back(org_op("DescribeCreateAccountStatus", true, no_resource, describe_create_account_status));
  ops.push_back(org_op("ListCreateAccountStatus", true, no_resource, list_create_account_status));
  ops.push_back(org_op("RemoveAccountFromOrganization", false, arn_of("AccountId"), remove_account_from_organization));
  ops.push_back(org_op("LeaveOrganization", false, no_resource, leave_organization));
  ops.push_back(org_op("CloseAccount", false, arn_of("AccountId"), close_account));
  ops.push_back(org_op("RegisterDelegatedAdministrator", false, arn_of("AccountId"), register_delegated_administrator));
  ops.push_back(org_op("DeregisterDelegatedAdministrator", false, arn_of("AccountId"), deregister_delegated_administrator));
  ops.push_back(org_op("ListDelegatedAdministrators", true, no_resource, list_delegated_administrators));
  ops.push_back(org_op("ListDelegatedServicesForAccount", true, arn_of("AccountId"), list_delegated_services_for_account));
}

}  // namespace citadel::services::organizations
