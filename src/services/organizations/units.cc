// Organizational units: Create/Update/Delete/DescribeOrganizationalUnit,
// ListOrganizationalUnitsForParent, MoveAccount.
#include "services/organizations/org_operations.h"

namespace citadel::services::organizations {

namespace {

constexpr int64_t kMaxDepth = 5;     // OUs nest at most five levels below the root
constexpr int64_t kMaxUnits = 1000;  // OUs per organization

AwsError ou_not_found() {
  return org_error("OrganizationalUnitNotFoundException", "You specified an organizational unit that doesn't exist.");
}

Result<Target> load_ou(Call& call, const OrgRow& o, const std::string& id) {
  auto t = find_target(call.tx, o, id);
  if (!t) return t.error();
  if (!*t || (*t)->type != TargetType::OrganizationalUnit) return ou_not_found();
  return std::move(**t);
}

json::object ou_json(const OrgRow& o, const std::string& id, const std::string& name) {
  return json::object{{"Id", id}, {"Arn", ou_arn(o, id)}, {"Name", name}};
}

Status check_unique_name(Call& call, const std::string& parent, const std::string& name) {
  auto clash = call.tx.query("SELECT 1 FROM org_units WHERE parent_id = ? AND name = ?", {parent, name});
  if (!clash) return clash.error();
  if (!clash->empty()) return org_error("DuplicateOrganizationalUnitException", "An OU with the same name already exists.");
  return Ok{};
}

Result<json::value> create_organizational_unit(Call& call) {
  auto o = management_org(call);
  if (!o) return o.error();
  auto parent = find_target(call.tx, *o, call.str("ParentId"));
  if (!parent) return parent.error();
  if (!*parent || (*parent)->type == TargetType::Account)
    return org_error("ParentNotFoundException", "You specified parent that doesn't exist.");
  int64_t depth = (*parent)->depth + 1;
  if (depth > kMaxDepth)
    return constraint_violation("OU_DEPTH_LIMIT_EXCEEDED",
                                "You have exceeded the maximum depth of organizational units in your organization.");
  std::string name = call.str("Name");
  if (auto s = check_unique_name(call, (*parent)->id, name); !s) return s.error();
  auto n = call.tx.query("SELECT COUNT(*) FROM org_units WHERE org_id = ?", {o->id});
  if (!n) return n.error();
  if (n->front().i64(0) >= kMaxUnits)
    return constraint_violation("OU_NUMBER_LIMIT_EXCEEDED", "You have reached the maximum number of OUs in your organization.");
  std::string id = "ou-" + o->root_id.substr(2) + "-" + random_lower_alnum(8);
  auto ins = call.tx.exec("INSERT INTO org_units (ou_id, org_id, parent_id, name, depth, created_ms) VALUES (?, ?, ?, ?, ?, ?)",
                          {id, o->id, (*parent)->id, name, depth, call.ctx.now_ms});
  if (!ins) return ins.error();
  if (auto s = attach_defaults(call.tx, *o, id); !s) return s.error();
  if (auto s = put_tags(call.tx, o->id, id, call.input.if_contains("Tags")); !s) return s.error();
  return json::object{{"OrganizationalUnit", ou_json(*o, id, name)}};
}

Result<json::value> describe_organizational_unit(Call& call) {
  auto o = reader_org(call);
  if (!o) return o.error();
  auto ou = load_ou(call, *o, call.str("OrganizationalUnitId"));
  if (!ou) return ou.error();
  return json::object{{"OrganizationalUnit", ou_json(*o, ou->id, ou->name)}};
}

Result<json::value> update_organizational_unit(Call& call) {
  auto o = management_org(call);
  if (!o) return o.error();
  auto ou = load_ou(call, *o, call.str("OrganizationalUnitId"));
  if (!ou) return ou.error();
  std::string name = call.has("Name") ? call.str("Name") : ou->name;
  if (name != ou->name) {
    if (auto s = check_unique_name(call, ou->parent_id, name); !s) return s.error();
    auto up = call.tx.exec("UPDATE org_units SET name = ? WHERE ou_id = ?", {name, ou->id});
    if (!up) return up.error();
  }
  return json::object{{"OrganizationalUnit", ou_json(*o, ou->id, name)}};
}

Result<json::value> delete_organizational_unit(Call& call) {
  auto o = management_org(call);
  if (!o) return o.error();
  auto ou = load_ou(call, *o, call.str("OrganizationalUnitId"));
  if (!ou) return ou.error();
  auto n = call.tx.query("SELECT (SELECT COUNT(*) FROM org_units WHERE parent_id = ?) + "
                         "(SELECT COUNT(*) FROM org_accounts WHERE parent_id = ?)",
                         {ou->id, ou->id});
  if (!n) return n.error();
  if (n->front().i64(0) > 0)
    return org_error("OrganizationalUnitNotEmptyException",
                     "The specified OU is not empty. Move all accounts to another root or to other OUs, remove all child "
                     "OUs, and try the operation again.");
  auto del = call.tx.exec("DELETE FROM org_units WHERE ou_id = ?", {ou->id});
  if (!del) return del.error();
  if (auto s = forget_target(call.tx, ou->id); !s) return s.error();
  return json::object{};
}

Result<json::value> list_organizational_units_for_parent(Call& call) {
  auto o = reader_org(call);
  if (!o) return o.error();
  auto parent = find_target(call.tx, *o, call.str("ParentId"));
  if (!parent) return parent.error();
  if (!*parent || (*parent)->type == TargetType::Account)
    return org_error("ParentNotFoundException", "You specified parent that doesn't exist.");
  auto rows = call.tx.query("SELECT ou_id, name FROM org_units WHERE parent_id = ? AND org_id = ?", {(*parent)->id, o->id});
  if (!rows) return rows.error();
  std::vector<Item> items;
  for (auto& r : *rows) items.push_back({r.str(0), ou_json(*o, r.str(0), r.str(1))});
  auto out = page(call, std::move(items), "OrganizationalUnits");
  if (!out) return out.error();
  return std::move(*out);
}

Result<json::value> move_account(Call& call) {
  auto o = management_org(call);
  if (!o) return o.error();
  auto account = find_target(call.tx, *o, call.str("AccountId"));
  if (!account) return account.error();
  if (!*account || (*account)->type != TargetType::Account)
    return org_error("AccountNotFoundException", "You specified an account that doesn't exist.");
  auto source = find_target(call.tx, *o, call.str("SourceParentId"));
  if (!source) return source.error();
  if (!*source || (*source)->type == TargetType::Account)
    return org_error("SourceParentNotFoundException", "You specified a source parent that doesn't exist.");
  auto dest = find_target(call.tx, *o, call.str("DestinationParentId"));
  if (!dest) return dest.error();
  if (!*dest || (*dest)->type == TargetType::Account)
    return org_error("DestinationParentNotFoundException", "You specified a destination parent that doesn't exist.");
  if ((*account)->parent_id != (*source)->id)
    return org_error("AccountNotFoundException", "You specified an account that doesn't exist.");
  if ((*dest)->id == (*source)->id)
    return org_error("DuplicateAccountException", "That account is already present in the specified destination.");
  auto up = call.tx.exec("UPDATE org_accounts SET parent_id = ? WHERE account_id = ?", {(*dest)->id, (*account)->id});
  if (!up) return up.error();
  return json::object{};
}

}  // namespace

void add_unit_operations(std::vector<OperationDef>& ops) {
  ops.push_back(org_op("CreateOrganizationalUnit", false, arn_of("ParentId"), create_organizational_unit, true));
  ops.push_back(org_op("DescribeOrganizationalUnit", true, arn_of("OrganizationalUnitId"), describe_organizational_unit));
  ops.push_back(org_op("UpdateOrganizationalUnit", false, arn_of("OrganizationalUnitId"), update_organizational_unit));
  ops.push_back(org_op("DeleteOrganizationalUnit", false, arn_of("OrganizationalUnitId"), delete_organizational_unit));
  ops.push_back(org_op("ListOrganizationalUnitsForParent", true, arn_of("ParentId"), list_organizational_units_for_parent));
  ops.push_back(org_op("MoveAccount", false, arns_of({"AccountId", "SourceParentId", "DestinationParentId"}), move_account));
}

}  // namespace citadel::services::organizations
