// Policies: Enable/DisablePolicyType, Create/Update/Delete/DescribePolicy, ListPolicies,
// Attach/DetachPolicy, ListPoliciesForTarget, ListTargetsForPolicy.
#include <boost/json.hpp>

#include "policy/policy.h"
#include "services/organizations/org_operations.h"

namespace citadel::services::organizations {

namespace {

constexpr size_t kMaxJsonPolicySize = 10000;  // tag and backup policies
constexpr int64_t kMaxPoliciesPerType = 1000;

struct PolicyRow {
  std::string id, org_id, name, description, type, content;
  bool aws_managed = false;
};

constexpr const char* kPolicyColumns = "policy_id, org_id, name, description, policy_type, content, aws_managed";

PolicyRow read_policy(const store::Row& r) {
  return PolicyRow{r.str(0), r.str(1), r.str(2), r.str(3), r.str(4), r.str(5), r.i64(6) != 0};
}

json::object summary_json(const OrgRow& o, const PolicyRow& p) {
  return json::object{{"Id", p.id},
                      {"Arn", policy_arn(o, p.type, p.id, p.aws_managed)},
                      {"Name", p.name},
                      {"Description", p.description},
                      {"Type", p.type},
                      {"AwsManaged", p.aws_managed}};
}

json::object policy_json(const OrgRow& o, const PolicyRow& p) {
  return json::object{{"PolicySummary", summary_json(o, p)}, {"Content", p.content}};
}

AwsError policy_not_found() {
  return org_error("PolicyNotFoundException", "We can't find a policy with the PolicyId that you specified.");
}

Result<PolicyRow> load_policy(Call& call, const OrgRow& o, const std::string& id) {
  auto rows = call.tx.query(std::string("SELECT ") + kPolicyColumns + " FROM org_policies WHERE policy_id = ? AND org_id IN (?, 'aws')",
                            {id, o.id});
  if (!rows) return rows.error();
  if (rows->empty()) return policy_not_found();
  return read_policy(rows->front());
}

Status check_type(const std::string& type) {
  if (!supported_policy_type(type))
    return invalid_input("INVALID_ENUM_POLICY_TYPE", "You specified an invalid policy type: " + type + ".");
  return Ok{};
}

Status check_feature_set(const OrgRow& o) {
  if (o.feature_set != "ALL")
    return org_error("PolicyTypeNotAvailableForOrganizationException",
                     "You can't use the specified policy type with the feature set currently enabled for this organization.");
  return Ok{};
}

// SCPs and RCPs follow the IAM policy grammar (policy::parse); tag and backup policies are JSON
// objects of their own syntax.
Status check_content(const std::string& type, const std::string& content) {
  if (type == kScp || type == kRcp) {
    auto parsed = policy::parse(content, type == kScp ? policy::PolicyKind::SCP : policy::PolicyKind::RCP);
    if (parsed) return Ok{};
    if (parsed.error().code == "LimitExceeded")
      return constraint_violation("POLICY_CONTENT_LIMIT_EXCEEDED", parsed.error().message);
    return org_error("MalformedPolicyDocumentException", parsed.error().message);
  }
  if (content.size() > kMaxJsonPolicySize)
    return constraint_violation("POLICY_CONTENT_LIMIT_EXCEEDED",
                                "Policy document exceeds the maximum size of " + std::to_string(kMaxJsonPolicySize) + " characters.");
  boost::system::error_code ec;
  auto v = json::parse(content, ec);
  if (ec || !v.is_object())
    return org_error("MalformedPolicyDocumentException", "The provided policy document doesn't meet the requirements of the specified policy type.");
  return Ok{};
}

Status check_unique_name(Call& call, const OrgRow& o, const std::string& type, const std::string& name, const std::string& except) {
  auto rows = call.tx.query("SELECT 1 FROM org_policies WHERE org_id IN (?, 'aws') AND policy_type = ? AND name = ? AND policy_id <> ?",
                            {o.id, type, name, except});
  if (!rows) return rows.error();
  if (!rows->empty()) return org_error("DuplicatePolicyException", "A policy with the same name already exists.");
  return Ok{};
}

// Enable/DisablePolicyType's common checks: the management account, the root named, a known type.
struct PolicyTypeCall {
  OrgRow org;
  std::string type;
  bool enabled = false;
};
Result<PolicyTypeCall> policy_type_call(Call& call) {
  auto o = management_org(call);
  if (!o) return o.error();
  if (call.str("RootId") != o->root_id)
    return org_error("RootNotFoundException", "We can't find a root with the RootId that you specified.");
  std::string type = call.str("PolicyType");
  if (auto s = check_type(type); !s) return s.error();
  auto on = type_enabled(call.tx, o->id, type);
  if (!on) return on.error();
  return PolicyTypeCall{*o, type, *on};
}

Result<json::value> root_answer(Call& call, const OrgRow& o) {
  auto root = root_json(call.tx, o);
  if (!root) return root.error();
  return json::object{{"Root", std::move(*root)}};
}

Result<json::value> enable_policy_type(Call& call) {
  auto c = policy_type_call(call);
  if (!c) return c.error();
  const OrgRow* o = &c->org;
  const std::string& type = c->type;
  if (auto s = check_feature_set(*o); !s) return s.error();
  if (c->enabled) return org_error("PolicyTypeAlreadyEnabledException", "The specified policy type is already enabled.");
  auto ins = call.tx.exec("INSERT INTO org_policy_types (org_id, policy_type) VALUES (?, ?)", {o->id, type});
  if (!ins) return ins.error();
  if (std::string p = default_policy_for(type); !p.empty()) {
    // FullAWSAccess / RCPFullAWSAccess on the root, every OU and every account.
    auto ins_all = call.tx.exec(
        "INSERT INTO org_policy_attachments (org_id, target_id, policy_id, policy_type) "
        "SELECT ?, t.id, ?, ? FROM (SELECT ? AS id UNION ALL SELECT ou_id FROM org_units WHERE org_id = ? "
        "UNION ALL SELECT account_id FROM org_accounts WHERE org_id = ?) t WHERE 1 = 1 ON CONFLICT DO NOTHING",
        {o->id, p, type, o->root_id, o->id, o->id});
    if (!ins_all) return ins_all.error();
  }
  return root_answer(call, *o);
}

Result<json::value> disable_policy_type(Call& call) {
  auto c = policy_type_call(call);
  if (!c) return c.error();
  const OrgRow* o = &c->org;
  const std::string& type = c->type;
  if (!c->enabled)
    return org_error("PolicyTypeNotEnabledException", "This operation can be performed only for enabled policy types.");
  auto del = call.tx.exec("DELETE FROM org_policy_types WHERE org_id = ? AND policy_type = ?", {o->id, type});
  if (!del) return del.error();
  // Disabling a type detaches every policy of that type.
  auto det = call.tx.exec("DELETE FROM org_policy_attachments WHERE org_id = ? AND policy_type = ?", {o->id, type});
  if (!det) return det.error();
  return root_answer(call, *o);
}

Result<json::value> create_policy(Call& call) {
  auto o = management_org(call);
  if (!o) return o.error();
  PolicyRow p{"p-" + random_lower_alnum(8), o->id, call.str("Name"), call.str("Description"), call.str("Type"), call.str("Content"), false};
  if (auto s = check_type(p.type); !s) return s.error();
  if (auto s = check_feature_set(*o); !s) return s.error();
  if (auto s = check_content(p.type, p.content); !s) return s.error();
  if (auto s = check_unique_name(call, *o, p.type, p.name, ""); !s) return s.error();
  auto n = call.tx.query("SELECT COUNT(*) FROM org_policies WHERE org_id = ? AND policy_type = ?", {o->id, p.type});
  if (!n) return n.error();
  if (n->front().i64(0) >= kMaxPoliciesPerType)
    return constraint_violation("POLICY_NUMBER_LIMIT_EXCEEDED", "You have reached the maximum number of policies of this type.");
  auto ins = call.tx.exec("INSERT INTO org_policies (policy_id, org_id, name, description, policy_type, content, aws_managed) "
                          "VALUES (?, ?, ?, ?, ?, ?, 0)",
                          {p.id, p.org_id, p.name, p.description, p.type, p.content});
  if (!ins) return ins.error();
  if (auto s = put_tags(call.tx, o->id, p.id, call.input.if_contains("Tags")); !s) return s.error();
  return json::object{{"Policy", policy_json(*o, p)}};
}

AwsError immutable_policy() {
  return invalid_input("IMMUTABLE_POLICY", "You specified a policy that is managed by AWS and can't be modified.");
}

Result<json::value> update_policy(Call& call) {
  auto o = management_org(call);
  if (!o) return o.error();
  auto p = load_policy(call, *o, call.str("PolicyId"));
  if (!p) return p.error();
  if (p->aws_managed) return immutable_policy();
  if (call.has("Name")) {
    p->name = call.str("Name");
    if (auto s = check_unique_name(call, *o, p->type, p->name, p->id); !s) return s.error();
  }
  if (call.has("Description")) p->description = call.str("Description");
  if (call.has("Content")) {
    p->content = call.str("Content");
    if (auto s = check_content(p->type, p->content); !s) return s.error();
  }
  auto up = call.tx.exec("UPDATE org_policies SET name = ?, description = ?, content = ? WHERE policy_id = ?",
                         {p->name, p->description, p->content, p->id});
  if (!up) return up.error();
  return json::object{{"Policy", policy_json(*o, *p)}};
}

Result<json::value> delete_policy(Call& call) {
  auto o = management_org(call);
  if (!o) return o.error();
  auto p = load_policy(call, *o, call.str("PolicyId"));
  if (!p) return p.error();
  if (p->aws_managed) return immutable_policy();
  auto n = call.tx.query("SELECT COUNT(*) FROM org_policy_attachments WHERE policy_id = ?", {p->id});
  if (!n) return n.error();
  if (n->front().i64(0) > 0)
    return org_error("PolicyInUseException",
                     "The policy is attached to one or more entities. You must detach it from all roots, OUs, and accounts "
                     "before performing this operation.");
  auto del = call.tx.exec("DELETE FROM org_policies WHERE policy_id = ?", {p->id});
  if (!del) return del.error();
  auto tags = call.tx.exec("DELETE FROM org_tags WHERE resource_id = ?", {p->id});
  if (!tags) return tags.error();
  return json::object{};
}

Result<json::value> describe_policy(Call& call) {
  auto o = reader_org(call);
  if (!o) return o.error();
  auto p = load_policy(call, *o, call.str("PolicyId"));
  if (!p) return p.error();
  return json::object{{"Policy", policy_json(*o, *p)}};
}

Result<json::value> list_policies(Call& call) {
  auto o = reader_org(call);
  if (!o) return o.error();
  std::string type = call.str("Filter");
  if (auto s = check_type(type); !s) return s.error();
  auto rows = call.tx.query(std::string("SELECT ") + kPolicyColumns + " FROM org_policies WHERE org_id IN (?, 'aws') AND policy_type = ?",
                            {o->id, type});
  if (!rows) return rows.error();
  std::vector<Item> items;
  for (auto& r : *rows) {
    PolicyRow p = read_policy(r);
    items.push_back({p.id, summary_json(*o, p)});
  }
  auto out = page(call, std::move(items), "Policies");
  if (!out) return out.error();
  return std::move(*out);
}

AwsError target_not_found() { return org_error("TargetNotFoundException", "You specified a target that doesn't exist."); }

int64_t max_attachments(const std::string& type) { return type == kScp || type == kRcp ? 5 : 10; }

Result<json::value> attach_policy(Call& call) {
  auto o = management_org(call);
  if (!o) return o.error();
  auto p = load_policy(call, *o, call.str("PolicyId"));
  if (!p) return p.error();
  auto t = find_target(call.tx, *o, call.str("TargetId"));
  if (!t) return t.error();
  if (!*t) return target_not_found();
  auto on = type_enabled(call.tx, o->id, p->type);
  if (!on) return on.error();
  if (!*on) return org_error("PolicyTypeNotEnabledException", "This operation can be performed only for enabled policy types.");
  auto rows = call.tx.query("SELECT policy_id FROM org_policy_attachments WHERE target_id = ? AND policy_type = ?",
                            {(*t)->id, p->type});
  if (!rows) return rows.error();
  for (auto& r : *rows)
    if (r.str(0) == p->id)
      return org_error("DuplicatePolicyAttachmentException", "The selected policy is already attached to the specified target.");
  if (static_cast<int64_t>(rows->size()) >= max_attachments(p->type))
    return constraint_violation("MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED",
                                "You have attached the maximum number of policies of this type to the specified target.");
  auto ins = call.tx.exec("INSERT INTO org_policy_attachments (org_id, target_id, policy_id, policy_type) VALUES (?, ?, ?, ?)",
                          {o->id, (*t)->id, p->id, p->type});
  if (!ins) return ins.error();
  return json::object{};
}

Result<json::value> detach_policy(Call& call) {
  auto o = management_org(call);
  if (!o) return o.error();
  auto p = load_policy(call, *o, call.str("PolicyId"));
  if (!p) return p.error();
  auto t = find_target(call.tx, *o, call.str("TargetId"));
  if (!t) return t.error();
  if (!*t) return target_not_found();
  auto rows = call.tx.query("SELECT policy_id FROM org_policy_attachments WHERE target_id = ? AND policy_type = ?",
                            {(*t)->id, p->type});
  if (!rows) return rows.error();
  bool attached = false;
  for (auto& r : *rows) attached = attached || r.str(0) == p->id;
  if (!attached)
    return org_error("PolicyNotAttachedException", "The policy isn't attached to the specified target in the specified root.");
  if (p->id == kRcpFullAwsAccess)
    return invalid_input("NON_DETACHABLE_POLICY", "You can't detach this AWS Managed Policy.");
  if (p->type == kScp && rows->size() == 1)
    return constraint_violation("MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED",
                                "You can't detach the last service control policy from the target: every root, OU and "
                                "account must have at least one SCP attached.");
  auto del = call.tx.exec("DELETE FROM org_policy_attachments WHERE target_id = ? AND policy_id = ?", {(*t)->id, p->id});
  if (!del) return del.error();
  return json::object{};
}

Result<json::value> list_policies_for_target(Call& call) {
  auto o = reader_org(call);
  if (!o) return o.error();
  std::string type = call.str("Filter");
  if (auto s = check_type(type); !s) return s.error();
  auto t = find_target(call.tx, *o, call.str("TargetId"));
  if (!t) return t.error();
  if (!*t) return target_not_found();
  auto rows = call.tx.query(std::string("SELECT p.policy_id, p.org_id, p.name, p.description, p.policy_type, p.content, p.aws_managed ") +
                                "FROM org_policy_attachments a JOIN org_policies p ON p.policy_id = a.policy_id "
                                "WHERE a.target_id = ? AND a.policy_type = ?",
                            {(*t)->id, type});
  if (!rows) return rows.error();
  std::vector<Item> items;
  for (auto& r : *rows) {
    PolicyRow p = read_policy(r);
    items.push_back({p.id, summary_json(*o, p)});
  }
  auto out = page(call, std::move(items), "Policies");
  if (!out) return out.error();
  return std::move(*out);
}

Result<json::value> list_targets_for_policy(Call& call) {
  auto o = reader_org(call);
  if (!o) return o.error();
  auto p = load_policy(call, *o, call.str("PolicyId"));
  if (!p) return p.error();
  auto rows = call.tx.query("SELECT target_id FROM org_policy_attachments WHERE policy_id = ? AND org_id = ?", {p->id, o->id});
  if (!rows) return rows.error();
  std::vector<Item> items;
  for (auto& r : *rows) {
    auto t = find_target(call.tx, *o, r.str(0));
    if (!t) return t.error();
    if (!*t) continue;
    items.push_back({(*t)->id, json::object{{"TargetId", (*t)->id},
                                            {"Arn", (*t)->arn},
                                            {"Name", (*t)->name},
                                            {"Type", target_type_name((*t)->type)}}});
  }
  auto out = page(call, std::move(items), "Targets");
  if (!out) return out.error();
  return std::move(*out);
}

}  // namespace

void add_policy_operations(std::vector<OperationDef>& ops) {
  ops.push_back(org_op("EnablePolicyType", false, arn_of("RootId"), enable_policy_type));
  ops.push_back(org_op("DisablePolicyType", false, arn_of("RootId"), disable_policy_type));
  ops.push_back(org_op("CreatePolicy", false, no_resource, create_policy, true));
  ops.push_back(org_op("UpdatePolicy", false, arn_of("PolicyId"), update_policy));
  ops.push_back(org_op("DeletePolicy", false, arn_of("PolicyId"), delete_policy));
  ops.push_back(org_op("DescribePolicy", true, arn_of("PolicyId"), describe_policy));
  ops.push_back(org_op("ListPolicies", true, no_resource, list_policies));
  ops.push_back(org_op("AttachPolicy", false, arns_of({"PolicyId", "TargetId"}), attach_policy));
  ops.push_back(org_op("DetachPolicy", false, arns_of({"PolicyId", "TargetId"}), detach_policy));
  ops.push_back(org_op("ListPoliciesForTarget", true, arn_of("TargetId"), list_policies_for_target));
  ops.push_back(org_op("ListTargetsForPolicy", true, arn_of("PolicyId"), list_targets_for_policy));
}

}  // namespace citadel::services::organizations
