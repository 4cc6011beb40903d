// Customer managed policies and their versions: CreatePolicy, GetPolicy, DeletePolicy, ListPolicies,
// CreatePolicyVersion, GetPolicyVersion, ListPolicyVersions, DeletePolicyVersion,
// SetDefaultPolicyVersion, TagPolicy, UntagPolicy, ListPolicyTags.
#include "base/ids.h"
#include "services/iam/iam_common.h"
#include "services/iam/iam_operations.h"

namespace citadel::services::iam {

namespace {

constexpr int64_t kMaxVersions = 5;
constexpr int64_t kMaxPoliciesPerAccount = 1500;

json::object policy_json(const PolicyRow& p, int64_t attachments, int64_t boundaries) {
  return json::object{{"PolicyName", p.name},
                      {"PolicyId", p.policy_id},
                      {"Arn", p.arn},
                      {"Path", p.path},
                      {"DefaultVersionId", version_id(p.default_version)},
                      {"AttachmentCount", attachments},
                      {"PermissionsBoundaryUsageCount", boundaries},
                      {"IsAttachable", true},
                      {"CreateDate", p.created_ms},
                      {"UpdateDate", p.updated_ms}};
}

Result<json::array> policy_tags(store::Tx& tx, const std::string& policy_id) {
  return read_tags(tx, "iam_policy_tags", "policy_id", policy_id);
}

Status put_policy_tags(Call& call, const std::string& policy_id, const json::value* tags) {
  return put_tags(call.tx, "iam_policy_tags", "policy_id", policy_id, tags, "Policy");
}

Result<json::value> create_policy(Call& call) {
  std::string name = call.str("PolicyName");
  std::string path = call.has("Path") ? call.str("Path") : "/";
  std::string document = call.str("PolicyDocument");
  if (auto s = check_path(path, "path"); !s) return s.error();
  if (auto s = check_document(document, policy::PolicyKind::Identity); !s) return s.error();
  auto clash = call.tx.query("SELECT 1 FROM iam_policies WHERE account_id = ? AND name_lc = ?", {call.account(), lower(name)});
  if (!clash) return clash.error();
  if (!clash->empty())
    return AwsError::sender("EntityAlreadyExists", "A policy called " + name + " already exists. Duplicate names are not allowed.", 409);
  auto count = call.tx.query("SELECT COUNT(*) FROM iam_policies WHERE account_id = ?", {call.account()});
  if (!count) return count.error();
  if (count->front().i64(0) >= kMaxPoliciesPerAccount)
    return AwsError::sender("LimitExceeded", "Cannot exceed quota for PoliciesPerAccount: 1500", 409);
  PolicyRow p{ids::unique_id("ANPA", 17), call.account(), name, path, policy_arn(call.account(), path, name),
              call.str("Description"), 1, 2, call.ctx.now_ms, call.ctx.now_ms};
  auto ins = call.tx.exec(
      "INSERT INTO iam_policies (policy_id, account_id, name_lc, policy_name, path, arn, description, default_version, "
      "next_version, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?, 1, 2, ?, ?)",
      {p.policy_id, p.account, lower(name), name, path, p.arn, p.description, p.created_ms, p.updated_ms});
  if (!ins) return ins.error();
  auto v = call.tx.exec("INSERT INTO iam_policy_versions (policy_id, version, document, created_ms) VALUES (?, 1, ?, ?)",
                        {p.policy_id, document, p.created_ms});
  if (!v) return v.error();
  if (auto s = put_policy_tags(call, p.policy_id, call.input.if_contains("Tags")); !s) return s.error();
  json::object out = policy_json(p, 0, 0);
  if (!p.description.empty()) out["Description"] = p.description;
  auto tags = policy_tags(call.tx, p.policy_id);
  if (!tags) return tags.error();
  if (!tags->empty()) out["Tags"] = std::move(*tags);
  return json::object{{"Policy", std::move(out)}};
}

Result<json::value> get_policy(Call& call) {
  auto p = load_policy(call.tx, call.account(), call.str("PolicyArn"));
  if (!p) return p.error();
  auto attached = attachment_count(call.tx, call.account(), p->policy_id);
  if (!attached) return attached.error();
  auto bounded = boundary_usage_count(call.tx, call.account(), p->arn);
  if (!bounded) return bounded.error();
  json::object out = policy_json(*p, *attached, *bounded);
  if (!p->description.empty()) out["Description"] = p->description;
  auto tags = policy_tags(call.tx, p->policy_id);
  if (!tags) return tags.error();
  if (!tags->empty()) out["Tags"] = std::move(*tags);
  return json::object{{"Policy", std::move(out)}};
}

Result<json::value> delete_policy(Call& call) {
  auto p = load_policy(call.tx, call.account(), call.str("PolicyArn"));
  if (!p) return p.error();
  if (auto s = check_customer_managed(*p); !s) return s.error();
  auto attached = attachment_count(call.tx, call.account(), p->policy_id);
  if (!attached) return attached.error();
  auto bounded = boundary_usage_count(call.tx, call.account(), p->arn);
  if (!bounded) return bounded.error();
  if (*attached > 0 || *bounded > 0)
    return AwsError::sender("DeleteConflict", "Cannot delete a policy attached to entities.", 409);
  auto versions = call.tx.query("SELECT COUNT(*) FROM iam_policy_versions WHERE policy_id = ?", {p->policy_id});
  if (!versions) return versions.error();
  if (versions->front().i64(0) > 1)
    return AwsError::sender("DeleteConflict",
                            "This policy has more than one version. Before you delete a policy, you must delete the policy's "
                            "versions. The default version is deleted with the policy.",
                            409);
  auto del = call.tx.exec("DELETE FROM iam_policies WHERE policy_id = ?", {p->policy_id});
  if (!del) return del.error();
  return json::object{};
}

Result<json::value> list_policies(Call& call) {
  auto page = read_page(call);
  if (!page) return page.error();
  std::string scope = call.has("Scope") ? call.str("Scope") : "All";
  std::string prefix = call.has("PathPrefix") ? call.str("PathPrefix") : "/";
  bool only_attached = false;
  if (const auto* v = call.input.if_contains("OnlyAttached"); v && v->is_bool()) only_attached = v->as_bool();
  std::string usage = call.str("PolicyUsageFilter");

  std::string accounts = scope == "AWS" ? "p.account_id = 'aws'" : scope == "Local" ? "p.account_id = ?" : "p.account_id IN (?, 'aws')";
  std::vector<store::Value> params{call.account(), call.account(), call.account()};
  std::string sql = std::string("SELECT * FROM (SELECT ") + kPolicyColumns +
                    ", (SELECT COUNT(*) FROM iam_policy_attachments a WHERE a.policy_id = p.policy_id AND a.account_id = ?) AS ac"
                    ", (SELECT COUNT(*) FROM iam_users u WHERE u.account_id = ? AND u.permissions_boundary = p.arn) + "
                    "(SELECT COUNT(*) FROM iam_roles r WHERE r.account_id = ? AND r.permissions_boundary = p.arn) AS bc"
                    ", p.name_lc || '|' || p.arn AS sort_key FROM iam_policies p WHERE " +
                    accounts + " AND substr(p.path, 1, length(?)) = ?) x WHERE sort_key > ?";
  if (scope != "AWS") params.push_back(call.account());
  params.push_back(prefix);
  params.push_back(prefix);
  params.push_back(page->after);
  // OnlyAttached lists policies in use; PolicyUsageFilter narrows "in use" to one kind of use.
  if (only_attached) {
    if (usage == "PermissionsPolicy") sql += " AND ac > 0";
    else if (usage == "PermissionsBoundary") sql += " AND bc > 0";
    else sql += " AND (ac > 0 OR bc > 0)";
  } else if (usage == "PermissionsBoundary") {
    sql += " AND bc > 0";
  }
  sql += " ORDER BY sort_key LIMIT ?";
  params.push_back(page->max_items + 1);
  auto rows = call.tx.query_v(sql, params);
  if (!rows) return rows.error();
  json::object out;
  size_t n = finish_page(*page, *rows, [](const store::Row& r) { return r.str(12); }, out);
  json::array policies;
  for (size_t i = 0; i < n; ++i) {
    const auto& r = (*rows)[i];
    policies.push_back(policy_json(read_policy(r), r.i64(10), r.i64(11)));
  }
  out["Policies"] = std::move(policies);
  return out;
}

Result<json::value> create_policy_version(Call& call) {
  auto p = load_policy(call.tx, call.account(), call.str("PolicyArn"));
  if (!p) return p.error();
  if (auto s = check_customer_managed(*p); !s) return s.error();
  std::string document = call.str("PolicyDocument");
  if (auto s = check_document(document, policy::PolicyKind::Identity); !s) return s.error();
  auto count = call.tx.query("SELECT COUNT(*) FROM iam_policy_versions WHERE policy_id = ?", {p->policy_id});
  if (!count) return count.error();
  if (count->front().i64(0) >= kMaxVersions)
    return AwsError::sender("LimitExceeded",
                            "A managed policy can have up to 5 versions. Before you create a new version, you must delete an "
                            "existing version.",
                            409);
  bool set_default = false;
  if (const auto* v = call.input.if_contains("SetAsDefault"); v && v->is_bool()) set_default = v->as_bool();
  int64_t version = p->next_version;
  auto ins = call.tx.exec("INSERT INTO iam_policy_versions (policy_id, version, document, created_ms) VALUES (?, ?, ?, ?)",
                          {p->policy_id, version, document, call.ctx.now_ms});
  if (!ins) return ins.error();
  auto up = call.tx.exec("UPDATE iam_policies SET next_version = ?, updated_ms = ?, default_version = ? WHERE policy_id = ?",
                         {version + 1, call.ctx.now_ms, set_default ? version : p->default_version, p->policy_id});
  if (!up) return up.error();
  return json::object{{"PolicyVersion", json::object{{"VersionId", version_id(version)},
                                                     {"IsDefaultVersion", set_default},
                                                     {"CreateDate", call.ctx.now_ms}}}};
}

AwsError no_such_version(const PolicyRow& p, const std::string& id) {
  return AwsError::sender("NoSuchEntity", "Policy " + p.arn + " version " + id + " does not exist or is not attachable.", 404);
}

Result<json::value> get_policy_version(Call& call) {
  auto p = load_policy(call.tx, call.account(), call.str("PolicyArn"));
  if (!p) return p.error();
  std::string id = call.str("VersionId");
  auto rows = call.tx.query("SELECT document, created_ms FROM iam_policy_versions WHERE policy_id = ? AND version = ?",
                            {p->policy_id, parse_version_id(id)});
  if (!rows) return rows.error();
  if (rows->empty()) return no_such_version(*p, id);
  int64_t version = parse_version_id(id);
  return json::object{{"PolicyVersion", json::object{{"Document", encode_document(rows->front().str(0))},
                                                     {"VersionId", version_id(version)},
                                                     {"IsDefaultVersion", version == p->default_version},
                                                     {"CreateDate", rows->front().i64(1)}}}};
}

Result<json::value> list_policy_versions(Call& call) {
  auto p = load_policy(call.tx, call.account(), call.str("PolicyArn"));
  if (!p) return p.error();
  auto page = read_page(call);
  if (!page) return page.error();
  // Newest first, as IAM lists them; the marker is the last version listed.
  int64_t before = page->after.empty() ? INT64_MAX : parse_version_id(page->after);
  auto rows = call.tx.query("SELECT version, created_ms FROM iam_policy_versions WHERE policy_id = ? AND version < ? "
                            "ORDER BY version DESC LIMIT ?",
                            {p->policy_id, before, page->max_items + 1});
  if (!rows) return rows.error();
  json::object out;
  size_t n = finish_page(*page, *rows, [](const store::Row& r) { return version_id(r.i64(0)); }, out);
  json::array versions;
  for (size_t i = 0; i < n; ++i) {
    const auto& r = (*rows)[i];
    versions.push_back(json::object{{"VersionId", version_id(r.i64(0))},
                                    {"IsDefaultVersion", r.i64(0) == p->default_version},
                                    {"CreateDate", r.i64(1)}});
  }
  out["Versions"] = std::move(versions);
  return out;
}

Result<json::value> delete_policy_version(Call& call) {
  auto p = load_policy(call.tx, call.account(), call.str("PolicyArn"));
  if (!p) return p.error();
  if (auto s = check_customer_managed(*p); !s) return s.error();
  std::string id = call.str("VersionId");
  int64_t version = parse_version_id(id);
  if (version == p->default_version)
    return AwsError::sender("DeleteConflict", "Cannot delete the default version of a policy.", 409);
  auto del = call.tx.exec("DELETE FROM iam_policy_versions WHERE policy_id = ? AND version = ?", {p->policy_id, version});
  if (!del) return del.error();
  if (*del == 0) return no_such_version(*p, id);
  return json::object{};
}

Result<json::value> set_default_policy_version(Call& call) {
  auto p = load_policy(call.tx, call.account(), call.str("PolicyArn"));
  if (!p) return p.error();
  if (auto s = check_customer_managed(*p); !s) return s.error();
  std::string id = call.str("VersionId");
  int64_t version = parse_version_id(id);
  auto rows = call.tx.query("SELECT 1 FROM iam_policy_versions WHERE policy_id = ? AND version = ?", {p->policy_id, version});
  if (!rows) return rows.error();
  if (rows->empty()) return no_such_version(*p, id);
  auto up = call.tx.exec("UPDATE iam_policies SET default_version = ? WHERE policy_id = ?", {version, p->policy_id});
  if (!up) return up.error();
  return json::object{};
}

Result<json::value> tag_policy(Call& call) {
  auto p = load_policy(call.tx, call.account(), call.str("PolicyArn"));
  if (!p) return p.error();
  if (auto s = check_customer_managed(*p); !s) return s.error();
  if (auto s = put_policy_tags(call, p->policy_id, call.input.if_contains("Tags")); !s) return s.error();
  return json::object{};
}

Result<json::value> untag_policy(Call& call) {
  auto p = load_policy(call.tx, call.account(), call.str("PolicyArn"));
  if (!p) return p.error();
  if (auto s = check_customer_managed(*p); !s) return s.error();
  if (auto s = remove_tags(call.tx, "iam_policy_tags", "policy_id", p->policy_id, call.input.if_contains("TagKeys")); !s)
    return s.error();
  return json::object{};
}

Result<json::value> list_policy_tags(Call& call) {
  auto p = load_policy(call.tx, call.account(), call.str("PolicyArn"));
  if (!p) return p.error();
  auto tags = policy_tags(call.tx, p->policy_id);
  if (!tags) return tags.error();
  return tags_page(call, *tags);
}

}  // namespace

void add_managed_policy_operations(std::vector<OperationDef>& ops) {
  // Every operation but CreatePolicy and ListPolicies authorizes on the ARN it names.
  auto def = [&](const char* name, bool ro, Handler h) {
    ops.push_back(OperationDef{name, ro, false,
                               [name](const RequestContext& c, const json::object& i, store::Tx& tx) {
                                 return policy_authz(std::string("iam:") + name, c, i, tx);
                               },
                               std::move(h)});
  };
  ops.push_back(OperationDef{"CreatePolicy", false, false,
                             [](const RequestContext& c, const json::object& i, store::Tx&) {
                               std::string path = i.contains("Path") ? input_str(i, "Path") : "/";
                               return AuthzRequest{"iam:CreatePolicy",
                                                   {policy_arn(c.principal->account_id, path, input_str(i, "PolicyName"))},
                                                   tag_condition_keys(i, "Tags")};
                             },
                             create_policy});
  def("GetPolicy", true, get_policy);
  def("DeletePolicy", false, delete_policy);
  ops.push_back(OperationDef{"ListPolicies", true, false,
                             [](const RequestContext& c, const json::object&, store::Tx&) {
                               return AuthzRequest{"iam:ListPolicies", {"arn:aws:iam::" + c.principal->account_id + ":policy/*"}, {}};
                             },
                             list_policies});
  def("CreatePolicyVersion", false, create_policy_version);
  def("GetPolicyVersion", true, get_policy_version);
  def("ListPolicyVersions", true, list_policy_versions);
  def("DeletePolicyVersion", false, delete_policy_version);
  def("SetDefaultPolicyVersion", false, set_default_policy_version);
  ops.push_back(OperationDef{"TagPolicy", false, false,
                             [](const RequestContext& c, const json::object& i, store::Tx& tx) {
                               AuthzRequest req = policy_authz("iam:TagPolicy", c, i, tx);
                               for (auto& [k, v] : tag_condition_keys(i, "Tags")) req.condition_keys[k] = v;
                               return req;
                             },
                             tag_policy});
  ops.push_back(OperationDef{"UntagPolicy", false, false,
                             [](const RequestContext& c, const json::object& i, store::Tx& tx) {
                               AuthzRequest req = policy_authz("iam:UntagPolicy", c, i, tx);
                               for (auto& [k, v] : tag_condition_keys(i, "TagKeys")) req.condition_keys[k] = v;
                               return req;
                             },
                             untag_policy});
  def("ListPolicyTags", true, list_policy_tags);
}

}  // namespace citadel::services::iam
