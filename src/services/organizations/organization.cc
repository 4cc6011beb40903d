// The organization and its tree: CreateOrganization, DescribeOrganization, DeleteOrganization,
// ListRoots, DescribeAccount, ListAccounts, ListAccountsForParent, ListParents, ListChildren.
#include "services/organizations/org_operations.h"

namespace citadel::services::organizations {

namespace {

Result<json::object> organization_json(store::Tx& tx, const OrgRow& o) {
  auto m = tx.query("SELECT email FROM accounts WHERE account_id = ?", {o.management});
  if (!m) return m.error();
  auto types = enabled_types(tx, o.id);
  if (!types) return types.error();
  json::array available;
  for (auto& t : *types) available.push_back(json::object{{"Type", t}, {"Status", "ENABLED"}});
  return json::object{{"Id", o.id},
                      {"Arn", org_arn(o)},
                      {"FeatureSet", o.feature_set},
                      {"MasterAccountArn", account_arn(o, o.management)},
                      {"MasterAccountId", o.management},
                      {"MasterAccountEmail", m->empty() ? std::string() : m->front().str(0)},
                      {"AvailablePolicyTypes", std::move(available)}};
}

Result<json::value> create_organization(Call& call) {
  auto existing = org_of(call.tx, call.account());
  if (!existing) return existing.error();
  if (*existing)
    return org_error("AlreadyInOrganizationException", "The AWS account is already a member of an organization.");
  std::string feature_set = call.has("FeatureSet") ? call.str("FeatureSet") : "ALL";
  if (feature_set != "ALL" && feature_set != "CONSOLIDATED_BILLING")
    return invalid_input("INVALID_ENUM", "You specified an invalid value.");
  OrgRow o{"o-" + random_lower_alnum(10), call.account(), feature_set, "r-" + random_lower_alnum(4), call.ctx.now_ms};
  auto ins = call.tx.exec("INSERT INTO org_organizations (org_id, management_account_id, feature_set, root_id, created_ms) "
                          "VALUES (?, ?, ?, ?, ?)",
                          {o.id, o.management, o.feature_set, o.root_id, o.created_ms});
  if (!ins) return ins.error();
  auto acct = call.tx.exec("INSERT INTO org_accounts (account_id, org_id, parent_id, joined_method, joined_ms, state) "
                           "VALUES (?, ?, ?, 'INVITED', ?, 'ACTIVE')",
                           {o.management, o.id, o.root_id, o.created_ms});
  if (!acct) return acct.error();
  auto org = organization_json(call.tx, o);
  if (!org) return org.error();
  return json::object{{"Organization", std::move(*org)}};
}

Result<json::value> describe_organization(Call& call) {
  auto o = caller_org(call);
  if (!o) return o.error();
  auto org = organization_json(call.tx, *o);
  if (!org) return org.error();
  return json::object{{"Organization", std::move(*org)}};
}

Result<json::value> delete_organization(Call& call) {
  auto o = management_org(call);
  if (!o) return o.error();
  auto n = call.tx.query("SELECT COUNT(*) FROM org_accounts WHERE org_id = ? AND account_id <> ?", {o->id, o->management});
  if (!n) return n.error();
  if (n->front().i64(0) > 0)
    return org_error("OrganizationNotEmptyException",
                     "To delete an organization you must first remove all member accounts (except the management account).");
  for (const char* sql : {"DELETE FROM org_policy_attachments WHERE org_id = ?", "DELETE FROM org_tags WHERE org_id = ?",
                          "DELETE FROM org_policies WHERE org_id = ?", "DELETE FROM org_handshakes WHERE org_id = ?",
                          "DELETE FROM org_create_account_status WHERE org_id = ?", "DELETE FROM org_delegated_admins WHERE org_id = ?",
                          "DELETE FROM org_accounts WHERE org_id = ?", "DELETE FROM org_units WHERE org_id = ?",
                          "DELETE FROM org_policy_types WHERE org_id = ?", "DELETE FROM org_organizations WHERE org_id = ?"}) {
    auto d = call.tx.exec(sql, {o->id});
    if (!d) return d.error();
  }
  return json::object{};
}

}  // namespace

Result<json::object> root_json(store::Tx& tx, const OrgRow& o) {
  auto types = enabled_types(tx, o.id);
  if (!types) return types.error();
  json::array policy_types;
  for (auto& t : *types) policy_types.push_back(json::object{{"Type", t}, {"Status", "ENABLED"}});
  return json::object{{"Id", o.root_id}, {"Arn", root_arn(o)}, {"Name", "Root"}, {"PolicyTypes", std::move(policy_types)}};
}

namespace {

Result<json::value> list_roots(Call& call) {
  auto o = reader_org(call);
  if (!o) return o.error();
  auto root = root_json(call.tx, *o);
  if (!root) return root.error();
  std::vector<Item> items;
  items.push_back({o->root_id, std::move(*root)});
  auto out = page(call, std::move(items), "Roots");
  if (!out) return out.error();
  return std::move(*out);
}

Result<json::value> describe_account(Call& call) {
  auto o = reader_org(call);
  if (!o) return o.error();
  auto rows = call.tx.query(std::string("SELECT ") + kAccountColumns +
                                " FROM org_accounts m JOIN accounts a ON a.account_id = m.account_id WHERE m.account_id = ? AND m.org_id = ?",
                            {call.str("AccountId"), o->id});
  if (!rows) return rows.error();
  if (rows->empty()) return org_error("AccountNotFoundException", "You specified an account that doesn't exist.");
  return json::object{{"Account", account_json(*o, rows->front())}};
}

Result<json::value> list_accounts_where(Call& call, const OrgRow& o, const std::string& parent) {
  std::string sql = std::string("SELECT ") + kAccountColumns +
                    " FROM org_accounts m JOIN accounts a ON a.account_id = m.account_id WHERE m.org_id = ?";
  std::vector<store::Value> params{o.id};
  if (!parent.empty()) {
    sql += " AND m.parent_id = ?";
    params.push_back(parent);
  }
  auto rows = call.tx.query_v(sql, params);
  if (!rows) return rows.error();
  std::vector<Item> items;
  for (auto& r : *rows) items.push_back({r.str(0), account_json(o, r)});
  auto out = page(call, std::move(items), "Accounts");
  if (!out) return out.error();
  return std::move(*out);
}

Result<json::value> list_accounts(Call& call) {
  auto o = reader_org(call);
  if (!o) return o.error();
  return list_accounts_where(call, *o, "");
}

AwsError parent_not_found() {
  return org_error("ParentNotFoundException", "You specified parent that doesn't exist.");
}

// A root or OU of the organization.
Result<Target> load_parent(Call& call, const OrgRow& o, const std::string& id) {
  auto t = find_target(call.tx, o, id);
  if (!t) return t.error();
  if (!*t || (*t)->type == TargetType::Account) return parent_not_found();
  return std::move(**t);
}

Result<json::value> list_accounts_for_parent(Call& call) {
  auto o = reader_org(call);
  if (!o) return o.error();
  auto p = load_parent(call, *o, call.str("ParentId"));
  if (!p) return p.error();
  return list_accounts_where(call, *o, p->id);
}

Result<json::value> list_parents(Call& call) {
  auto o = reader_org(call);
  if (!o) return o.error();
  auto t = find_target(call.tx, *o, call.str("ChildId"));
  if (!t) return t.error();
  if (!*t || (*t)->type == TargetType::Root)
    return org_error("ChildNotFoundException", "You specified a child that doesn't exist.");
  const std::string& parent = (*t)->parent_id;
  std::vector<Item> items;
  items.push_back({parent, json::object{{"Id", parent}, {"Type", parent == o->root_id ? "ROOT" : "ORGANIZATIONAL_UNIT"}}});
  auto out = page(call, std::move(items), "Parents");
  if (!out) return out.error();
  return std::move(*out);
}

Result<json::value> list_children(Call& call) {
  auto o = reader_org(call);
  if (!o) return o.error();
  auto p = load_parent(call, *o, call.str("ParentId"));
  if (!p) return p.error();
  std::string type = call.str("ChildType");
  Result<std::vector<store::Row>> rows =
      type == "ACCOUNT" ? call.tx.query("SELECT account_id FROM org_accounts WHERE parent_id = ? AND org_id = ?", {p->id, o->id})
                        : call.tx.query("SELECT ou_id FROM org_units WHERE parent_id = ? AND org_id = ?", {p->id, o->id});
  if (!rows) return rows.error();
  std::vector<Item> items;
  for (auto& r : *rows) items.push_back({r.str(0), json::object{{"Id", r.str(0)}, {"Type", type}}});
  auto out = page(call, std::move(items), "Children");
  if (!out) return out.error();
  return std::move(*out);
}

}  // namespace

void add_organization_operations(std::vector<OperationDef>& ops) {
  ops.push_back(org_op("CreateOrganization", false, no_resource, create_organization));
  ops.push_back(org_op("DescribeOrganization", true, no_resource, describe_organization));
  ops.push_back(org_op("DeleteOrganization", false, no_resource, delete_organization));
  ops.push_back(org_op("ListRoots", true, no_resource, list_roots));
  ops.push_back(org_op("DescribeAccount", true, arn_of("AccountId"), describe_account));
  ops.push_back(org_op("ListAccounts", true, no_resource, list_accounts));
  ops.push_back(org_op("ListAccountsForParent", true, arn_of("ParentId"), list_accounts_for_parent));
  ops.push_back(org_op("ListParents", true, arn_of("ChildId"), list_parents));
  ops.push_back(org_op("ListChildren", true, arn_of("ParentId"), list_children));
}

}  // namespace citadel::services::organizations
