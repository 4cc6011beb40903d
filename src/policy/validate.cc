#include "policy/validate.h"

#include <algorithm>
#include <array>

#include <boost/json.hpp>

#include "policy/compiled.h"
#include "policy/text.h"
#include "policy/values.h"

namespace policy {

std::string_view finding_type_name(FindingType t) {
  switch (t) {
    case FindingType::Error: return "ERROR";
    case FindingType::SecurityWarning: return "SECURITY_WARNING";
    case FindingType::Warning: return "WARNING";
    default: return "SUGGESTION";
  }
}

namespace {

// AWS global condition keys (IAM User Guide, "AWS global condition context keys");
// a trailing '/' marks a key family such as aws:PrincipalTag/<key>.
constexpr std::string_view kGlobalKeys[] = {
    "aws:calledvia", "aws:calledviafirst", "aws:calledvialast", "aws:currenttime", "aws:epochtime",
    "aws:federatedprovider", "aws:multifactorauthage", "aws:multifactorauthpresent", "aws:principalaccount",
    "aws:principalarn", "aws:principalisawsservice", "aws:principalorgid", "aws:principalorgpaths",
    "aws:principalservicename", "aws:principalservicenameslist", "aws:principaltag/", "aws:principaltype",
    "aws:referer", "aws:requestedregion", "aws:requesttag/", "aws:resourceaccount", "aws:resourceorgid",
    "aws:resourceorgpaths", "aws:resourcetag/", "aws:securetransport", "aws:sourceaccount", "aws:sourcearn",
    "aws:sourceidentity", "aws:sourceip", "aws:sourceorgid", "aws:sourceorgpaths", "aws:sourcevpc",
    "aws:sourcevpce", "aws:sourcevpcarn", "aws:tagkeys", "aws:tokenissuetime", "aws:useragent", "aws:userid",
    "aws:username", "aws:viaawsservice", "aws:vpcsourceip", "aws:ec2instancesourcevpc",
    "aws:ec2instancesourceprivateipv4", "aws:assumedroot", "aws:resourcevpc",
    "aws:isemergencyaccess", "aws:chatbotsourcearn", "aws:requestedservice", "aws:ismcpserviceaction",
    "aws:principalorgmasteraccountid"};

// Global keys that can hold several values; every other global key is single-valued.
constexpr std::string_view kMultiValued[] = {"aws:calledvia", "aws:principalorgpaths",
                                                        "aws:principalservicenameslist", "aws:resourceorgpaths",
                                                        "aws:sourceorgpaths", "aws:tagkeys"};

bool is_global_key(std::string_view key) {
  const std::string k = to_lower(key);
  for (auto g : kGlobalKeys) {
    if (g.back() == '/' ? (k.size() > g.size() && k.compare(0, g.size(), g) == 0) : k == g) return true;
  }
  return false;
}

bool is_multivalued_global(std::string_view key) {
  const std::string k = to_lower(key);
  return std::find(std::begin(kMultiValued), std::end(kMultiValued), k) != std::end(kMultiValued);
}

struct MessageCode {
  std::string_view prefix;
  std::string_view code;
};
constexpr std::array<MessageCode, 14> kCodes{{
    {"Syntax errors in policy.", "JSON_SYNTAX_ERROR"},
    {"The policy failed legacy parsing", "INVALID_EFFECT"},
    {"Statement IDs (SID) in a single policy must be unique.", "UNIQUE_SIDS_REQUIRED"},
    {"Statement IDs (SID) must be alpha-numeric.", "INVALID_SID"},
    {"Policy statement must contain actions.", "MISSING_ACTION"},
    {"Policy statement must contain resources.", "MISSING_RESOURCE"},
    {"Has prohibited field", "INVALID_POLICY_ELEMENT"},
    {"Missing required field Principal", "MISSING_PRINCIPAL"},
    {"Invalid principal in policy", "INVALID_PRINCIPAL_FORMAT"},
    {"Resource ", "INVALID_ARN_RESOURCE"},
    {"Actions/Conditions must be prefaced by a vendor", "MISSING_QUALIFIER"},
    {"Actions/Condition can contain only one colon.", "INVALID_ACTION"},
    {"Vendor ", "INVALID_SERVICE_IN_ACTION"},
    {"Cannot exceed", "POLICY_SIZE_EXCEEDS_QUOTA"},
}};

class Collector {
 public:
  std::vector<Finding> out;
  void add(FindingType t, std::string code, std::string details, std::vector<PathElement> path) {
    out.push_back(Finding{t, std::move(code), std::move(details), std::move(path)});
  }
};

std::vector<PathElement> stmt_path(std::size_t i) { return {{"Statement", -1}, {"", static_cast<long>(i)}}; }
std::vector<PathElement> elem_path(std::size_t i, std::string_view elem, long j = -1) {
  auto p = stmt_path(i);
  p.push_back({std::string(elem), -1});
  if (j >= 0) p.push_back({"", j});
  return p;
}

bool covers(std::string_view general, std::string_view specific, bool icase) {
  if (general == specific) return false;
  return glob_match(to_glob(general, icase), specific, icase);
}

bool action_covers(std::string_view pattern, std::string_view action) {
  const std::string p = to_glob(pattern, true);
  return glob_match(p, action, true);
}

bool same_principal(const Statement& a, const Statement& b) {
  return a.has_principal == b.has_principal && a.not_principal == b.not_principal &&
         a.principal.wildcard == b.principal.wildcard && a.principal.aws == b.principal.aws &&
         a.principal.service == b.principal.service && a.principal.federated == b.principal.federated &&
         a.principal.canonical_user == b.principal.canonical_user;
}

bool same_conditions(const Statement& a, const Statement& b) {
  if (a.conditions.size() != b.conditions.size()) return false;
  for (std::size_t i = 0; i < a.conditions.size(); ++i) {
    const auto& x = a.conditions[i];
    const auto& y = b.conditions[i];
    if (!iequals(x.op, y.op) || !iequals(x.key, y.key) || x.values != y.values) return false;
  }
  return true;
}

void check_actions(const Statement& s, const ServiceData* data, Collector* c) {
  const char* elem = s.not_action ? "NotAction" : "Action";
  for (std::size_t j = 0; j < s.actions.size(); ++j) {
    const std::string& a = s.actions[j];
    if (a == "*") continue;
    auto colon = a.find(':');
    std::string_view svc = std::string_view(a).substr(0, colon);
    std::string_view name = std::string_view(a).substr(colon + 1);
    if (data && !data->empty() && svc.find_first_of("*?") == std::string_view::npos) {
      if (!data->has_service(svc)) {
        c->add(FindingType::Error, "INVALID_SERVICE_IN_ACTION",
               "The service " + std::string(svc) + " specified in the action does not exist.",
               elem_path(s.index, elem, static_cast<long>(j)));
        continue;
      }
      const bool wild = name.find_first_of("*?") != std::string_view::npos;
      if (wild ? !data->action_glob_matches(svc, name) : !data->has_action(svc, name))
        c->add(FindingType::Error, "INVALID_ACTION",
               "The action " + a + " does not exist" + (wild ? " (the pattern matches no action)." : "."),
               elem_path(s.index, elem, static_cast<long>(j)));
    }
    for (std::size_t k = 0; k < s.actions.size(); ++k) {
      if (k == j) continue;
      const bool dup_earlier = iequals(s.actions[k], a) && k < j;
      if (dup_earlier || (!iequals(s.actions[k], a) && action_covers(s.actions[k], a))) {
        c->add(FindingType::Suggestion, "REDUNDANT_ACTION",
               dup_earlier ? "The action " + a + " is listed more than once in the statement."
                           : "The action " + a + " is already covered by " + s.actions[k] + " in the same statement.",
               elem_path(s.index, elem, static_cast<long>(j)));
        break;
      }
    }
  }
}

void check_resources(const Statement& s, Collector* c) {
  const char* elem = s.not_resource ? "NotResource" : "Resource";
  for (std::size_t j = 0; j < s.resources.size(); ++j) {
    for (std::size_t k = 0; k < s.resources.size(); ++k) {
      if (k == j) continue;
      const bool dup_earlier = s.resources[k] == s.resources[j] && k < j;
      if (dup_earlier || covers(s.resources[k], s.resources[j], false)) {
        c->add(FindingType::Suggestion, "REDUNDANT_RESOURCE",
               dup_earlier ? "The resource " + s.resources[j] + " is listed more than once."
                           : "The resource " + s.resources[j] + " is already covered by " + s.resources[k] + ".",
               elem_path(s.index, elem, static_cast<long>(j)));
        break;
      }
    }
  }
}

bool allows_pass_role(const Statement& s) {
  if (s.not_action) return !std::any_of(s.actions.begin(), s.actions.end(), [](const std::string& a) {
    return action_covers(a, "iam:passrole");
  });
  return std::any_of(s.actions.begin(), s.actions.end(), [](const std::string& a) { return action_covers(a, "iam:passrole"); });
}

void check_conditions(const Statement& s, const ServiceData* data, Collector* c) {
  for (const auto& cond : s.conditions) {
    auto path = elem_path(s.index, "Condition");
    path.push_back({cond.op, -1});
    path.push_back({cond.key, -1});
    std::string_view base = cond.op;
    const bool for_all = iequals_prefix(base, "ForAllValues:");
    const bool for_any = iequals_prefix(base, "ForAnyValue:");
    if (for_all) base.remove_prefix(13);
    if (for_any) base.remove_prefix(12);
    const bool if_exists = base.size() > 8 && iequals(base.substr(base.size() - 8), "IfExists");
    if (if_exists) base.remove_suffix(8);
    if (iequals(base, "Null") && if_exists)
      c->add(FindingType::Error, "NULL_WITH_IF_EXISTS", "The Null condition operator cannot be used with IfExists.", path);
    auto colon = cond.key.find(':');
    std::string_view vendor = std::string_view(cond.key).substr(0, colon);
    if (iequals(vendor, "aws")) {
      if (!is_global_key(cond.key))
        c->add(FindingType::Error, "INVALID_GLOBAL_CONDITION_KEY",
               "The condition key " + cond.key + " is not a global condition key.", path);
      else if (for_all && !is_multivalued_global(cond.key))
        c->add(FindingType::SecurityWarning, "FORALLVALUES_WITH_SINGLE_VALUED_KEY",
               "Using ForAllValues qualifier with the single-valued condition key " + cond.key +
                   " can be overly permissive. We recommend that you remove ForAllValues:.",
               path);
      else if (!for_all && !for_any && is_multivalued_global(cond.key))
        c->add(FindingType::Warning, "MULTIVALUED_KEY_WITHOUT_SET_OPERATOR",
               "The condition key " + cond.key +
                   " can hold several values; without ForAllValues: or ForAnyValue: the operator matches when any "
                   "value matches.",
               path);
    } else if (data && data->has_service(vendor) && !data->has_condition_key(cond.key)) {
      c->add(FindingType::Error, "INVALID_SERVICE_CONDITION_KEY",
             "The condition key " + cond.key + " does not exist in the service " + std::string(vendor) + ".", path);
    }
    // Value types for the operator.
    for (std::size_t j = 0; j < cond.values.size(); ++j) {
      const std::string& v = cond.values[j];
      bool ok = true;
      std::string_view want;
      if (iequals_prefix(base, "Numeric")) {
        double d;
        ok = parse_number(v, &d);
        want = "a number";
      } else if (iequals_prefix(base, "Date")) {
        int64_t t;
        ok = parse_date_ms(v, &t);
        want = "an ISO 8601 date or epoch seconds";
      } else if (iequals(base, "Bool") || iequals(base, "Null")) {
        ok = iequals(v, "true") || iequals(v, "false");
        want = "true or false";
      } else if (iequals(base, "IpAddress") || iequals(base, "NotIpAddress")) {
        detail::IpNet n;
        ok = parse_cidr(v, &n);
        want = "an IP address or CIDR block";
      } else if (iequals_prefix(base, "Arn")) {
        ArnParts a;
        ok = v == "*" || split_arn(v, &a) || v.find("${") != std::string::npos;
        want = "an ARN";
      }
      if (!ok) {
        auto p = path;
        p.push_back({"", static_cast<long>(j)});
        c->add(FindingType::Error, "DATA_TYPE_MISMATCH",
               "The value " + v + " is not " + std::string(want) + " as the operator " + cond.op + " expects.", p);
      }
    }
    if (cond.values.empty())
      c->add(FindingType::Suggestion, "EMPTY_ARRAY_CONDITION", "The condition has no values and never matches.", path);
  }
}

}  // namespace

std::vector<Finding> validate(std::string_view json, PolicyKind kind) {
  auto data = ServiceData::embedded();
  return validate(json, kind, data.get());
}

std::vector<Finding> validate(std::string_view json, PolicyKind kind, const ServiceData* data) {
  Collector c;
  const std::size_t size = counted_size(json, kind);
  if (size > size_quota(kind))
    c.add(FindingType::Error, "POLICY_SIZE_EXCEEDS_QUOTA",
          "The policy has " + std::to_string(size) + " counted characters; the quota for " +
              std::string(kind_name(kind)) + " policies is " + std::to_string(size_quota(kind)) + ".",
          {});
  auto parsed = parse_unbounded(json, kind);
  if (!parsed) {
    std::string code = "MALFORMED_POLICY_DOCUMENT";
    for (const auto& mc : kCodes)
      if (parsed.error().message.starts_with(mc.prefix)) {
        code = std::string(mc.code);
        break;
      }
    c.add(FindingType::Error, code, parsed.error().message, {});
    return std::move(c.out);
  }
  const Policy& p = parsed.value();
  if (p.version == Version::Missing)
    c.add(FindingType::Warning, "MISSING_VERSION",
          "Add \"Version\": \"2012-10-17\"; without it policy variables are taken literally.", {});
  bool uses_vars = false;
  for (const auto& s : p.statements) {
    for (const auto& r : s.resources) uses_vars |= r.find("${") != std::string::npos;
    for (const auto& cond : s.conditions)
      for (const auto& v : cond.values) uses_vars |= v.find("${") != std::string::npos;
  }
  if (p.version != Version::V2012_10_17 && uses_vars)
    c.add(FindingType::Warning, "POLICY_VARIABLES_NEED_VERSION_2012",
          "Policy variables are substituted only in Version 2012-10-17 documents; here they are literal text.",
          {{"Version", -1}});

  for (const auto& s : p.statements) {
    if (s.actions.empty())
      c.add(FindingType::Suggestion, "EMPTY_ARRAY_ACTION", "The statement has an empty action array.",
            elem_path(s.index, s.not_action ? "NotAction" : "Action"));
    check_actions(s, data, &c);
    check_resources(s, &c);
    check_conditions(s, data, &c);
    if (s.effect != Effect::Allow) continue;
    const bool star_resource = s.has_resource && !s.not_resource &&
                               std::find(s.resources.begin(), s.resources.end(), "*") != s.resources.end();
    const bool passed_to_service = std::any_of(s.conditions.begin(), s.conditions.end(), [](const ConditionClause& c) {
      return iequals(c.key, "iam:PassedToService");
    });
    if (allows_pass_role(s) && !passed_to_service && (star_resource || (s.has_resource && s.not_resource))) {
      const bool star_action = !s.not_action && std::any_of(s.actions.begin(), s.actions.end(), [](const std::string& a) {
        return a == "*" || iequals(a, "iam:*");
      });
      c.add(FindingType::SecurityWarning,
            star_action ? "PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE" : "PASS_ROLE_WITH_STAR_IN_RESOURCE",
            "Using the iam:PassRole action with wildcards (*) in the resource can be overly permissive because it "
            "allows iam:PassRole permissions on multiple resources. We recommend that you specify resource ARNs "
            "or add the iam:PassedToService condition key to your statement.",
            elem_path(s.index, s.not_resource ? "NotResource" : "Resource"));
    }
    if (s.not_action)
      c.add(FindingType::SecurityWarning, "ALLOW_WITH_NOT_ACTION",
            "Allow with NotAction allows every action not listed, including actions of services added later. "
            "We recommend listing the allowed actions.",
            elem_path(s.index, "NotAction"));
    if (s.has_resource && s.not_resource)
      c.add(FindingType::SecurityWarning, "ALLOW_WITH_NOT_RESOURCE",
            "Allow with NotResource allows every resource not listed, including resources created later. "
            "We recommend listing the allowed resources.",
            elem_path(s.index, "NotResource"));
    if (s.has_principal && s.not_principal)
      c.add(FindingType::SecurityWarning, "ALLOW_WITH_NOT_PRINCIPAL",
            "Allow with NotPrincipal allows every principal not listed, including anonymous users.",
            elem_path(s.index, "NotPrincipal"));
  }
  // Redundant statements: same effect, principal, resources and conditions, and every action
  // already allowed/denied by another statement.
  for (std::size_t i = 0; i < p.statements.size(); ++i) {
    const auto& a = p.statements[i];
    for (std::size_t j = 0; j < p.statements.size(); ++j) {
      if (i == j) continue;
      const auto& b = p.statements[j];
      if (a.effect != b.effect || a.not_action || b.not_action || a.has_resource != b.has_resource ||
          a.not_resource != b.not_resource || a.resources != b.resources || !same_principal(a, b) ||
          !same_conditions(a, b))
        continue;
      const bool all_covered = std::all_of(a.actions.begin(), a.actions.end(), [&](const std::string& act) {
        return std::any_of(b.actions.begin(), b.actions.end(),
                           [&](const std::string& g) { return iequals(g, act) || action_covers(g, act); });
      });
      const bool identical_set = all_covered && std::all_of(b.actions.begin(), b.actions.end(), [&](const std::string& act) {
        return std::any_of(a.actions.begin(), a.actions.end(),
                           [&](const std::string& g) { return iequals(g, act) || action_covers(g, act); });
      });
      // Of two equivalent statements report the later one only.
      if (all_covered && (!identical_set || j < i)) {
        c.add(FindingType::Suggestion, "REDUNDANT_STATEMENT",
              "The statement is redundant: statement " + std::to_string(b.index) + " already " +
                  (a.effect == Effect::Allow ? "allows" : "denies") + " everything it covers.",
              stmt_path(a.index));
        break;
      }
    }
  }
  return std::move(c.out);
}

std::string findings_to_json(const std::vector<Finding>& findings) {
  boost::json::array arr;
  for (const auto& f : findings) {
    boost::json::array path;
    for (const auto& e : f.path) {
      if (e.index >= 0) path.push_back(boost::json::object{{"index", e.index}});
      else path.push_back(boost::json::object{{"value", e.value}});
    }
    boost::json::array locations;
    locations.push_back(boost::json::object{{"path", std::move(path)}});
    arr.push_back(boost::json::object{{"findingType", finding_type_name(f.type)},
                                      {"issueCode", f.issue_code},
                                      {"findingDetails", f.details},
                                      {"locations", std::move(locations)}});
  }
  return boost::json::serialize(arr);
}

}  // namespace policy
