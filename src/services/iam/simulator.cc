// The IAM policy simulator: SimulateCustomPolicy and SimulatePrincipalPolicy, answered by the
// same engine (src/policy/) that authorizes every request.
#include <deque>

#include "policy/compiled.h"
#include "policy/evaluate.h"
#include "policy/policy.h"
#include "policy/text.h"
#include "policy/values.h"
#include "base/crypto.h"
#include "services/iam/iam_common.h"
#include "services/iam/principal_policies.h"
#include "services/iam/simulator.h"
#include "services/organizations/org_path.h"

namespace citadel::services::iam {

namespace {

struct Position {
  int line = 1, column = 1;
};

// Where each statement of a document starts and ends, as 1-based line and column: the
// simulator reports the text span of the statements that decided.
std::vector<std::pair<Position, Position>> statement_spans(std::string_view doc) {
  std::vector<std::pair<Position, Position>> spans;
  auto pos_at = [&](size_t off) {
    Position p;
    for (size_t i = 0; i < off && i < doc.size(); ++i) {
      if (doc[i] == '\n') {
        ++p.line;
        p.column = 1;
      } else {
        ++p.column;
      }
    }
    return p;
  };
  // Find "Statement" at depth 1, then walk its value: an object, or an array of objects.
  int depth = 0;
  bool in_str = false;
  size_t key_start = 0;
  for (size_t i = 0; i < doc.size(); ++i) {
    char c = doc[i];
    if (in_str) {
      if (c == '\\') ++i;
      else if (c == '"') {
        in_str = false;
        if (depth == 1 && doc.substr(key_start, i - key_start) == "Statement") {
          size_t j = doc.find_first_not_of(" \t\r\n:", i + 1);
          if (j == std::string_view::npos) return spans;
          bool array = doc[j] == '[';
          int d = 0;
          bool s = false;
          size_t start = 0;
          for (size_t k = array ? j + 1 : j; k < doc.size(); ++k) {
            char e = doc[k];
            if (s) {
              if (e == '\\') ++k;
              else if (e == '"') s = false;
              continue;
            }
            if (e == '"') s = true;
            else if (e == '{') {
              if (d++ == 0) start = k;
            } else if (e == '}') {
              if (--d == 0) {
                spans.emplace_back(pos_at(start), pos_at(k + 1));
                if (!array) return spans;
              }
            } else if (e == ']' && d == 0 && array) {
              return spans;
            }
          }
          return spans;
        }
      }
      continue;
    }
    if (c == '"') {
      in_str = true;
      key_start = i + 1;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return spans;
}

struct InputPolicy {
  std::string id;    // "PolicyInputList.1", a policy ARN, "user/alice/inline"
  std::string type;  // PolicySourceType: user | group | role | aws-managed | user-managed | resource | none
  std::string document;
  policy::Policy parsed;
  std::shared_ptr<const policy::CompiledPolicy> compiled;
  std::vector<std::pair<Position, Position>> spans;
};

Result<InputPolicy> load_input(std::string id, std::string type, std::string document, policy::PolicyKind kind) {
  auto parsed = policy::parse(document, kind);
  if (!parsed) return AwsError::sender(parsed.error().code, parsed.error().message, 400);
  InputPolicy p{std::move(id), std::move(type), std::move(document), parsed.value(), nullptr, {}};
  p.compiled = policy::compile(p.parsed);
  p.spans = statement_spans(p.document);
  return p;
}

// The simulation's context: ContextEntries of the request, each a typed list of values.
struct SimContext {
  std::deque<std::string> keys;
  std::deque<std::vector<std::string>> values;
  std::deque<std::vector<std::string_view>> views;
  std::vector<policy::ContextEntry> entries;
  void add(std::string key, std::vector<std::string> vals) {
    keys.push_back(std::move(key));
    values.push_back(std::move(vals));
    auto& v = views.emplace_back();
    for (auto& s : values.back()) v.push_back(s);
    entries.push_back({keys.back(), {v.data(), v.size()}});
  }
  bool has(std::string_view key) const {
    for (auto& e : entries)
      if (policy::iequals(e.key, key)) return true;
    return false;
  }
};

// A ContextEntry's values must read as its ContextKeyType says; a type without "List" takes one
// value. The engine then reads them as each condition operator needs.
Status check_context_values(const std::string& name, const std::string& type, const std::vector<std::string>& values) {
  bool list = type.size() > 4 && type.compare(type.size() - 4, 4, "List") == 0;
  std::string base = list ? type.substr(0, type.size() - 4) : type;
  auto invalid = [&](const std::string& why) {
    return AwsError::sender("InvalidInput", "Invalid value for context key " + name + " of type " + type + ": " + why, 400);
  };
  if (!list && values.size() > 1) return invalid("a single-valued type takes one value");
  for (const auto& v : values) {
    double number;
    int64_t date;
    policy::detail::IpNet net;
    bool ok = base == "string"    ? true
              : base == "numeric" ? policy::parse_number(v, &number)
              : base == "boolean" ? policy::iequals(v, "true") || policy::iequals(v, "false")
              : base == "date"    ? policy::parse_date_ms(v, &date)
              : base == "ip"      ? policy::parse_cidr(v, &net)
              : base == "binary"  ? crypto::base64_decode(v).has_value()
                                  : false;
    if (!ok) return invalid("'" + v + "' is not a " + base + " value");
  }
  return Ok{};
}

// Condition keys the policies use for this action that the caller did not supply.
void missing_keys(const std::vector<InputPolicy*>& policies, std::string_view action, const SimContext& ctx,
                  json::array& out) {
  std::vector<std::string> seen;
  for (auto* p : policies)
    for (auto& st : p->parsed.statements) {
      bool matches = false;
      for (auto& a : st.actions) matches = matches || policy::glob_match(policy::to_glob(a, true), action, true);
      if (st.not_action) matches = !matches;
      if (!matches) continue;
      for (auto& c : st.conditions) {
        if (ctx.has(c.key)) continue;
        bool dup = false;
        for (auto& s : seen) dup = dup || policy::iequals(s, c.key);
        if (dup) continue;
        seen.push_back(c.key);
        out.push_back(json::string(c.key));
      }
    }
}

json::object position(const Position& p) { return json::object{{"Line", p.line}, {"Column", p.column}}; }

std::string eval_decision(policy::DecisionType t) {
  switch (t) {
    case policy::DecisionType::Allowed: return "allowed";
    case policy::DecisionType::ExplicitlyDenied: return "explicitDeny";
    default: return "implicitDeny";
  }
}

struct Simulation {
  std::vector<InputPolicy> identity, boundary;
  std::optional<InputPolicy> resource_policy;
  std::string caller_arn, resource_owner;
  SimContext context;
  // SimulatePrincipalPolicy: the SCP levels that bind the principal's account (none for the
  // management account or outside an organization).
  bool in_organization = false;
  std::vector<std::vector<InputPolicy>> scps;
};

Result<json::value> run(Call& call, Simulation& sim) {
  std::vector<policy::PolicyRef> identity;
  for (auto& p : sim.identity) identity.push_back({p.compiled.get(), p.id});
  policy::PolicySet set;
  set.identity = identity;
  if (!sim.boundary.empty()) set.permissions_boundary = {sim.boundary.front().compiled.get(), sim.boundary.front().id};
  if (sim.resource_policy) set.resource = {sim.resource_policy->compiled.get(), sim.resource_policy->id};
  std::vector<std::vector<policy::PolicyRef>> scp_refs;
  std::vector<policy::PolicyLevel> scp_levels;
  for (auto& level : sim.scps) {
    auto& refs = scp_refs.emplace_back();
    for (auto& p : level) refs.push_back({p.compiled.get(), p.id});
  }
  for (auto& refs : scp_refs) scp_levels.push_back({refs});
  set.scps = scp_levels;

  policy::Request req;
  req.principal = policy::principal_from_arn(sim.caller_arn);
  req.context = sim.context.entries;
  std::vector<InputPolicy*> all;
  for (auto& p : sim.identity) all.push_back(&p);
  for (auto& p : sim.boundary) all.push_back(&p);
  for (auto& level : sim.scps)
    for (auto& p : level) all.push_back(&p);
  if (sim.resource_policy) all.push_back(&*sim.resource_policy);
  auto find = [&](std::string_view id) -> InputPolicy* {
    for (auto* p : all)
      if (p->id == id) return p;
    return nullptr;
  };

  std::vector<std::string> resources;
  if (const auto* r = call.input.if_contains("ResourceArns"); r && r->is_array() && !r->as_array().empty())
    for (auto& v : r->as_array()) resources.emplace_back(v.as_string());
  else
    resources.emplace_back("*");

  json::array results;
  for (auto& a : call.input.at("ActionNames").as_array()) {
    std::string action(a.as_string());
    req.action = action;
    json::array specific;
    policy::DecisionType overall = policy::DecisionType::Allowed;
    json::object first;
    for (auto& resource : resources) {
      req.resource = resource;
      req.resource_account = sim.resource_owner.empty() ? std::string_view(req.principal.account) : std::string_view(sim.resource_owner);
      auto d = policy::evaluate(req, set);
      json::array matched;
      for (auto& s : d.deciding()) {
        auto* p = find(s.policy_id);
        json::object m{{"SourcePolicyId", std::string(s.policy_id)}, {"SourcePolicyType", p ? p->type : "none"}};
        if (p && s.index < p->spans.size()) {
          m["StartPosition"] = position(p->spans[s.index].first);
          m["EndPosition"] = position(p->spans[s.index].second);
        }
        matched.push_back(std::move(m));
      }
      json::array missing;
      missing_keys(all, action, sim.context, missing);
      bool boundary_allowed = !(d.type != policy::DecisionType::Allowed && d.blocked_by == policy::PolicyKind::PermissionsBoundary);
      json::object r{{"EvalResourceName", resource},
                     {"EvalResourceDecision", eval_decision(d.type)},
                     {"MatchedStatements", matched},
                     {"MissingContextValues", missing}};
      if (!sim.boundary.empty())
        r["PermissionsBoundaryDecisionDetail"] = json::object{{"AllowedByPermissionsBoundary", boundary_allowed}};
      if (sim.in_organization) {
        bool org_allowed = !(d.type != policy::DecisionType::Allowed && d.blocked_by == policy::PolicyKind::SCP);
        r["OrganizationsDecisionDetail"] = json::object{{"AllowedByOrganizations", org_allowed}};
      }
      if (d.type == policy::DecisionType::ExplicitlyDenied) overall = d.type;
      else if (d.type == policy::DecisionType::ImplicitlyDenied && overall == policy::DecisionType::Allowed) overall = d.type;
      if (specific.empty()) first = r;
      specific.push_back(std::move(r));
    }
    json::object result{{"EvalActionName", action},
                        {"EvalResourceName", resources.size() == 1 ? resources.front() : "*"},
                        {"EvalDecision", eval_decision(overall)},
                        {"MatchedStatements", first["MatchedStatements"]},
                        {"MissingContextValues", first["MissingContextValues"]},
                        {"EvalDecisionDetails", json::object{}}};
    if (first.contains("PermissionsBoundaryDecisionDetail"))
      result["PermissionsBoundaryDecisionDetail"] = first["PermissionsBoundaryDecisionDetail"];
    if (first.contains("OrganizationsDecisionDetail")) result["OrganizationsDecisionDetail"] = first["OrganizationsDecisionDetail"];
    if (resources.size() > 1 || resources.front() != "*") result["ResourceSpecificResults"] = std::move(specific);
    results.push_back(std::move(result));
  }
  return json::object{{"EvaluationResults", std::move(results)}, {"IsTruncated", false}};
}

Status read_common(Call& call, Simulation& sim) {
  if (const auto* list = call.input.if_contains("PermissionsBoundaryPolicyInputList"); list && list->is_array()) {
    size_t i = 0;
    for (auto& d : list->as_array()) {
      auto p = load_input("PermissionsBoundaryPolicyInputList." + std::to_string(++i), "none", std::string(d.as_string()),
                          policy::PolicyKind::PermissionsBoundary);
      if (!p) return p.error();
      sim.boundary.push_back(std::move(p.value()));
    }
  }
  if (call.has("ResourcePolicy")) {
    auto p = load_input("ResourcePolicy", "resource", call.str("ResourcePolicy"), policy::PolicyKind::Resource);
    if (!p) return p.error();
    sim.resource_policy = std::move(p.value());
  }
  sim.resource_owner = call.str("ResourceOwner");
  if (call.has("ResourceOwner") && sim.resource_owner.rfind("arn:aws:iam::", 0) == 0)
    sim.resource_owner = sim.resource_owner.substr(13, 12);
  if (const auto* entries = call.input.if_contains("ContextEntries"); entries && entries->is_array())
    for (auto& e : entries->as_array()) {
      const auto& o = e.as_object();
      std::vector<std::string> vals;
      if (const auto* v = o.if_contains("ContextKeyValues"); v && v->is_array())
        for (auto& x : v->as_array()) vals.emplace_back(x.as_string());
      std::string name(o.at("ContextKeyName").as_string());
      std::string type = o.contains("ContextKeyType") ? std::string(o.at("ContextKeyType").as_string()) : "string";
      if (auto s = check_context_values(name, type, vals); !s) return s.error();
      sim.context.add(std::move(name), std::move(vals));
    }
  return Ok{};
}

Result<json::value> simulate_custom_policy(Call& call) {
  Simulation sim;
  size_t i = 0;
  for (auto& d : call.input.at("PolicyInputList").as_array()) {
    auto p = load_input("PolicyInputList." + std::to_string(++i), "none", std::string(d.as_string()), policy::PolicyKind::Identity);
    if (!p) return p.error();
    sim.identity.push_back(std::move(p.value()));
  }
  if (auto s = read_common(call, sim); !s) return s.error();
  sim.caller_arn = call.has("CallerArn") ? call.str("CallerArn") : user_arn(call.account(), "/", "SimulatedUser");
  return run(call, sim);
}

Result<json::value> simulate_principal_policy(Call& call) {
  std::string source = call.str("PolicySourceArn");
  std::string users = "arn:aws:iam::" + call.account() + ":user/", roles = "arn:aws:iam::" + call.account() + ":role/";
  bool role = source.rfind(roles, 0) == 0;
  if (!role && source.rfind(users, 0) != 0)
    return AwsError::sender("InvalidInput", "Only IAM users and roles of this account can be simulated in Citadel so far: " + source, 400);
  std::string name = source.substr(source.rfind('/') + 1);
  auto loaded = role ? load_role_policies(call.tx, call.account(), name) : load_user_policies(call.tx, call.account(), name);
  if (!loaded) return loaded.error();
  Simulation sim;
  for (auto& doc : loaded->identity) {
    using S = PolicyDocument::Source;
    policy::PolicyKind kind = doc.source == S::InlineUser    ? policy::PolicyKind::InlineUser
                              : doc.source == S::InlineGroup ? policy::PolicyKind::InlineGroup
                              : doc.source == S::InlineRole  ? policy::PolicyKind::InlineRole
                                                             : policy::PolicyKind::Identity;
    std::string type = doc.source == S::InlineUser                 ? "user"
                       : doc.source == S::InlineGroup              ? "group"
                       : doc.source == S::InlineRole               ? "role"
                       : doc.id.rfind("arn:aws:iam::aws:", 0) == 0 ? "aws-managed"
                                                                    : "user-managed";
    auto p = load_input(doc.id, type, doc.document, kind);
    if (p) sim.identity.push_back(std::move(p.value()));
  }
  if (loaded->has_boundary && !call.input.contains("PermissionsBoundaryPolicyInputList")) {
    auto p = load_input(loaded->boundary.id, "user-managed", loaded->boundary.document, policy::PolicyKind::PermissionsBoundary);
    if (p) sim.boundary.push_back(std::move(p.value()));
  }
  size_t i = 0;
  if (const auto* extra = call.input.if_contains("PolicyInputList"); extra && extra->is_array())
    for (auto& d : extra->as_array()) {
      auto p = load_input("PolicyInputList." + std::to_string(++i), "none", std::string(d.as_string()), policy::PolicyKind::Identity);
      if (!p) return p.error();
      sim.identity.push_back(std::move(p.value()));
    }
  if (auto s = read_common(call, sim); !s) return s.error();
  sim.caller_arn = call.has("CallerArn") ? call.str("CallerArn") : source;
  for (auto& [k, v] : loaded->tags) sim.context.add("aws:PrincipalTag/" + k, {v});
  auto org = organizations::org_path_for_account(call.tx, call.account());
  if (!org) return org.error();
  if (org.value()) {
    sim.in_organization = true;
    sim.context.add("aws:PrincipalOrgID", {org.value()->organization_id});
    if (org.value()->scps_enabled && !org.value()->is_management())
      for (auto& level : org.value()->levels) {
        auto& scps = sim.scps.emplace_back();
        for (auto& d : level.scps) {
          auto p = load_input(d.policy_id, "none", d.document, policy::PolicyKind::SCP);
          if (p) scps.push_back(std::move(p.value()));
        }
      }
  }
  return run(call, sim);
}

}  // namespace

void add_simulator_operations(std::vector<OperationDef>& ops) {
  ops.push_back(OperationDef{"SimulateCustomPolicy", true, false,
                             [](const RequestContext&, const json::object&, store::Tx&) {
                               return AuthzRequest{"iam:SimulateCustomPolicy", {"*"}, {}};
                             },
                             simulate_custom_policy});
  ops.push_back(OperationDef{"SimulatePrincipalPolicy", true, false,
                             [](const RequestContext& c, const json::object& i, store::Tx&) {
                               const auto* src = i.if_contains("PolicySourceArn");
                               std::string arn = src && src->is_string() ? std::string(src->as_string())
                                                                          : "arn:aws:iam::" + c.principal->account_id + ":user/*";
                               return AuthzRequest{"iam:SimulatePrincipalPolicy", {arn}, {}};
                             },
                             simulate_principal_policy});
}

}  // namespace citadel::services::iam
