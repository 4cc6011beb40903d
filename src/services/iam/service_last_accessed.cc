// Service last accessed data: GenerateServiceLastAccessedDetails, GetServiceLastAccessedDetails and
// GetServiceLastAccessedDetailsWithEntities. For a user, group, role or managed policy: every service
// its policies grant, and when an entity it covers last called that service (from the audit trail,
// auth/key_usage.h's entity_activity). Jobs complete when they are created; the report is stored
// with the job, as IAM keeps it for later reads.
#include <charconv>
#include <map>

#include "base/ids.h"
#include "policy/service_data.h"
#include "services/iam/iam_common.h"
#include "services/iam/iam_operations.h"
#include "services/iam/service_access.h"

namespace citadel::services::iam {

namespace {

// IAM's names for the services Citadel serves and their neighbours; others are named by prefix.
std::string service_name(const std::string& ns) {
  static const std::map<std::string, std::string> names{
      {"artifact", "AWS Artifact"},
      {"cloudtrail", "AWS CloudTrail"},
      {"cloudwatch", "Amazon CloudWatch"},
      {"ec2", "Amazon EC2"},
      {"guardduty", "Amazon GuardDuty"},
      {"iam", "AWS Identity and Access Management"},
      {"inspector2", "Amazon Inspector2"},
      {"kms", "AWS Key Management Service"},
      {"logs", "Amazon CloudWatch Logs"},
      {"macie2", "Amazon Macie"},
      {"organizations", "AWS Organizations"},
      {"s3", "Amazon S3"},
      {"shield", "AWS Shield"},
      {"sts", "AWS Security Token Service"},
      {"trustedadvisor", "AWS Trusted Advisor"},
      {"wafv2", "AWS WAF V2"},
      {"xray", "AWS X-Ray"},
  };
  auto it = names.find(ns);
  return it == names.end() ? ns : it->second;
}

struct EntityInfo {
  std::string arn, name, type, id, path;  // type: USER / ROLE / GROUP
};

struct Subject {
  std::vector<std::string> documents;  // the policies that decide which services are granted
  std::vector<EntityInfo> entities;    // whose activity counts
};

Status add_users(store::Tx& tx, const std::string& account, const std::string& sql, const std::string& key, Subject& s) {
  auto rows = tx.query(sql, {key});
  if (!rows) return rows.error();
  for (auto& r : *rows) s.entities.push_back({user_arn(account, r.str(2), r.str(0)), r.str(0), "USER", r.str(1), r.str(2)});
  return Ok{};
}

Status add_documents(store::Tx& tx, const std::string& entity_id, const char* type, const std::string& name, Subject& s) {
  auto policies = entity_policies(tx, entity_id, type, name);
  if (!policies) return policies.error();
  for (auto& p : *policies) s.documents.push_back(p.document);
  return Ok{};
}

constexpr const char* kMembersOfGroup =
    "SELECT u.user_name, u.user_id, u.path FROM iam_group_members m JOIN iam_users u ON u.user_id = m.user_id WHERE m.group_id = ?";

// What the ARN names: its policies and the entities whose calls count.
Result<Subject> load_subject(Call& call, const std::string& arn) {
  Subject s;
  std::string kind, name;
  if (arn.find(":policy/") != std::string::npos) {
    auto p = load_policy(call.tx, call.account(), arn);
    if (!p) return p.error();
    auto doc = default_document(call.tx, *p);
    if (!doc) return doc.error();
    s.documents.push_back(*doc);
    auto attached = call.tx.query("SELECT entity_id, entity_type FROM iam_policy_attachments WHERE policy_id = ? AND account_id = ?",
                                  {p->policy_id, call.account()});
    if (!attached) return attached.error();
    for (auto& a : *attached) {
      std::string type = a.str(1), id = a.str(0);
      if (type == "User") {
        if (auto st = add_users(call.tx, call.account(), "SELECT user_name, user_id, path FROM iam_users WHERE user_id = ?", id, s); !st)
          return st.error();
      } else if (type == "Group") {
        if (auto st = add_users(call.tx, call.account(), kMembersOfGroup, id, s); !st) return st.error();
      } else {
        auto r = call.tx.query("SELECT role_name, role_id, path, arn FROM iam_roles WHERE role_id = ?", {id});
        if (!r) return r.error();
        for (auto& row : *r) s.entities.push_back({row.str(3), row.str(0), "ROLE", row.str(1), row.str(2)});
      }
    }
    return s;
  }
  if (!split_identity_arn(arn, call.account(), &kind, &name) || (kind != "user" && kind != "group" && kind != "role"))
    return AwsError::sender("InvalidInput", "ARN " + arn + " is not valid.", 400);
  if (kind == "user") {
    auto u = load_user(call.tx, call.account(), name);
    if (!u) return u.error();
    if (auto st = add_documents(call.tx, u->user_id, "USER", u->name, s); !st) return st.error();
    auto groups = call.tx.query("SELECT g.group_id, g.group_name FROM iam_group_members m JOIN iam_groups g ON g.group_id = m.group_id "
                                "WHERE m.user_id = ?",
                                {u->user_id});
    if (!groups) return groups.error();
    for (auto& g : *groups)
      if (auto st = add_documents(call.tx, g.str(0), "GROUP", g.str(1), s); !st) return st.error();
    s.entities.push_back({user_arn(call.account(), u->path, u->name), u->name, "USER", u->user_id, u->path});
  } else if (kind == "group") {
    auto g = load_group(call.tx, call.account(), name);
    if (!g) return g.error();
    if (auto st = add_documents(call.tx, g->group_id, "GROUP", g->name, s); !st) return st.error();
    if (auto st = add_users(call.tx, call.account(), kMembersOfGroup, g->group_id, s); !st) return st.error();
  } else {
    auto r = load_role(call.tx, call.account(), name);
    if (!r) return r.error();
    if (auto st = add_documents(call.tx, r->role_id, "ROLE", r->name, s); !st) return st.error();
    s.entities.push_back({r->arn, r->name, "ROLE", r->role_id, r->path});
  }
  return s;
}

Result<json::value> generate_service_last_accessed_details(Call& call) {
  std::string arn = call.str("Arn");
  auto subject = load_subject(call, arn);
  if (!subject) return subject.error();
  std::vector<policy::Policy> parsed;
  for (auto& d : subject->documents)
    if (auto p = policy::parse_unbounded(d, policy::PolicyKind::Identity)) parsed.push_back(std::move(p).value());

  // The entities' last calls, per service.
  struct Last {
    int64_t ms = 0;
    std::string entity, region;
    std::map<std::string, int64_t> by_entity;
  };
  std::map<std::string, Last> last;
  for (const auto& e : subject->entities) {
    auto rows = call.tx.query("SELECT service, last_ms, region FROM entity_activity WHERE entity_arn = ?", {e.arn});
    if (!rows) return rows.error();
    for (auto& r : *rows) {
      Last& l = last[r.str(0)];
      l.by_entity[e.arn] = r.i64(1);
      if (r.i64(1) >= l.ms) l.ms = r.i64(1), l.entity = e.arn, l.region = r.str(2);
    }
  }

  json::array services;
  json::object entities_by_service;
  auto catalog = policy::ServiceData::embedded();
  for (const auto& ns : catalog->service_prefixes()) {
    bool granted = false;
    for (const auto& p : parsed) granted = granted || policy_grants_service(p, ns);
    if (!granted) continue;
    json::object svc{{"ServiceName", service_name(ns)}, {"ServiceNamespace", ns}, {"TotalAuthenticatedEntities", 0}};
    json::array entity_details;
    auto it = last.find(ns);
    for (const auto& e : subject->entities) {
      json::object d{{"EntityInfo", json::object{{"Arn", e.arn}, {"Name", e.name}, {"Type", e.type}, {"Id", e.id}, {"Path", e.path}}}};
      if (it != last.end())
        if (auto used = it->second.by_entity.find(e.arn); used != it->second.by_entity.end()) d["LastAuthenticated"] = used->second;
      entity_details.push_back(std::move(d));
    }
    if (it != last.end()) {
      svc["LastAuthenticated"] = it->second.ms;
      svc["LastAuthenticatedEntity"] = it->second.entity;
      svc["LastAuthenticatedRegion"] = it->second.region;
      svc["TotalAuthenticatedEntities"] = static_cast<int64_t>(it->second.by_entity.size());
    }
    services.push_back(std::move(svc));
    entities_by_service[ns] = std::move(entity_details);
  }
  std::string job_id = ids::uuid4();
  std::string granularity = call.has("Granularity") ? call.str("Granularity") : "SERVICE_LEVEL";
  json::object report{{"services", std::move(services)}, {"entities", std::move(entities_by_service)}};
  auto ins = call.tx.exec("INSERT INTO iam_service_last_accessed_jobs (job_id, account_id, job_type, created_ms, completed_ms, services) "
                          "VALUES (?, ?, ?, ?, ?, ?)",
                          {job_id, call.account(), granularity, call.ctx.now_ms, call.ctx.now_ms, json::serialize(report)});
  if (!ins) return ins.error();
  return json::object{{"JobId", job_id}};
}

struct Job {
  std::string type;
  int64_t created_ms = 0, completed_ms = 0;
  json::object report;
};

Result<Job> load_job(Call& call) {
  std::string id = call.str("JobId");
  auto rows = call.tx.query("SELECT job_type, created_ms, completed_ms, services FROM iam_service_last_accessed_jobs "
                            "WHERE job_id = ? AND account_id = ?",
                            {id, call.account()});
  if (!rows) return rows.error();
  if (rows->empty()) return AwsError::sender("NoSuchEntity", "Job with id " + id + " cannot be found.", 404);
  const auto& r = rows->front();
  return Job{r.str(0), r.i64(1), r.i64(2), json::parse(r.str(3)).as_object()};
}

// Pages a stored list by position: the marker carries the index of the next entry.
Result<json::object> page_of(Call& call, const json::array& all, const char* member) {
  auto page = read_page(call);
  if (!page) return page.error();
  size_t start = 0;
  if (!page->after.empty()) {
    auto [end, ec] = std::from_chars(page->after.data(), page->after.data() + page->after.size(), start);
    if (ec != std::errc() || end != page->after.data() + page->after.size())
      return AwsError::sender("InvalidInput", "Invalid Marker.", 400);
  }
  json::object out;
  json::array items;
  for (size_t i = start; i < all.size() && items.size() < static_cast<size_t>(page->max_items); ++i) items.push_back(all[i]);
  size_t next = start + items.size();
  out[member] = std::move(items);
  out["IsTruncated"] = next < all.size();
  if (next < all.size()) out["Marker"] = make_marker(std::to_string(next));
  return out;
}

Result<json::value> get_service_last_accessed_details(Call& call) {
  auto job = load_job(call);
  if (!job) return job.error();
  auto out = page_of(call, job->report.at("services").as_array(), "ServicesLastAccessed");
  if (!out) return out.error();
  (*out)["JobStatus"] = "COMPLETED";
  (*out)["JobType"] = job->type;
  (*out)["JobCreationDate"] = job->created_ms;
  (*out)["JobCompletionDate"] = job->completed_ms;
  return std::move(*out);
}

Result<json::value> get_service_last_accessed_details_with_entities(Call& call) {
  auto job = load_job(call);
  if (!job) return job.error();
  std::string ns = call.str("ServiceNamespace");
  static const json::array none;
  const auto& by_service = job->report.at("entities").as_object();
  const auto* list = by_service.if_contains(ns);
  auto out = page_of(call, list ? list->as_array() : none, "EntityDetailsList");
  if (!out) return out.error();
  (*out)["JobStatus"] = "COMPLETED";
  (*out)["JobCreationDate"] = job->created_ms;
  (*out)["JobCompletionDate"] = job->completed_ms;
  return std::move(*out);
}

}  // namespace

void add_service_last_accessed_operations(std::vector<OperationDef>& ops) {
  ops.push_back(OperationDef{"GenerateServiceLastAccessedDetails", false, false,
                             [](const RequestContext&, const json::object& in, store::Tx&) {
                               return AuthzRequest{"iam:GenerateServiceLastAccessedDetails", {input_str(in, "Arn")}, {}};
                             },
                             generate_service_last_accessed_details});
  auto get = [&](const char* name, Handler h) {
    ops.push_back(OperationDef{name, true, false,
                               [name](const RequestContext&, const json::object&, store::Tx&) {
                                 return AuthzRequest{std::string("iam:") + name, {"*"}, {}};
                               },
                               std::move(h)});
  };
  get("GetServiceLastAccessedDetails", get_service_last_accessed_details);
  get("GetServiceLastAccessedDetailsWithEntities", get_service_last_accessed_details_with_entities);
}

}  // namespace citadel::services::iam
