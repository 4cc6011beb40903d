// Tags on accounts, OUs, roots and policies: TagResource, UntagResource, ListTagsForResource.
#include "services/organizations/org_operations.h"

namespace citadel::services::organizations {

namespace {

// A root, OU, account or customer managed policy of the caller's organization.
Result<std::string> taggable(Call& call, const OrgRow& o) {
  std::string id = call.str("ResourceId");
  auto t = find_target(call.tx, o, id);
  if (!t) return t.error();
  if (*t) return id;
  if (is_policy_id(id)) {
    auto p = call.tx.query("SELECT 1 FROM org_policies WHERE policy_id = ? AND org_id = ?", {id, o.id});
    if (!p) return p.error();
    if (!p->empty()) return id;
  }
  return org_error("TargetNotFoundException", "You specified a target that doesn't exist.");
}

Result<json::value> tag_resource(Call& call) {
  auto o = management_org(call);
  if (!o) return o.error();
  auto id = taggable(call, *o);
  if (!id) return id.error();
  if (auto s = put_tags(call.tx, o->id, *id, call.input.if_contains("Tags")); !s) return s.error();
  return json::object{};
}

Result<json::value> untag_resource(Call& call) {
  auto o = management_org(call);
  if (!o) return o.error();
  auto id = taggable(call, *o);
  if (!id) return id.error();
  if (const auto* keys = call.input.if_contains("TagKeys"); keys && keys->is_array())
    for (auto& k : keys->as_array()) {
      if (!k.is_string()) continue;
      auto del = call.tx.exec("DELETE FROM org_tags WHERE resource_id = ? AND tag_key = ?", {*id, std::string(k.as_string())});
      if (!del) return del.error();
    }
  return json::object{};
}

Result<json::value> list_tags_for_resource(Call& call) {
  auto o = reader_org(call);
  if (!o) return o.error();
  auto id = taggable(call, *o);
  if (!id) return id.error();
  auto rows = call.tx.query("SELECT tag_key, tag_value FROM org_tags WHERE resource_id = ?", {*id});
  if (!rows) return rows.error();
  std::vector<Item> items;
  for (auto& r : *rows) items.push_back({r.str(0), json::object{{"Key", r.str(0)}, {"Value", r.str(1)}}});
  auto out = page(call, std::move(items), "Tags");
  if (!out) return out.error();
  return std::move(*out);
}

}  // namespace

void add_tag_operations(std::vector<OperationDef>& ops) {
  ops.push_back(org_op("TagResource", false, arn_of("ResourceId"), tag_resource, true));
  ops.push_back(org_op("UntagResource", false, arn_of("ResourceId"), untag_resource, true));
  ops.push_back(org_op("ListTagsForResource", true, arn_of("ResourceId"), list_tags_for_resource));
}

}  // namespace citadel::services::organizations
