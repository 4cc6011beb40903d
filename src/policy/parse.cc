// Parser and storage-time checks for policy documents. The checks run in the order AWS
// reports them, so the first problem found is the message AWS would give.
#include <algorithm>
#include <array>
#include <cctype>
#include <optional>

#include <boost/json.hpp>

#include "policy/policy.h"
#include "policy/text.h"

namespace policy {
namespace json = boost::json;

namespace {

constexpr std::string_view kSyntax = "Syntax errors in policy.";

struct KindInfo {
  PolicyKind kind;
  std::string_view name;
  std::size_t quota;
};
constexpr std::array<KindInfo, 10> kKinds{{
    {PolicyKind::Identity, "Identity", 6144},
    {PolicyKind::InlineUser, "InlineUser", 2048},
    {PolicyKind::InlineGroup, "InlineGroup", 5120},
    {PolicyKind::InlineRole, "InlineRole", 10240},
    {PolicyKind::Resource, "Resource", 20480},
    {PolicyKind::TrustPolicy, "TrustPolicy", 2048},
    {PolicyKind::PermissionsBoundary, "PermissionsBoundary", 6144},
    {PolicyKind::Session, "Session", 2048},
    {PolicyKind::SCP, "SCP", 5120},
    {PolicyKind::RCP, "RCP", 5120},
}};

bool requires_principal(PolicyKind k) {
  return k == PolicyKind::Resource || k == PolicyKind::TrustPolicy || k == PolicyKind::RCP;
}
// Kinds whose Sids IAM restricts to [0-9A-Za-z]*.
bool iam_sid_rules(PolicyKind k) {
  switch (k) {
    case PolicyKind::Identity:
    case PolicyKind::InlineUser:
    case PolicyKind::InlineGroup:
    case PolicyKind::InlineRole:
    case PolicyKind::PermissionsBoundary:
    case PolicyKind::TrustPolicy:
      return true;
    default:
      return false;
  }
}

// A syntax problem aborts parsing; carried as an exception-free optional error.
struct Fail {
  std::string message;
};

// String or array of strings. Empty arrays are kept (the caller reports them).
bool string_list(const json::value& v, std::vector<std::string>* out) {
  if (v.is_string()) {
    out->emplace_back(v.get_string());
    return true;
  }
  if (!v.is_array()) return false;
  for (const auto& e : v.get_array()) {
    if (!e.is_string()) return false;
    out->emplace_back(e.get_string());
  }
  return true;
}

// Condition values: strings, numbers and booleans, alone or in an array.
bool scalar_text(const json::value& v, std::string* out) {
  switch (v.kind()) {
    case json::kind::string:
      *out = std::string(v.get_string());
      return true;
    case json::kind::bool_:
      *out = v.get_bool() ? "true" : "false";
      return true;
    case json::kind::int64:
      *out = std::to_string(v.get_int64());
      return true;
    case json::kind::uint64:
      *out = std::to_string(v.get_uint64());
      return true;
    case json::kind::double_:
      *out = json::serialize(v);
      return true;
    default:
      return false;
  }
}

bool condition_values(const json::value& v, std::vector<std::string>* out) {
  std::string s;
  if (v.is_array()) {
    for (const auto& e : v.get_array()) {
      if (!scalar_text(e, &s)) return false;
      out->push_back(std::move(s));
    }
    return true;
  }
  if (!scalar_text(v, &s)) return false;
  out->push_back(std::move(s));
  return true;
}

bool is_account_id(std::string_view s) {
  return s.size() == 12 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// IAM unique ids (AIDA..., AROA...) appear in policies whose principal was deleted.
bool is_unique_id(std::string_view s) {
  if (s.size() < 16 || s.size() > 128 || s[0] != 'A') return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return std::isupper(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)); });
}

// An AWS principal: "*", an account id, an IAM/STS ARN or a unique id.
bool valid_aws_principal(std::string_view s) {
  if (s == "*" || is_account_id(s) || is_unique_id(s)) return true;
  if (s.find_first_of("*?") != std::string_view::npos) return false;
  ArnParts a;
  if (!split_arn(s, &a)) return false;
  if (a.service != "iam" && a.service != "sts") return false;
  if (!is_account_id(a.account) || !a.region.empty()) return false;
  if (a.service == "iam")
    return a.resource == "root" || a.resource.starts_with("user/") || a.resource.starts_with("role/") ||
           a.resource.starts_with("group/");
  return a.resource.starts_with("assumed-role/") || a.resource.starts_with("federated-user/");
}

std::string principal_error(std::string_view type, std::string_view value) {
  return "Invalid principal in policy: \"" + std::string(type) + "\":\"" + std::string(value) + "\"";
}

std::optional<Fail> parse_principal(const json::value& v, PrincipalSpec* p) {
  if (v.is_string()) {
    if (v.get_string() != "*") return Fail{principal_error("AWS", std::string_view(v.get_string()))};
    p->wildcard = true;
    return std::nullopt;
  }
  if (!v.is_object()) return Fail{std::string(kSyntax)};
  if (v.get_object().empty()) return Fail{std::string(kSyntax)};
  for (const auto& kv : v.get_object()) {
    std::vector<std::string> vals;
    if (!string_list(kv.value(), &vals)) return Fail{std::string(kSyntax)};
    std::string_view type = kv.key();
    if (vals.empty()) return Fail{principal_error(type, "")};
    if (type == "AWS") {
      for (auto& s : vals) {
        if (!valid_aws_principal(s)) return Fail{principal_error(type, s)};
        if (is_account_id(s)) s = "arn:aws:iam::" + s + ":root";
        p->aws.push_back(std::move(s));
      }
    } else if (type == "Service" || type == "Federated" || type == "CanonicalUser") {
      for (auto& s : vals) {
        if (s.empty() || (s != "*" && s.find_first_of("*?") != std::string::npos))
          return Fail{principal_error(type, s)};
      }
      auto& dst = type == "Service" ? p->service : type == "Federated" ? p->federated : p->canonical_user;
      for (auto& s : vals) dst.push_back(std::move(s));
    } else {
      return Fail{"Invalid principal in policy: \"" + std::string(type) + "\""};
    }
  }
  return std::nullopt;
}

bool valid_condition_operator(std::string_view op) {
  static constexpr std::array<std::string_view, 27> kOps{
      "StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase",
      "StringLike", "StringNotLike", "NumericEquals", "NumericNotEquals", "NumericLessThan",
      "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals", "DateEquals",
      "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan",
      "DateGreaterThanEquals", "Bool", "BinaryEquals", "IpAddress", "NotIpAddress", "ArnEquals",
      "ArnLike", "ArnNotEquals", "ArnNotLike", "Null"};
  std::string_view base = op;
  if (iequals_prefix(base, "ForAnyValue:")) base.remove_prefix(12);
  else if (iequals_prefix(base, "ForAllValues:")) base.remove_prefix(13);
  if (base.size() > 8 && iequals(base.substr(base.size() - 8), "IfExists")) base.remove_suffix(8);
  return std::any_of(kOps.begin(), kOps.end(), [&](std::string_view k) { return iequals(k, base); });
}

std::optional<Fail> parse_statement(const json::value& v, std::size_t index, Statement* st) {
  if (!v.is_object()) return Fail{std::string(kSyntax)};
  st->index = index;
  const auto& o = v.get_object();
  bool has_action = false, has_not_action = false, has_res = false, has_not_res = false;
  bool has_pr = false, has_not_pr = false, has_effect = false;
  for (const auto& kv : o) {
    std::string_view k = kv.key();
    const json::value& val = kv.value();
    if (k == "Sid") {
      if (!val.is_string()) return Fail{std::string(kSyntax)};
      st->sid = std::string(val.get_string());
      st->has_sid = true;
    } else if (k == "Effect") {
      if (!val.is_string()) return Fail{std::string(kSyntax)};
      std::string_view e = val.get_string();
      if (e == "Allow") st->effect = Effect::Allow;
      else if (e == "Deny") st->effect = Effect::Deny;
      else if (iequals(e, "Allow") || iequals(e, "Deny")) return Fail{"The policy failed legacy parsing"};
      else return Fail{std::string(kSyntax)};
      has_effect = true;
    } else if (k == "Action" || k == "NotAction") {
      (k == "Action" ? has_action : has_not_action) = true;
      if (!string_list(val, &st->actions)) return Fail{std::string(kSyntax)};
      st->not_action = k == "NotAction";
    } else if (k == "Resource" || k == "NotResource") {
      (k == "Resource" ? has_res : has_not_res) = true;
      if (!string_list(val, &st->resources)) return Fail{std::string(kSyntax)};
      st->has_resource = true;
      st->not_resource = k == "NotResource";
    } else if (k == "Principal" || k == "NotPrincipal") {
      (k == "Principal" ? has_pr : has_not_pr) = true;
      st->has_principal = true;
      st->not_principal = k == "NotPrincipal";
      if (auto f = parse_principal(val, &st->principal)) return f;
    } else if (k == "Condition") {
      if (!val.is_object()) return Fail{std::string(kSyntax)};
      for (const auto& op : val.get_object()) {
        if (!op.value().is_object()) return Fail{std::string(kSyntax)};
        if (!valid_condition_operator(op.key())) {
          if (op.value().get_object().empty()) continue;  // AWS ignores an empty unknown block
          return Fail{std::string(kSyntax)};
        }
        for (const auto& kv2 : op.value().get_object()) {
          ConditionClause c;
          c.op = std::string(op.key());
          c.key = std::string(kv2.key());
          if (!condition_values(kv2.value(), &c.values)) return Fail{std::string(kSyntax)};
          st->conditions.push_back(std::move(c));
        }
      }
    } else {
      return Fail{std::string(kSyntax)};
    }
  }
  if (!has_effect) return Fail{std::string(kSyntax)};
  if ((has_action && has_not_action) || (has_res && has_not_res) || (has_pr && has_not_pr))
    return Fail{std::string(kSyntax)};
  return std::nullopt;
}

bool valid_vendor(std::string_view v) {
  if (v.empty()) return false;
  return std::all_of(v.begin(), v.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '*' || c == '?';
  });
}

std::optional<Fail> check_action(std::string_view a) {
  if (a == "*") return std::nullopt;
  auto colon = a.find(':');
  if (colon == std::string_view::npos)
    return Fail{"Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."};
  if (a.find(':', colon + 1) != std::string_view::npos) return Fail{"Actions/Condition can contain only one colon."};
  if (!valid_vendor(a.substr(0, colon))) return Fail{"Vendor " + std::string(a.substr(0, colon)) + " is not valid"};
  return std::nullopt;
}

std::optional<Fail> check_resource(std::string_view r) {
  if (r == "*") return std::nullopt;
  // AWS accepts any string with a vendor-qualified ARN shape; "arn:aws:s3:::b" has five colons.
  if (!r.starts_with("arn:") || std::count(r.begin(), r.end(), ':') < 5)
    return Fail{"Resource " + std::string(r) + " must be in ARN format or \"*\"."};
  return std::nullopt;
}

Result<Policy> parse_impl(std::string_view text, PolicyKind kind) {
  boost::system::error_code ec;
  json::value doc = json::parse(json::string_view(text.data(), text.size()), ec);
  if (ec || !doc.is_object()) return malformed(std::string(kSyntax));
  Policy p;
  p.kind = kind;
  const json::value* stmts = nullptr;
  for (const auto& kv : doc.get_object()) {
    std::string_view k = kv.key();
    if (k == "Version") {
      if (!kv.value().is_string()) return malformed(std::string(kSyntax));
      std::string_view v = kv.value().get_string();
      if (v == "2012-10-17") p.version = Version::V2012_10_17;
      else if (v == "2008-10-17") p.version = Version::V2008_10_17;
      else return malformed(std::string(kSyntax));
    } else if (k == "Id") {
      if (!kv.value().is_string()) return malformed(std::string(kSyntax));
      p.id = std::string(kv.value().get_string());
    } else if (k == "Statement") {
      stmts = &kv.value();
    } else {
      return malformed(std::string(kSyntax));
    }
  }
  if (!stmts) return malformed(std::string(kSyntax));
  if (stmts->is_object()) {
    p.statements.emplace_back();
    if (auto f = parse_statement(*stmts, 0, &p.statements.back())) return malformed(f->message);
  } else if (stmts->is_array()) {
    if (stmts->get_array().empty()) return malformed(std::string(kSyntax));
    std::size_t i = 0;
    for (const auto& s : stmts->get_array()) {
      p.statements.emplace_back();
      if (auto f = parse_statement(s, i++, &p.statements.back())) return malformed(f->message);
    }
  } else {
    return malformed(std::string(kSyntax));
  }

  // Sids: unique in every kind; alphanumeric in IAM's own documents.
  for (std::size_t i = 0; i < p.statements.size(); ++i) {
    const auto& s = p.statements[i];
    if (!s.has_sid || s.sid.empty()) continue;
    for (std::size_t j = 0; j < i; ++j)
      if (p.statements[j].has_sid && p.statements[j].sid == s.sid)
        return malformed("Statement IDs (SID) in a single policy must be unique.");
  }
  if (iam_sid_rules(kind)) {
    for (const auto& s : p.statements)
      if (!std::all_of(s.sid.begin(), s.sid.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)); }))
        return malformed(
            "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular "
            "expression [0-9A-Za-z]*");
  }
  for (const auto& s : p.statements)
    if (s.actions.empty()) return malformed("Policy statement must contain actions.");

  const bool principal_required = requires_principal(kind);
  for (const auto& s : p.statements) {
    if (!principal_required && s.has_principal)
      return malformed(s.not_principal ? "Has prohibited field NotPrincipal" : "Has prohibited field Principal");
    if (principal_required && !s.has_principal) return malformed("Missing required field Principal");
    if (kind == PolicyKind::RCP && (s.not_principal || !s.principal.wildcard))
      return malformed("Invalid principal in policy: resource control policies support only \"Principal\": \"*\"");
    // RCPFullAWSAccess is attached everywhere and cannot be detached; customer RCPs only deny.
    if (kind == PolicyKind::RCP && s.effect == Effect::Allow &&
        (s.not_action || s.not_resource || !s.conditions.empty() || s.actions != std::vector<std::string>{"*"} ||
         s.resources != std::vector<std::string>{"*"}))
      return malformed(
          "Resource control policies support \"Effect\": \"Allow\" only as in RCPFullAWSAccess (all actions on all "
          "resources, no conditions).");
    if (kind == PolicyKind::TrustPolicy && s.not_principal) return malformed("Has prohibited field NotPrincipal");
    if (kind == PolicyKind::TrustPolicy && s.has_resource) return malformed("Has prohibited field Resource");
    if (kind != PolicyKind::TrustPolicy && (!s.has_resource || s.resources.empty()))
      return malformed("Policy statement must contain resources.");
  }
  for (const auto& s : p.statements)
    for (const auto& r : s.resources)
      if (auto f = check_resource(r)) return malformed(f->message);
  for (const auto& s : p.statements)
    for (const auto& a : s.actions)
      if (auto f = check_action(a)) return malformed(f->message);
  for (const auto& s : p.statements)
    for (const auto& c : s.conditions)
      if (c.key.find(':') == std::string::npos)
        return malformed("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.");
  return p;
}

}  // namespace

std::string_view kind_name(PolicyKind kind) {
  for (const auto& k : kKinds)
    if (k.kind == kind) return k.name;
  return "Identity";
}

bool kind_from_name(std::string_view name, PolicyKind* out) {
  for (const auto& k : kKinds)
    if (iequals(k.name, name)) {
      *out = k.kind;
      return true;
    }
  struct Alias {
    std::string_view name;
    PolicyKind kind;
  };
  static constexpr std::array<Alias, 6> kAliases{{{"managed", PolicyKind::Identity},
                                                  {"identity-based", PolicyKind::Identity},
                                                  {"trust", PolicyKind::TrustPolicy},
                                                  {"boundary", PolicyKind::PermissionsBoundary},
                                                  {"resource-based", PolicyKind::Resource},
                                                  {"bucket", PolicyKind::Resource}}};
  for (const auto& a : kAliases)
    if (iequals(a.name, name)) {
      *out = a.kind;
      return true;
    }
  return false;
}

std::size_t size_quota(PolicyKind kind) {
  for (const auto& k : kKinds)
    if (k.kind == kind) return k.quota;
  return 6144;
}

std::size_t counted_size(std::string_view json) {
  std::size_t n = 0;
  for (char c : json)
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') ++n;
  return n;
}

std::size_t counted_size(std::string_view json, PolicyKind kind) {
  return (kind == PolicyKind::SCP || kind == PolicyKind::RCP) ? json.size() : counted_size(json);
}

Result<Policy> parse_unbounded(std::string_view json, PolicyKind kind) { return parse_impl(json, kind); }

Result<Policy> parse(std::string_view json, PolicyKind kind) {
  const std::size_t quota = size_quota(kind);
  if (counted_size(json, kind) > quota) {
    switch (kind) {
      case PolicyKind::Identity:
      case PolicyKind::PermissionsBoundary:
        return limit_exceeded("Cannot exceed quota for PolicySize: " + std::to_string(quota));
      case PolicyKind::TrustPolicy:
        return limit_exceeded("Cannot exceed quota for ACLSizePerRole: " + std::to_string(quota));
      case PolicyKind::InlineUser:
      case PolicyKind::InlineGroup:
      case PolicyKind::InlineRole:
        return limit_exceeded("Maximum policy size of " + std::to_string(quota) + " bytes exceeded.");
      default:
        return limit_exceeded("Policy document exceeds the maximum size of " + std::to_string(quota) +
                              " characters.");
    }
  }
  return parse_impl(json, kind);
}

}  // namespace policy
