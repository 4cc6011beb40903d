#include "policy/evaluate.h"

#include <algorithm>
#include <cstring>

#include "policy/text.h"
#include "policy/values.h"

namespace policy {

using detail::Mode;
using detail::Op;
using detail::Pattern;
using detail::SetOp;

std::string_view decision_name(DecisionType t) {
  switch (t) {
    case DecisionType::Allowed: return "Allowed";
    case DecisionType::ExplicitlyDenied: return "ExplicitlyDenied";
    default: return "ImplicitlyDenied";
  }
}

namespace {

// How a resource policy's Principal element named the caller; higher is stronger.
enum class PrincipalMatch : uint8_t { None, Account, RoleArn, Direct };

consteval uint64_t const_hash(std::string_view s) { return key_fingerprint(s); }

constexpr std::size_t kMaxAction = 256;
constexpr std::size_t kExpandBuffer = 4096;

struct Derived {
  std::string_view key;  // in AWS's spelling, so that the usual spelling in policies compares equal at once
  uint64_t hash;
  std::string_view value[1];
};

constexpr std::size_t kHashedContext = 48;  // context entries beyond this are compared by text only

// Per-request scratch, on the stack of evaluate(). Nothing here allocates.
struct Ctx {
  const Request* req = nullptr;
  char action_buf[kMaxAction];
  std::string_view service, name;
  uint64_t service_hash = 0, name_hash = 0;
  mutable bool context_hashed = false;  // context_hash is filled on the first lookup
  mutable uint64_t context_hash[kHashedContext];
  std::string_view resource_account;
  char root_buf[64];
  std::string_view account_root;
  char role_buf[512];
  std::string_view role_arn, role_name;
  Derived derived[8];
  int derived_count = 0;
  bool boundary_present = false;

  void add_derived(std::string_view key, uint64_t hash, std::string_view value) {
    if (value.empty() || derived_count >= 8) return;
    derived[derived_count].key = key;
    derived[derived_count].hash = hash;
    derived[derived_count].value[0] = value;
    ++derived_count;
  }
};

// Looks a context key up (case-insensitively), then the keys derived from the principal.
bool lookup(const Ctx& c, std::string_view key, uint64_t hash, std::span<const std::string_view>* out) {
  const auto& ctx = c.req->context;
  if (!c.context_hashed) {
    for (std::size_t i = 0; i < ctx.size() && i < kHashedContext; ++i) c.context_hash[i] = key_fingerprint(ctx[i].key);
    c.context_hashed = true;
  }
  for (std::size_t i = 0; i < ctx.size(); ++i) {
    if (i < kHashedContext && c.context_hash[i] != hash) continue;
    if (iequals(ctx[i].key, key)) {
      *out = ctx[i].values;
      return true;
    }
  }
  for (int i = 0; i < c.derived_count; ++i)
    if (c.derived[i].hash == hash && iequals(c.derived[i].key, key)) {
      *out = std::span<const std::string_view>(c.derived[i].value, 1);
      return true;
    }
  return false;
}

// Substitutes variables into buf. False when a variable has no (single) value and no default,
// or the result does not fit: the pattern then matches nothing.
bool expand(const Pattern& p, const Ctx& c, char* buf, std::size_t cap, std::string_view* out) {
  if (!p.has_vars) {
    *out = p.text;
    return true;
  }
  std::size_t n = 0;
  for (const auto& piece : p.pieces) {
    std::string_view v;
    if (!piece.variable) {
      v = piece.text;
    } else {
      std::span<const std::string_view> vals;
      if (lookup(c, piece.text, piece.key_hash, &vals) && vals.size() == 1) v = vals[0];
      else if (piece.has_default) v = piece.default_value;
      else return false;
      // A value's own '*' and '?' are literal; marker bytes cannot come from a value.
      if (v.find(kStar) != std::string_view::npos || v.find(kQuestion) != std::string_view::npos) return false;
    }
    if (n + v.size() > cap) return false;
    std::memcpy(buf + n, v.data(), v.size());
    n += v.size();
  }
  *out = std::string_view(buf, n);
  return true;
}

bool resource_matches(const detail::Statement& s, const Ctx& c) {
  if (s.resource_mode == Mode::None) return true;
  bool any = s.any_resource;
  if (!any) {
    char buf[kExpandBuffer];
    const std::string_view resource = c.req->resource;
    for (const auto& p : s.resources) {
      if (!resource.starts_with(p.prefix)) continue;
      if (!p.has_vars) {
        if (p.shape == Pattern::Shape::Prefix || (p.shape == Pattern::Shape::Exact && resource.size() == p.prefix.size())) {
          any = true;
          break;
        }
        if (p.shape == Pattern::Shape::Exact) continue;
      }
      std::string_view text;
      if (!expand(p, c, buf, sizeof buf, &text)) continue;
      if (p.shape == Pattern::Shape::Exact ? resource == text
          : p.shape == Pattern::Shape::Prefix ? resource.starts_with(text.substr(0, text.size() - 1))
                                              : arn_glob_match(text, c.req->resource)) {
        any = true;
        break;
      }
    }
  }
  return s.resource_mode == Mode::Positive ? any : !any;
}

bool action_matches(const detail::Statement& s, const Ctx& c) {
  bool any = s.any_action;
  if (!any)
    for (const auto& a : s.actions) {
      if (a.service_literal ? (a.service_hash != c.service_hash || a.service != c.service)
                            : !glob_match(a.service, c.service, false))
        continue;
      if (a.name_any || (a.name_literal ? (a.name_hash == c.name_hash && a.name == c.name)
                                        : glob_match(a.name, c.name, false))) {
        any = true;
        break;
      }
    }
  return s.action_mode == Mode::Positive ? any : !any;
}

// One context value against one policy value, for the positive form of the operator.
bool compare(const detail::Condition& cond, const detail::CondValue& pv, std::string_view cv, const Ctx& c) {
  if (!pv.valid) return false;
  switch (cond.op) {
    case Op::StringEquals:
    case Op::StringEqualsIgnoreCase:
    case Op::StringLike:
    case Op::Arn: {
      char buf[kExpandBuffer];
      std::string_view text;
      if (!expand(pv.pattern, c, buf, sizeof buf, &text)) return false;
      if (cond.op == Op::StringEquals) return text == cv;
      if (cond.op == Op::StringEqualsIgnoreCase) return iequals(text, cv);
      if (cond.op == Op::StringLike) return glob_match(text, cv, false);
      ArnParts unused;
      if (!split_arn(cv, &unused)) return false;
      return arn_glob_match(text, cv, true);
    }
    case Op::BinaryEquals:
      return pv.pattern.text == cv;
    case Op::NumericEquals:
    case Op::NumericLessThan:
    case Op::NumericLessThanEquals:
    case Op::NumericGreaterThan:
    case Op::NumericGreaterThanEquals: {
      double v;
      if (!parse_number(cv, &v)) return false;
      switch (cond.op) {
        case Op::NumericEquals: return v == pv.number;
        case Op::NumericLessThan: return v < pv.number;
        case Op::NumericLessThanEquals: return v <= pv.number;
        case Op::NumericGreaterThan: return v > pv.number;
        default: return v >= pv.number;
      }
    }
    case Op::DateEquals:
    case Op::DateLessThan:
    case Op::DateLessThanEquals:
    case Op::DateGreaterThan:
    case Op::DateGreaterThanEquals: {
      int64_t v;
      if (!parse_date_ms(cv, &v)) return false;
      switch (cond.op) {
        case Op::DateEquals: return v == pv.date_ms;
        case Op::DateLessThan: return v < pv.date_ms;
        case Op::DateLessThanEquals: return v <= pv.date_ms;
        case Op::DateGreaterThan: return v > pv.date_ms;
        default: return v >= pv.date_ms;
      }
    }
    case Op::Bool:
      return iequals(cv, pv.truth ? "true" : "false");
    case Op::IpAddress: {
      detail::IpNet addr;
      if (!parse_cidr(cv, &addr)) return false;
      return ip_in_net(addr, pv.net);
    }
    case Op::Null:
      return false;
  }
  return false;
}

// Values of one key are ORed; the negated operators are NOR. Typed context values are read
// once per key, not once per policy value.
bool any_value(const detail::Condition& cond, std::string_view cv, const Ctx& c) {
  switch (cond.op) {
    case Op::IpAddress: {
      detail::IpNet addr;
      if (!parse_cidr(cv, &addr)) return false;
      for (const auto& pv : cond.values)
        if (pv.valid && ip_in_net(addr, pv.net)) return true;
      return false;
    }
    case Op::DateEquals:
    case Op::DateLessThan:
    case Op::DateLessThanEquals:
    case Op::DateGreaterThan:
    case Op::DateGreaterThanEquals: {
      int64_t v;
      if (!parse_date_ms(cv, &v)) return false;
      for (const auto& pv : cond.values) {
        if (!pv.valid) continue;
        switch (cond.op) {
          case Op::DateEquals: if (v == pv.date_ms) return true; break;
          case Op::DateLessThan: if (v < pv.date_ms) return true; break;
          case Op::DateLessThanEquals: if (v <= pv.date_ms) return true; break;
          case Op::DateGreaterThan: if (v > pv.date_ms) return true; break;
          default: if (v >= pv.date_ms) return true; break;
        }
      }
      return false;
    }
    default:
      for (const auto& pv : cond.values)
        if (compare(cond, pv, cv, c)) return true;
      return false;
  }
}

bool condition_holds(const detail::Condition& cond, const Ctx& c) {
  std::span<const std::string_view> vals;
  const bool found = lookup(c, cond.key, cond.key_hash, &vals);
  if (cond.op == Op::Null) {
    const bool absent = !found || vals.empty();
    for (const auto& pv : cond.values)
      if (pv.valid && pv.truth == absent) return true;
    return false;
  }
  if (!found || vals.empty()) {
    if (cond.if_exists) return true;
    if (cond.set == SetOp::ForAllValues) return true;
    if (cond.set == SetOp::ForAnyValue) return false;
    return cond.negated;
  }
  switch (cond.set) {
    case SetOp::None: {
      bool m = false;
      for (auto v : vals)
        if (any_value(cond, v, c)) {
          m = true;
          break;
        }
      return cond.negated ? !m : m;
    }
    case SetOp::ForAnyValue:
      for (auto v : vals)
        if (any_value(cond, v, c) != cond.negated) return true;
      return false;
    case SetOp::ForAllValues:
      for (auto v : vals)
        if (any_value(cond, v, c) == cond.negated) return false;
      return true;
  }
  return false;
}

bool conditions_hold(const detail::Statement& s, const Ctx& c) {
  for (const auto& cond : s.conditions)
    if (!condition_holds(cond, c)) return false;
  return true;
}

// Does the role ARN v (any path) name the caller's role?
bool names_role(std::string_view v, const Ctx& c) {
  if (c.role_arn.empty()) return false;
  if (!c.req->principal.role_arn.empty()) return v == c.req->principal.role_arn;
  ArnParts a;
  if (!split_arn(v, &a) || a.service != "iam" || a.account != c.req->principal.account) return false;
  if (!a.resource.starts_with("role/")) return false;
  auto slash = a.resource.rfind('/');
  return a.resource.substr(slash + 1) == c.role_name;
}

bool is_unique_id_of(std::string_view v, const Ctx& c) {
  std::string_view uid = c.req->principal.user_id;
  if (uid.empty() || v.empty()) return false;
  if (auto colon = uid.find(':'); colon != std::string_view::npos) uid = uid.substr(0, colon);
  return v == uid;
}

PrincipalMatch match_aws(std::string_view v, const Ctx& c) {
  const Principal& p = c.req->principal;
  const PrincipalType t = p.type;
  if (t == PrincipalType::Service || t == PrincipalType::WebIdentity || t == PrincipalType::CanonicalUser)
    return PrincipalMatch::None;
  if (v == "*") return PrincipalMatch::Direct;
  if (t == PrincipalType::Anonymous) return PrincipalMatch::None;
  // The role before the exact ARN: a caller given as a role ARN is still limited as a role.
  if (t == PrincipalType::AssumedRole && names_role(v, c)) return PrincipalMatch::RoleArn;
  if (v == p.arn) return PrincipalMatch::Direct;
  if (is_unique_id_of(v, c))
    return t == PrincipalType::AssumedRole ? PrincipalMatch::RoleArn : PrincipalMatch::Direct;
  if (!c.account_root.empty() && v == c.account_root)
    return t == PrincipalType::Account ? PrincipalMatch::Direct : PrincipalMatch::Account;
  return PrincipalMatch::None;
}

bool listed(const std::vector<std::string>& list, std::string_view v, bool icase) {
  for (const auto& e : list)
    if (e == "*" || (icase ? iequals(e, v) : e == v)) return true;
  return false;
}

PrincipalMatch principal_match(const detail::Statement& s, const Ctx& c) {
  if (s.principal_mode == Mode::None) return PrincipalMatch::Direct;
  const Principal& p = c.req->principal;
  if (s.principal_mode == Mode::Positive) {
    if (s.principal_wildcard) return PrincipalMatch::Direct;
    PrincipalMatch best = PrincipalMatch::None;
    for (const auto& v : s.principal_aws) best = std::max(best, match_aws(v, c));
    // Service principal names are case-sensitive (IAM API reference, CreateServiceLinkedRole).
    if (p.type == PrincipalType::Service && listed(s.principal_service, p.arn, false)) best = PrincipalMatch::Direct;
    if (p.type == PrincipalType::WebIdentity && listed(s.principal_federated, p.arn, false))
      best = PrincipalMatch::Direct;
    if (p.type == PrincipalType::CanonicalUser && listed(s.principal_canonical, p.arn, false))
      best = PrincipalMatch::Direct;
    return best;
  }
  // NotPrincipal: applies unless every identity of the caller is listed (the caller's ARN, its
  // account, and for a role session the role too). A Deny with NotPrincipal always applies to a
  // user or role that has a permissions boundary (IAM User Guide, permissions boundaries).
  if (s.principal_wildcard) return PrincipalMatch::None;
  if (s.effect == Effect::Deny && c.boundary_present &&
      (p.type == PrincipalType::User || p.type == PrincipalType::AssumedRole))
    return PrincipalMatch::Direct;
  bool arn_listed;
  switch (p.type) {
    case PrincipalType::Service: arn_listed = listed(s.principal_service, p.arn, false); break;
    case PrincipalType::WebIdentity: arn_listed = listed(s.principal_federated, p.arn, false); break;
    case PrincipalType::CanonicalUser: arn_listed = listed(s.principal_canonical, p.arn, false); break;
    case PrincipalType::Anonymous: arn_listed = listed(s.principal_aws, "*", false); break;
    default: arn_listed = listed(s.principal_aws, p.arn, false);
  }
  bool root_listed = c.account_root.empty() || listed(s.principal_aws, c.account_root, false);
  bool role_listed = true;
  if (p.type == PrincipalType::AssumedRole) {
    role_listed = false;
    for (const auto& v : s.principal_aws)
      if (v == "*" || names_role(v, c)) role_listed = true;
  }
  return (arn_listed && root_listed && role_listed) ? PrincipalMatch::None : PrincipalMatch::Direct;
}

struct PolicyResult {
  const detail::Statement* deny = nullptr;
  const detail::Statement* allow = nullptr;
  PrincipalMatch allow_match = PrincipalMatch::None;
};

// resource_side: the policy sits in the resource slot, so a statement must name its principals
// (one without Principal, e.g. an identity policy put there by mistake, applies to nobody), and
// the strongest principal match among its Allows is kept.
void eval_statement(const detail::Statement& s, const Ctx& c, bool resource_side, PolicyResult* r) {
  if (resource_side && s.principal_mode == Mode::None) return;
  if (s.effect == Effect::Allow && r->allow &&
      (!resource_side || r->allow_match == PrincipalMatch::Direct))
    return;
  if (!action_matches(s, c)) return;
  const PrincipalMatch pm = principal_match(s, c);
  if (pm == PrincipalMatch::None) return;
  if (!resource_matches(s, c) || !conditions_hold(s, c)) return;
  if (s.effect == Effect::Deny) {
    r->deny = &s;
  } else if (pm > r->allow_match) {
    r->allow = &s;
    r->allow_match = pm;
  }
}

void eval_policy(const CompiledPolicy& p, const Ctx& c, bool resource_side, PolicyResult* r) {
  const auto& stmts = p.statements();
  for (const auto& b : p.buckets()) {
    if (b.hash != c.service_hash || b.service != c.service) continue;
    for (uint32_t i : b.stmts) {
      eval_statement(stmts[i], c, resource_side, r);
      if (r->deny) return;
    }
    break;
  }
  for (uint32_t i : p.wildcard_statements()) {
    eval_statement(stmts[i], c, resource_side, r);
    if (r->deny) return;
  }
}

// Builds a string in a fixed buffer; ok() is false when it did not fit.
class Appender {
 public:
  Appender(char* buf, std::size_t cap) : buf_(buf), cap_(cap) {}
  Appender& add(std::string_view s) {
    if (n_ + s.size() > cap_) {
      overflow_ = true;
      return *this;
    }
    std::memcpy(buf_ + n_, s.data(), s.size());
    n_ += s.size();
    return *this;
  }
  bool ok() const { return !overflow_; }
  std::string_view view() const { return overflow_ ? std::string_view() : std::string_view(buf_, n_); }

 private:
  char* buf_;
  std::size_t cap_, n_ = 0;
  bool overflow_ = false;
};

std::string_view principal_type_name(PrincipalType t) {
  switch (t) {
    case PrincipalType::Account: return "Account";
    case PrincipalType::User: return "User";
    case PrincipalType::AssumedRole: return "AssumedRole";
    case PrincipalType::FederatedUser: return "FederatedUser";
    case PrincipalType::Anonymous: return "Anonymous";
    default: return {};
  }
}

// Returns false when the action does not fit the scratch buffer.
bool prepare(const Request& req, const PolicySet& set, Ctx* c) {
  c->req = &req;
  if (req.action.size() >= kMaxAction) return false;
  for (std::size_t i = 0; i < req.action.size(); ++i) c->action_buf[i] = ascii_lower(req.action[i]);
  std::string_view a(c->action_buf, req.action.size());
  auto colon = a.find(':');
  c->service = a.substr(0, colon);
  c->name = colon == std::string_view::npos ? std::string_view() : a.substr(colon + 1);
  c->service_hash = fold_hash(c->service);
  c->name_hash = fold_hash(c->name);

  const Principal& p = req.principal;
  c->resource_account = req.resource_account.empty() ? p.account : req.resource_account;
  if (!p.account.empty() && p.account.size() <= 24) {
    Appender a(c->root_buf, sizeof c->root_buf);
    a.add("arn:aws:iam::").add(p.account).add(":root");
    c->account_root = a.view();
  }
  if (p.type == PrincipalType::AssumedRole) {
    ArnParts parts;
    if (split_arn(p.arn, &parts) && parts.resource.starts_with("assumed-role/")) {
      std::string_view rest = parts.resource.substr(13);
      c->role_name = rest.substr(0, rest.find('/'));
    }
    if (!p.role_arn.empty()) {
      c->role_arn = p.role_arn;
      auto slash = p.role_arn.rfind('/');
      if (slash != std::string_view::npos) c->role_name = p.role_arn.substr(slash + 1);
    } else if (!c->role_name.empty()) {
      Appender a(c->role_buf, sizeof c->role_buf);
      a.add("arn:").add(parts.partition).add(":iam::").add(p.account).add(":role/").add(c->role_name);
      if (a.ok()) c->role_arn = a.view();
    }
  }
  // Global keys AWS derives from the principal (IAM User Guide, "AWS global condition context keys").
  switch (p.type) {
    case PrincipalType::AssumedRole: c->add_derived("aws:PrincipalArn", const_hash("aws:PrincipalArn"), c->role_arn); break;
    case PrincipalType::Account:
    case PrincipalType::User:
    case PrincipalType::FederatedUser: c->add_derived("aws:PrincipalArn", const_hash("aws:PrincipalArn"), p.arn); break;
    default: break;
  }
  c->add_derived("aws:PrincipalAccount", const_hash("aws:PrincipalAccount"), p.account);
  c->add_derived("aws:PrincipalType", const_hash("aws:PrincipalType"), principal_type_name(p.type));
  if (p.type == PrincipalType::User) {
    auto slash = p.arn.rfind('/');
    if (slash != std::string_view::npos) c->add_derived("aws:username", const_hash("aws:username"), p.arn.substr(slash + 1));
  }
  c->add_derived("aws:userid", const_hash("aws:userid"), p.user_id);
  c->add_derived("aws:ResourceAccount", const_hash("aws:ResourceAccount"), c->resource_account);
  if (p.type == PrincipalType::Service) {
    c->add_derived("aws:PrincipalIsAWSService", const_hash("aws:PrincipalIsAWSService"), "true");
    c->add_derived("aws:PrincipalServiceName", const_hash("aws:PrincipalServiceName"), p.arn);
  } else {
    c->add_derived("aws:PrincipalIsAWSService", const_hash("aws:PrincipalIsAWSService"), "false");
  }
  c->boundary_present = set.permissions_boundary.policy != nullptr;
  return true;
}

class Builder {
 public:
  explicit Builder(Decision* d) : d_(d) {}
  void add(PolicyKind kind, std::string_view id, const detail::Statement* s, uint32_t level = 0) {
    if (!s || d_->statement_count >= d_->statements.size()) return;
    d_->statements[d_->statement_count++] = StatementRef{kind, id, s->sid, s->index, level};
  }
  Decision& deny(PolicyKind kind, std::string_view reason) {
    d_->type = DecisionType::ImplicitlyDenied;
    d_->blocked_by = kind;
    d_->reason = reason;
    return *d_;
  }
  Decision& explicit_deny(PolicyKind kind, std::string_view id, const detail::Statement* s, uint32_t level = 0) {
    d_->statement_count = 0;
    add(kind, id, s, level);
    d_->type = DecisionType::ExplicitlyDenied;
    d_->blocked_by = kind;
    d_->reason = "an explicit Deny applies";
    return *d_;
  }
  Decision& allow(std::string_view reason) {
    d_->type = DecisionType::Allowed;
    d_->reason = reason;
    return *d_;
  }

 private:
  Decision* d_;
};

// Actions whose resource policy must allow explicitly (the key policy, the role trust policy).
// A KMS action on a key needs its key policy; on no key (kms:CreateKey, kms:ListKeys: "*") or on
// an alias (which has no policy of its own), IAM decides alone.
bool resource_policy_required(const Ctx& c, const Request& req) {
  if (c.service == "kms") return req.resource.find(":key/") != std::string_view::npos;
  if (c.service != "sts") return false;
  return c.name == "assumerole" || c.name == "assumerolewithsaml" || c.name == "assumerolewithwebidentity" ||
         c.name == "tagsession" || c.name == "setsourceidentity" || c.name == "setcontext";
}

}  // namespace

Decision evaluate(const Request& req, const PolicySet& set) {
  Decision d;
  Builder b(&d);
  Ctx c;
  if (!prepare(req, set, &c)) return b.deny(PolicyKind::Identity, "the action name is too long");
  const Principal& p = req.principal;
  const bool is_service = p.type == PrincipalType::Service;
  const bool has_identity_side = p.type != PrincipalType::Anonymous && !is_service &&
                                 p.type != PrincipalType::WebIdentity && p.type != PrincipalType::CanonicalUser;
  const bool scps_apply = !set.scps.empty() && !set.principal_in_management_account && has_identity_side &&
                          !p.service_linked_role;
  const bool rcps_apply = !set.rcps.empty() && !set.resource_in_management_account && !p.service_linked_role;

  // 1. Explicit denies everywhere; remember the allows on the way.
  uint32_t scp_missing = UINT32_MAX;
  // RCPFullAWSAccess is attached to every level and cannot be detached, so RCPs only deny
  // explicitly; a level without an Allow does not block (Organizations UG, RCPs).
  if (rcps_apply) {
    for (uint32_t lvl = 0; lvl < set.rcps.size(); ++lvl) {
      for (const auto& ref : set.rcps[lvl].policies) {
        if (!ref.policy) continue;
        PolicyResult r;
        eval_policy(*ref.policy, c, false, &r);
        if (r.deny) return b.explicit_deny(PolicyKind::RCP, ref.id, r.deny, lvl);
      }
    }
  }
  if (scps_apply) {
    for (uint32_t lvl = 0; lvl < set.scps.size(); ++lvl) {
      bool allowed = false;
      for (const auto& ref : set.scps[lvl].policies) {
        if (!ref.policy) continue;
        PolicyResult r;
        eval_policy(*ref.policy, c, false, &r);
        if (r.deny) return b.explicit_deny(PolicyKind::SCP, ref.id, r.deny, lvl);
        allowed |= r.allow != nullptr;
      }
      if (!allowed && scp_missing == UINT32_MAX) scp_missing = lvl;
    }
  }
  PolicyResult res;
  if (set.resource.policy) {
    eval_policy(*set.resource.policy, c, true, &res);
    if (res.deny) return b.explicit_deny(set.resource.policy->kind(), set.resource.id, res.deny);
  }
  const detail::Statement* id_allow = nullptr;
  PolicyKind id_allow_kind = PolicyKind::Identity;
  std::string_view id_allow_id;
  if (has_identity_side) {
    for (const auto& ref : set.identity) {
      if (!ref.policy) continue;
      PolicyResult r;
      r.allow = id_allow;
      eval_policy(*ref.policy, c, false, &r);
      if (r.deny) return b.explicit_deny(ref.policy->kind(), ref.id, r.deny);
      if (r.allow && !id_allow) {
        id_allow = r.allow;
        id_allow_kind = ref.policy->kind();
        id_allow_id = ref.id;
      }
    }
  }
  bool boundary_ok = true;
  if (set.permissions_boundary.policy && has_identity_side) {
    PolicyResult r;
    eval_policy(*set.permissions_boundary.policy, c, false, &r);
    if (r.deny) return b.explicit_deny(PolicyKind::PermissionsBoundary, set.permissions_boundary.id, r.deny);
    boundary_ok = r.allow != nullptr;
  }
  bool session_ok = true;
  if (!set.session.empty() && has_identity_side) {
    session_ok = false;
    for (const auto& ref : set.session) {
      if (!ref.policy) continue;
      PolicyResult r;
      eval_policy(*ref.policy, c, false, &r);
      if (r.deny) return b.explicit_deny(PolicyKind::Session, ref.id, r.deny);
      session_ok |= r.allow != nullptr;
    }
  }

  // 2-3. Organization guardrails: every level must allow.
  if (scp_missing != UINT32_MAX) return b.deny(PolicyKind::SCP, "a service control policy level does not allow the action");

  const PolicyKind resource_kind = set.resource.policy ? set.resource.policy->kind()
                                   : c.service == "sts" ? PolicyKind::TrustPolicy
                                                        : PolicyKind::Resource;
  const PrincipalMatch rm = res.allow ? res.allow_match : PrincipalMatch::None;

  // Principals without an identity side (anonymous, services, web identities) need the
  // resource policy to name them.
  if (!has_identity_side) {
    if (rm == PrincipalMatch::Direct) {
      b.add(resource_kind, set.resource.id, res.allow);
      return b.allow("the resource-based policy allows the principal");
    }
    return b.deny(resource_kind, "no resource-based policy allows the principal");
  }
  if (resource_policy_required(c, req) && rm == PrincipalMatch::None)
    return b.deny(resource_kind, c.service == "kms" ? "the key policy does not allow the principal"
                                                    : "the role trust policy does not allow the principal");

  const bool identity_ok = id_allow != nullptr || p.type == PrincipalType::Account;
  const bool same_account = c.resource_account == p.account;
  auto principal_side = [&](std::string_view reason) -> Decision& {
    if (!identity_ok) return b.deny(PolicyKind::Identity, "no identity-based policy allows the action");
    if (!boundary_ok) return b.deny(PolicyKind::PermissionsBoundary, "the permissions boundary does not allow the action");
    if (!session_ok) return b.deny(PolicyKind::Session, "no session policy allows the action");
    b.add(id_allow_kind, id_allow_id, id_allow);
    if (rm != PrincipalMatch::None) b.add(resource_kind, set.resource.id, res.allow);
    return b.allow(reason);
  };

  if (!same_account) {
    // 5. Cross-account: both sides.
    if (rm == PrincipalMatch::None)
      return b.deny(resource_kind, "cross-account access needs the resource-based policy to allow it");
    return principal_side("both the resource-based policy and the principal's policies allow the action");
  }
  // 4. Same account.
  if (rm == PrincipalMatch::Direct) {
    b.add(resource_kind, set.resource.id, res.allow);
    return b.allow("the resource-based policy allows the principal");
  }
  if (rm == PrincipalMatch::RoleArn) {
    if (!boundary_ok) return b.deny(PolicyKind::PermissionsBoundary, "the permissions boundary does not allow the action");
    if (!session_ok) return b.deny(PolicyKind::Session, "no session policy allows the action");
    b.add(resource_kind, set.resource.id, res.allow);
    return b.allow("the resource-based policy allows the role");
  }
  return principal_side("an identity-based policy allows the action");
}

bool statement_applies(const CompiledPolicy& policy, std::size_t statement, const Request& request) {
  if (statement >= policy.statements().size()) return false;
  Ctx c;
  PolicySet empty;
  if (!prepare(request, empty, &c)) return false;
  const auto& s = policy.statements()[statement];
  return action_matches(s, c) && principal_match(s, c) != PrincipalMatch::None && resource_matches(s, c) &&
         conditions_hold(s, c);
}

Principal principal_from_arn(std::string_view arn) {
  Principal p;
  p.arn = arn;
  if (arn.empty() || arn == "*") {
    p.type = PrincipalType::Anonymous;
    return p;
  }
  ArnParts a;
  if (!split_arn(arn, &a)) {
    if (arn.size() == 12 && std::all_of(arn.begin(), arn.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) {
      p.type = PrincipalType::Account;
      p.account = arn;
      return p;
    }
    p.type = arn.find('.') != std::string_view::npos ? PrincipalType::Service : PrincipalType::CanonicalUser;
    if (arn.ends_with(".amazonaws.com") || arn.ends_with(".amazonaws.com.cn")) p.type = PrincipalType::Service;
    else if (arn.find('.') != std::string_view::npos) p.type = PrincipalType::WebIdentity;
    return p;
  }
  p.account = a.account;
  if (a.service == "iam" && a.resource == "root") p.type = PrincipalType::Account;
  else if (a.service == "iam" && a.resource.starts_with("user/")) p.type = PrincipalType::User;
  else if (a.service == "sts" && a.resource.starts_with("assumed-role/")) p.type = PrincipalType::AssumedRole;
  else if (a.service == "iam" && a.resource.starts_with("role/")) {
    // A role named directly stands for a session of it whose session name is unknown.
    p.type = PrincipalType::AssumedRole;
    p.role_arn = arn;
  }
  else if (a.service == "sts" && a.resource.starts_with("federated-user/")) p.type = PrincipalType::FederatedUser;
  else if (a.service == "iam" && (a.resource.starts_with("saml-provider/") || a.resource.starts_with("oidc-provider/")))
    p.type = PrincipalType::WebIdentity;
  else p.type = PrincipalType::User;
  return p;
}

}  // namespace policy
