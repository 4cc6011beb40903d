#include "policy/request_json.h"

#include <deque>
#include <utility>
#include <vector>

#include <boost/json.hpp>

#include "policy/compiled.h"
#include "policy/policy.h"
#include "policy/text.h"

namespace policy {
namespace json = boost::json;

namespace {

template <typename... Parts>
std::string cat(const Parts&... parts) {
  std::string out;
  (out.append(std::string_view(parts)), ...);
  return out;
}

std::string index_path(std::string_view key, std::size_t i) { return cat(key, "[", std::to_string(i), "]"); }

bool is_assume_role_action(std::string_view a) { return iequals_prefix(a, "sts:AssumeRole"); }

}  // namespace

struct LoadedRequest::Storage {
  std::deque<std::string> strings;
  std::deque<std::vector<std::string_view>> value_lists;
  std::vector<ContextEntry> context;
  std::vector<std::shared_ptr<const CompiledPolicy>> compiled;
  std::vector<PolicyRef> identity, session;
  std::deque<std::vector<PolicyRef>> scp_levels, rcp_levels;
  std::vector<PolicyLevel> scps, rcps;
  PolicyRef boundary, resource;
  Request request;
  PolicySet set;

  std::string_view keep(std::string s) { return strings.emplace_back(std::move(s)); }
};

namespace {

bool compile_doc(const json::value& doc, PolicyKind kind, const std::string& where, LoadedRequest::Storage* in,
                 PolicyRef* out, RequestError* err) {
  std::string text;
  if (doc.is_string()) text = std::string(doc.get_string());
  else if (doc.is_object()) text = json::serialize(doc);
  else {
    *err = {"InvalidInput", "a policy must be a JSON object or a JSON string holding one", where};
    return false;
  }
  auto parsed = parse_unbounded(text, kind);
  if (!parsed) {
    *err = {parsed.error().code, parsed.error().message, where};
    return false;
  }
  in->compiled.push_back(compile(parsed.value()));
  out->policy = in->compiled.back().get();
  out->id = in->keep(where);
  return true;
}

bool string_field(const json::object& o, std::string_view key, bool required, LoadedRequest::Storage* in, std::string_view* out,
                  RequestError* err) {
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) {
    if (required) {
      *err = {"InvalidInput", cat("the request needs \"", key, "\""), std::string(key)};
      return false;
    }
    return true;
  }
  if (!v->is_string()) {
    *err = {"InvalidInput", cat("\"", key, "\" must be a string"), std::string(key)};
    return false;
  }
  *out = in->keep(std::string(v->get_string()));
  return true;
}

bool policy_list(const json::object& o, std::string_view key, PolicyKind kind, LoadedRequest::Storage* in,
                 std::vector<PolicyRef>* out, RequestError* err) {
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) return true;
  if (!v->is_array()) {
    *err = {"InvalidInput", cat("\"", key, "\" must be an array of policies"), std::string(key)};
    return false;
  }
  std::size_t i = 0;
  for (const auto& d : v->get_array()) {
    PolicyRef ref;
    if (!compile_doc(d, kind, index_path(key, i++), in, &ref, err)) return false;
    out->push_back(ref);
  }
  return true;
}

bool org_levels(const json::object& o, std::string_view key, PolicyKind kind, LoadedRequest::Storage* in,
                std::deque<std::vector<PolicyRef>>* levels, std::vector<PolicyLevel>* out,
                RequestError* err) {
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) return true;
  if (!v->is_array()) {
    *err = {"InvalidInput", cat("\"", key, "\" must be an array of levels (arrays of policies)"),
            std::string(key)};
    return false;
  }
  std::size_t i = 0;
  for (const auto& level : v->get_array()) {
    if (!level.is_array()) {
      *err = {"InvalidInput", cat("each level of \"", key, "\" must be an array of policies"),
              index_path(key, i)};
      return false;
    }
    auto& refs = levels->emplace_back();
    std::size_t j = 0;
    for (const auto& d : level.get_array()) {
      PolicyRef ref;
      if (!compile_doc(d, kind, cat(index_path(key, i), "[", std::to_string(j++), "]"), in,
                       &ref, err))
        return false;
      refs.push_back(ref);
    }
    ++i;
  }
  for (const auto& refs : *levels) out->push_back(PolicyLevel{refs});
  return true;
}

bool context_value(const json::value& v, std::vector<std::string_view>* out, LoadedRequest::Storage* in) {
  switch (v.kind()) {
    case json::kind::string: out->push_back(in->keep(std::string(v.get_string()))); return true;
    case json::kind::bool_: out->push_back(v.get_bool() ? "true" : "false"); return true;
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_: out->push_back(in->keep(json::serialize(v))); return true;
    default: return false;
  }
}

bool build(const json::value& root, LoadedRequest::Storage* in, RequestError* err) {
  if (!root.is_object()) {
    *err = {"InvalidInput", "the request must be a JSON object", ""};
    return false;
  }
  const json::object& o = root.get_object();
  std::string_view principal = "*";
  if (!string_field(o, "principal", false, in, &principal, err)) return false;
  Request& r = in->request;
  r.principal = principal_from_arn(principal);
  std::string_view tmp;
  if (!string_field(o, "principalType", false, in, &tmp, err)) return false;
  if (!tmp.empty()) {
    static constexpr std::pair<std::string_view, PrincipalType> kTypes[] = {
        {"Anonymous", PrincipalType::Anonymous},     {"Account", PrincipalType::Account},
        {"User", PrincipalType::User},               {"AssumedRole", PrincipalType::AssumedRole},
        {"FederatedUser", PrincipalType::FederatedUser}, {"Service", PrincipalType::Service},
        {"WebIdentity", PrincipalType::WebIdentity}, {"CanonicalUser", PrincipalType::CanonicalUser}};
    bool found = false;
    for (const auto& t : kTypes)
      if (iequals(t.first, tmp)) {
        r.principal.type = t.second;
        found = true;
      }
    if (!found) {
      *err = {"InvalidInput", cat("unknown principalType: ", tmp), "principalType"};
      return false;
    }
    tmp = {};
  }
  if (!string_field(o, "userId", false, in, &r.principal.user_id, err)) return false;
  if (!string_field(o, "roleArn", false, in, &r.principal.role_arn, err)) return false;
  if (!string_field(o, "principalAccount", false, in, &tmp, err)) return false;
  if (!tmp.empty()) r.principal.account = tmp;
  if (!string_field(o, "action", true, in, &r.action, err)) return false;
  if (!string_field(o, "resource", true, in, &r.resource, err)) return false;
  if (!string_field(o, "resourceAccount", false, in, &r.resource_account, err)) return false;
  if (r.action.empty()) {
    *err = {"InvalidInput", "\"action\" must not be empty", "action"};
    return false;
  }
  if (const json::value* sl = o.if_contains("serviceLinkedRole"); sl && sl->is_bool())
    r.principal.service_linked_role = sl->get_bool();

  if (const json::value* ctx = o.if_contains("context"); ctx && !ctx->is_null()) {
    if (!ctx->is_object()) {
      *err = {"InvalidInput", "\"context\" must be an object of key -> string or array of strings", "context"};
      return false;
    }
    for (const auto& kv : ctx->get_object()) {
      auto& vals = in->value_lists.emplace_back();
      bool ok = true;
      if (kv.value().is_array()) {
        for (const auto& e : kv.value().get_array()) ok &= context_value(e, &vals, in);
      } else {
        ok = context_value(kv.value(), &vals, in);
      }
      if (!ok) {
        *err = {"InvalidInput", "context values must be strings, numbers, booleans or arrays of them",
                cat("context.", std::string_view(kv.key()))};
        return false;
      }
      in->context.push_back(ContextEntry{in->keep(std::string(kv.key())), vals});
    }
  }
  r.context = in->context;

  if (!policy_list(o, "identityPolicies", PolicyKind::Identity, in, &in->identity, err)) return false;
  if (!policy_list(o, "sessionPolicies", PolicyKind::Session, in, &in->session, err)) return false;
  if (const json::value* b = o.if_contains("permissionsBoundary"); b && !b->is_null())
    if (!compile_doc(*b, PolicyKind::PermissionsBoundary, "permissionsBoundary", in, &in->boundary, err))
      return false;
  if (const json::value* rp = o.if_contains("resourcePolicy"); rp && !rp->is_null()) {
    PolicyKind kind = is_assume_role_action(r.action) ? PolicyKind::TrustPolicy
                                                              : PolicyKind::Resource;
    if (!compile_doc(*rp, kind, "resourcePolicy", in, &in->resource, err)) return false;
  }
  if (!org_levels(o, "scps", PolicyKind::SCP, in, &in->scp_levels, &in->scps, err)) return false;
  if (!org_levels(o, "rcps", PolicyKind::RCP, in, &in->rcp_levels, &in->rcps, err)) return false;

  PolicySet& s = in->set;
  s.identity = in->identity;
  s.session = in->session;
  s.permissions_boundary = in->boundary;
  s.resource = in->resource;
  s.scps = in->scps;
  s.rcps = in->rcps;
  if (const json::value* m = o.if_contains("principalInManagementAccount"); m && m->is_bool())
    s.principal_in_management_account = m->get_bool();
  if (const json::value* m = o.if_contains("resourceInManagementAccount"); m && m->is_bool())
    s.resource_in_management_account = m->get_bool();
  return true;
}

}  // namespace

std::string decision_to_json(const Decision& d) {
  json::object out;
  out["decision"] = decision_name(d.type);
  if (d.type != DecisionType::Allowed) out["blockedBy"] = kind_name(d.blocked_by);
  else out["blockedBy"] = nullptr;
  out["reason"] = d.reason;
  json::array stmts;
  for (const auto& s : d.deciding()) {
    json::object so{{"policyKind", kind_name(s.kind)}, {"policyId", s.policy_id}, {"index", s.index}};
    if (!s.sid.empty()) so["sid"] = s.sid;
    if (s.kind == PolicyKind::SCP || s.kind == PolicyKind::RCP) so["level"] = s.level;
    stmts.push_back(std::move(so));
  }
  out["statements"] = std::move(stmts);
  return json::serialize(out);
}

std::string request_error_to_json(const RequestError& e) {
  json::object err{{"code", e.code}, {"message", e.message}};
  if (!e.path.empty()) err["path"] = e.path;
  return json::serialize(json::object{{"error", std::move(err)}});
}

LoadedRequest::LoadedRequest() : s_(std::make_unique<Storage>()) {}
LoadedRequest::~LoadedRequest() = default;
const Request& LoadedRequest::request() const { return s_->request; }
const PolicySet& LoadedRequest::policies() const { return s_->set; }

std::unique_ptr<LoadedRequest> LoadedRequest::load(std::string_view text, RequestError* err) {
  boost::system::error_code ec;
  json::value root = json::parse(json::string_view(text.data(), text.size()), ec);
  if (ec) {
    *err = {"InvalidInput", cat("the request is not valid JSON: ", ec.message()), ""};
    return nullptr;
  }
  std::unique_ptr<LoadedRequest> out(new LoadedRequest());
  if (!build(root, out->s_.get(), err)) return nullptr;
  return out;
}

}  // namespace policy
