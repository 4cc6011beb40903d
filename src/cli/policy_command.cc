#include "cli/policy_command.h"

#include <deque>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "policy/compiled.h"
#include "policy/evaluate.h"
#include "policy/policy.h"
#include "policy/text.h"
#include "policy/validate.h"

namespace citadel::cli {
namespace json = boost::json;

namespace {

constexpr std::string_view kUsage =
    "usage: citadel policy validate [--kind KIND] FILE|-\n"
    "       citadel policy eval [--batch] FILE|-\n"
    "KIND: Identity InlineUser InlineGroup InlineRole Resource TrustPolicy PermissionsBoundary Session SCP RCP\n"
    "      (default: guessed from the document)\n";

struct InputError {
  std::string code;
  std::string message;
  std::string where;
};

std::string error_json(const InputError& e) {
  json::object err{{"code", e.code}, {"message", e.message}};
  if (!e.where.empty()) err["path"] = e.where;
  return json::serialize(json::object{{"error", std::move(err)}});
}

bool read_input(const std::string& file, std::istream& in, std::string* out) {
  std::ostringstream ss;
  if (file == "-") {
    ss << in.rdbuf();
  } else {
    std::ifstream f(file, std::ios::binary);
    if (!f) return false;
    ss << f.rdbuf();
  }
  *out = ss.str();
  return true;
}

bool is_assume_role_action(std::string_view a) {
  return policy::iequals_prefix(a, "sts:AssumeRole");
}

// Guesses the kind of a document: Principal → trust policy (all actions sts:AssumeRole*) or
// resource policy; otherwise identity.
policy::PolicyKind guess_kind(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(json::string_view(text.data(), text.size()), ec);
  if (ec || !v.is_object()) return policy::PolicyKind::Identity;
  const json::value* st = v.get_object().if_contains("Statement");
  if (!st) return policy::PolicyKind::Identity;
  std::vector<const json::object*> stmts;
  if (st->is_object()) stmts.push_back(&st->get_object());
  if (st->is_array())
    for (const auto& s : st->get_array())
      if (s.is_object()) stmts.push_back(&s.get_object());
  bool principal = false, all_assume = true, any_resource = false;
  for (const auto* s : stmts) {
    if (s->contains("Principal") || s->contains("NotPrincipal")) principal = true;
    if (s->contains("Resource") || s->contains("NotResource")) any_resource = true;
    const json::value* a = s->if_contains("Action");
    if (!a) continue;
    if (a->is_string()) all_assume &= is_assume_role_action(a->get_string());
    if (a->is_array())
      for (const auto& x : a->get_array()) all_assume &= x.is_string() && is_assume_role_action(x.get_string());
  }
  if (!principal) return policy::PolicyKind::Identity;
  return (all_assume && !any_resource) ? policy::PolicyKind::TrustPolicy : policy::PolicyKind::Resource;
}

// Storage that outlives the Request/PolicySet views built over it.
struct EvalInput {
  std::deque<std::string> strings;
  std::deque<std::vector<std::string_view>> value_lists;
  std::vector<policy::ContextEntry> context;
  std::vector<std::shared_ptr<const policy::CompiledPolicy>> compiled;
  std::vector<policy::PolicyRef> identity, session;
  std::deque<std::vector<policy::PolicyRef>> scp_levels, rcp_levels;
  std::vector<policy::PolicyLevel> scps, rcps;
  policy::PolicyRef boundary, resource;
  policy::Request request;
  policy::PolicySet set;

  std::string_view keep(std::string s) { return strings.emplace_back(std::move(s)); }
};

bool compile_doc(const json::value& doc, policy::PolicyKind kind, const std::string& where, EvalInput* in,
                 policy::PolicyRef* out, InputError* err) {
  std::string text;
  if (doc.is_string()) text = std::string(doc.get_string());
  else if (doc.is_object()) text = json::serialize(doc);
  else {
    *err = {"InvalidInput", "a policy must be a JSON object or a JSON string holding one", where};
    return false;
  }
  auto parsed = policy::parse_unbounded(text, kind);
  if (!parsed) {
    *err = {parsed.error().code, parsed.error().message, where};
    return false;
  }
  in->compiled.push_back(policy::compile(parsed.value()));
  out->policy = in->compiled.back().get();
  out->id = in->keep(where);
  return true;
}

bool string_field(const json::object& o, std::string_view key, bool required, EvalInput* in, std::string_view* out,
                  InputError* err) {
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) {
    if (required) {
      *err = {"InvalidInput", "the request needs \"" + std::string(key) + "\"", std::string(key)};
      return false;
    }
    return true;
  }
  if (!v->is_string()) {
    *err = {"InvalidInput", "\"" + std::string(key) + "\" must be a string", std::string(key)};
    return false;
  }
  *out = in->keep(std::string(v->get_string()));
  return true;
}

bool policy_list(const json::object& o, std::string_view key, policy::PolicyKind kind, EvalInput* in,
                 std::vector<policy::PolicyRef>* out, InputError* err) {
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) return true;
  if (!v->is_array()) {
    *err = {"InvalidInput", "\"" + std::string(key) + "\" must be an array of policies", std::string(key)};
    return false;
  }
  std::size_t i = 0;
  for (const auto& d : v->get_array()) {
    policy::PolicyRef ref;
    if (!compile_doc(d, kind, std::string(key) + "[" + std::to_string(i++) + "]", in, &ref, err)) return false;
    out->push_back(ref);
  }
  return true;
}

bool org_levels(const json::object& o, std::string_view key, policy::PolicyKind kind, EvalInput* in,
                std::deque<std::vector<policy::PolicyRef>>* levels, std::vector<policy::PolicyLevel>* out,
                InputError* err) {
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) return true;
  if (!v->is_array()) {
    *err = {"InvalidInput", "\"" + std::string(key) + "\" must be an array of levels (arrays of policies)",
            std::string(key)};
    return false;
  }
  std::size_t i = 0;
  for (const auto& level : v->get_array()) {
    if (!level.is_array()) {
      *err = {"InvalidInput", "each level of \"" + std::string(key) + "\" must be an array of policies",
              std::string(key) + "[" + std::to_string(i) + "]"};
      return false;
    }
    auto& refs = levels->emplace_back();
    std::size_t j = 0;
    for (const auto& d : level.get_array()) {
      policy::PolicyRef ref;
      if (!compile_doc(d, kind, std::string(key) + "[" + std::to_string(i) + "][" + std::to_string(j++) + "]", in,
                       &ref, err))
        return false;
      refs.push_back(ref);
    }
    ++i;
  }
  for (const auto& refs : *levels) out->push_back(policy::PolicyLevel{refs});
  return true;
}

bool context_value(const json::value& v, std::vector<std::string_view>* out, EvalInput* in) {
  switch (v.kind()) {
    case json::kind::string: out->push_back(in->keep(std::string(v.get_string()))); return true;
    case json::kind::bool_: out->push_back(v.get_bool() ? "true" : "false"); return true;
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_: out->push_back(in->keep(json::serialize(v))); return true;
    default: return false;
  }
}

bool build(const json::value& root, EvalInput* in, InputError* err) {
  if (!root.is_object()) {
    *err = {"InvalidInput", "the request must be a JSON object", ""};
    return false;
  }
  const json::object& o = root.get_object();
  std::string_view principal = "*";
  if (!string_field(o, "principal", false, in, &principal, err)) return false;
  policy::Request& r = in->request;
  r.principal = policy::principal_from_arn(principal);
  std::string_view tmp;
  if (!string_field(o, "principalType", false, in, &tmp, err)) return false;
  if (!tmp.empty()) {
    static constexpr std::pair<std::string_view, policy::PrincipalType> kTypes[] = {
        {"Anonymous", policy::PrincipalType::Anonymous},     {"Account", policy::PrincipalType::Account},
        {"User", policy::PrincipalType::User},               {"AssumedRole", policy::PrincipalType::AssumedRole},
        {"FederatedUser", policy::PrincipalType::FederatedUser}, {"Service", policy::PrincipalType::Service},
        {"WebIdentity", policy::PrincipalType::WebIdentity}, {"CanonicalUser", policy::PrincipalType::CanonicalUser}};
    bool found = false;
    for (const auto& t : kTypes)
      if (policy::iequals(t.first, tmp)) {
        r.principal.type = t.second;
        found = true;
      }
    if (!found) {
      *err = {"InvalidInput", "unknown principalType: " + std::string(tmp), "principalType"};
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
                "context." + std::string(kv.key())};
        return false;
      }
      in->context.push_back(policy::ContextEntry{in->keep(std::string(kv.key())), vals});
    }
  }
  r.context = in->context;

  if (!policy_list(o, "identityPolicies", policy::PolicyKind::Identity, in, &in->identity, err)) return false;
  if (!policy_list(o, "sessionPolicies", policy::PolicyKind::Session, in, &in->session, err)) return false;
  if (const json::value* b = o.if_contains("permissionsBoundary"); b && !b->is_null())
    if (!compile_doc(*b, policy::PolicyKind::PermissionsBoundary, "permissionsBoundary", in, &in->boundary, err))
      return false;
  if (const json::value* rp = o.if_contains("resourcePolicy"); rp && !rp->is_null()) {
    policy::PolicyKind kind = is_assume_role_action(r.action) ? policy::PolicyKind::TrustPolicy
                                                              : policy::PolicyKind::Resource;
    if (!compile_doc(*rp, kind, "resourcePolicy", in, &in->resource, err)) return false;
  }
  if (!org_levels(o, "scps", policy::PolicyKind::SCP, in, &in->scp_levels, &in->scps, err)) return false;
  if (!org_levels(o, "rcps", policy::PolicyKind::RCP, in, &in->rcp_levels, &in->rcps, err)) return false;

  policy::PolicySet& s = in->set;
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

std::string decision_json(const policy::Decision& d) {
  json::object out;
  out["decision"] = policy::decision_name(d.type);
  if (d.type != policy::DecisionType::Allowed) out["blockedBy"] = policy::kind_name(d.blocked_by);
  else out["blockedBy"] = nullptr;
  out["reason"] = d.reason;
  json::array stmts;
  for (const auto& s : d.deciding()) {
    json::object so{{"policyKind", policy::kind_name(s.kind)}, {"policyId", s.policy_id}, {"index", s.index}};
    if (!s.sid.empty()) so["sid"] = s.sid;
    if (s.kind == policy::PolicyKind::SCP || s.kind == policy::PolicyKind::RCP) so["level"] = s.level;
    stmts.push_back(std::move(so));
  }
  out["statements"] = std::move(stmts);
  return json::serialize(out);
}

int validate_command(int argc, char** argv, std::istream& in, std::ostream& out, std::ostream& err) {
  std::string file;
  bool have_kind = false;
  policy::PolicyKind kind = policy::PolicyKind::Identity;
  for (int i = 2; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "--kind" && i + 1 < argc) {
      if (!policy::kind_from_name(argv[++i], &kind)) {
        err << error_json({"InvalidInput", "unknown policy kind: " + std::string(argv[i]), "--kind"}) << "\n";
        return 2;
      }
      have_kind = true;
    } else if (a.starts_with("--kind=")) {
      if (!policy::kind_from_name(a.substr(7), &kind)) {
        err << error_json({"InvalidInput", "unknown policy kind: " + std::string(a.substr(7)), "--kind"}) << "\n";
        return 2;
      }
      have_kind = true;
    } else if (file.empty() && (a == "-" || !a.starts_with("-"))) {
      file = std::string(a);
    } else {
      err << kUsage;
      return 2;
    }
  }
  if (file.empty()) {
    err << kUsage;
    return 2;
  }
  std::string text;
  if (!read_input(file, in, &text)) {
    err << error_json({"InvalidInput", "cannot read " + file, file}) << "\n";
    return 2;
  }
  if (!have_kind) kind = guess_kind(text);
  auto findings = policy::validate(text, kind);
  out << policy::findings_to_json(findings) << "\n";
  for (const auto& f : findings)
    if (f.type == policy::FindingType::Error) return 1;
  return 0;
}

int eval_command(int argc, char** argv, std::istream& in, std::ostream& out, std::ostream& err) {
  bool batch = false;
  std::string file;
  for (int i = 2; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "--batch") batch = true;
    else if (file.empty() && (a == "-" || !a.starts_with("-"))) file = std::string(a);
    else {
      err << kUsage;
      return 2;
    }
  }
  if (file.empty()) {
    err << kUsage;
    return 2;
  }
  std::string text;
  if (!read_input(file, in, &text)) {
    err << error_json({"InvalidInput", "cannot read " + file, file}) << "\n";
    return 2;
  }
  if (!batch) {
    bool ok = true;
    std::string line = evaluate_request_json(text, &ok);
    (ok ? out : err) << line << "\n";
    return ok ? 0 : 2;
  }
  int rc = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    std::string line = text.substr(pos, nl - pos);
    pos = nl + 1;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    bool ok = true;
    out << evaluate_request_json(line, &ok) << "\n";
    if (!ok) rc = 2;
  }
  return rc;
}

}  // namespace

std::string evaluate_request_json(const std::string& request_json, bool* ok) {
  boost::system::error_code ec;
  json::value root = json::parse(request_json, ec);
  if (ec) {
    *ok = false;
    return error_json({"InvalidInput", "the request is not valid JSON: " + ec.message(), ""});
  }
  EvalInput in;
  InputError e;
  if (!build(root, &in, &e)) {
    *ok = false;
    return error_json(e);
  }
  *ok = true;
  return decision_json(policy::evaluate(in.request, in.set));
}

int run_policy_command(int argc, char** argv, std::istream& in, std::ostream& out, std::ostream& err) {
  if (argc < 2) {
    err << kUsage;
    return 2;
  }
  std::string_view sub = argv[1];
  if (sub == "--help" || sub == "-h" || sub == "help") {
    out << kUsage;
    return 0;
  }
  if (sub == "validate") return validate_command(argc, argv, in, out, err);
  if (sub == "eval") return eval_command(argc, argv, in, out, err);
  err << kUsage;
  return 2;
}

}  // namespace citadel::cli

int run_policy_command(int argc, char** argv) {
  return citadel::cli::run_policy_command(argc, argv, std::cin, std::cout, std::cerr);
}
