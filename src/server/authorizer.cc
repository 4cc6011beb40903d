#include "server/authorizer.h"

#include <array>
#include <boost/algorithm/string/predicate.hpp>
#include <deque>

#include "auth/authorization_message.h"
#include "base/time.h"
#include "services/iam/principal_policies.h"
#include "services/organizations/org_path.h"

namespace citadel::server {

namespace {

// The account an ARN belongs to ("" for ARNs without one, such as S3 buckets, or "*").
std::string_view arn_account(std::string_view arn) {
  size_t pos = 0;
  for (int i = 0; i < 4; ++i) {
    pos = arn.find(':', pos);
    if (pos == std::string_view::npos) return {};
    ++pos;
  }
  size_t end = arn.find(':', pos);
  return end == std::string_view::npos ? std::string_view() : arn.substr(pos, end - pos);
}

policy::PolicyKind kind_of(services::iam::PolicyDocument::Source s) {
  using S = services::iam::PolicyDocument::Source;
  switch (s) {
    case S::InlineUser: return policy::PolicyKind::InlineUser;
    case S::InlineGroup: return policy::PolicyKind::InlineGroup;
    case S::InlineRole: return policy::PolicyKind::InlineRole;
    default: return policy::PolicyKind::Identity;
  }
}

// The request context of one call: the global condition keys AWS sets for a long-term
// credential, the principal's tags and the operation's own keys. Owns the text the engine's
// views point into.
class Context {
 public:
  Context(const services::RequestContext& ctx, const auth::Principal& p,
          const std::vector<std::pair<std::string, std::string>>& tags, const boost::json::object& service_keys,
          const std::string& principal_org, const std::string& principal_org_path) {
    now_iso_ = timeutil::iso8601(ctx.now_ms);
    epoch_ = std::to_string(ctx.now_ms / 1000);
    add("aws:CurrentTime", now_iso_);
    add("aws:EpochTime", epoch_);
    add("aws:SourceIp", ctx.source_ip);
    add("aws:RequestedRegion", ctx.region);
    add("aws:SecureTransport", ctx.secure_transport ? "true" : "false");
    // For a role session, aws:PrincipalArn is the role's ARN, not the session's.
    add("aws:PrincipalArn", p.type == auth::PrincipalType::AssumedRole ? p.role_arn : p.arn);
    add("aws:PrincipalAccount", p.account_id);
    add("aws:userid", p.principal_id);
    add("aws:ViaAWSService", "false");
    // Long-term credentials carry no MFA context; temporary ones say whether MFA was presented.
    if (p.temporary) {
      token_issue_ = timeutil::iso8601(p.session_issued_ms);
      mfa_age_ = std::to_string(std::max<int64_t>(0, (ctx.now_ms - p.session_issued_ms) / 1000));
      add("aws:TokenIssueTime", token_issue_);
      add("aws:MultiFactorAuthPresent", p.mfa_authenticated ? "true" : "false");
      if (p.mfa_authenticated) add("aws:MultiFactorAuthAge", mfa_age_);
    }
    if (p.type == auth::PrincipalType::IAMUser) {
      add("aws:PrincipalType", "User");
      add("aws:username", p.user_name);
    } else if (p.type == auth::PrincipalType::Root) {
      add("aws:PrincipalType", "Account");
    } else if (p.type == auth::PrincipalType::AssumedRole) {
      add("aws:PrincipalType", "AssumedRole");
    }
    if (!principal_org.empty()) {
      add("aws:PrincipalOrgID", principal_org);
      add("aws:PrincipalOrgPaths", principal_org_path);
    }
    for (auto& [k, v] : tags) add(k, v);
    for (auto& [k, v] : service_keys) {
      auto& vals = owned_lists_.emplace_back();
      if (v.is_array()) {
        for (auto& e : v.as_array())
          if (e.is_string()) vals.emplace_back(e.as_string());
      } else if (v.is_string()) {
        vals.emplace_back(v.as_string());
      } else if (!v.is_null()) {
        vals.push_back(boost::json::serialize(v));
      }
      auto& views = views_.emplace_back();
      for (auto& s : vals) views.push_back(s);
      entries_.push_back({k, {views.data(), views.size()}});
    }
  }
  std::span<const policy::ContextEntry> entries() const { return entries_; }
  // aws:ResourceAccount, and aws:ResourceOrgID / aws:ResourceOrgPaths when the account is in an organization.
  void resource(std::string_view account, const std::string& org_id, const std::string& org_path) {
    resource_account_ = account;
    add("aws:ResourceAccount", resource_account_);
    if (org_id.empty()) return;
    add("aws:ResourceOrgID", org_id);
    add("aws:ResourceOrgPaths", org_path);
  }

 private:
  void add(std::string_view key, std::string_view value) {
    single_.push_back(value);
    entries_.push_back({key, {&single_.back(), 1}});
  }
  std::string now_iso_, epoch_, token_issue_, mfa_age_, resource_account_;
  std::deque<std::string_view> single_;  // stable addresses: entries point at them
  std::deque<std::vector<std::string>> owned_lists_;
  std::deque<std::vector<std::string_view>> views_;
  std::vector<policy::ContextEntry> entries_;
};

}  // namespace

Authorizer::Authorizer(size_t cache_capacity) : cache_(cache_capacity) {
  auto all = policy::parse(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})",
                           policy::PolicyKind::Identity);
  allow_all_ = policy::compile(all.value());
}

Result<std::shared_ptr<const Authorizer::Org>> Authorizer::org_for(store::Tx& tx, const std::string& account) {
  uint64_t epoch = epoch_.load(std::memory_order_acquire);
  {
    std::lock_guard lock(mu_);
    auto it = orgs_.find(account);
    if (it != orgs_.end() && it->second->epoch == epoch) return it->second;
  }
  auto path = services::organizations::org_path_for_account(tx, account);
  if (!path) return path.error();
  auto o = std::make_shared<Org>();
  o->epoch = epoch;
  if (path.value()) {
    const auto& p = *path.value();
    o->member = true;
    o->management = p.is_management();
    o->org_id = p.organization_id;
    o->org_path = p.org_entity_path();
    o->scps_enabled = p.scps_enabled;
    o->rcps_enabled = p.rcps_enabled;
    for (const auto& level : p.levels) {
      auto& scps = o->scps.emplace_back();
      auto& scp_ids = o->scp_ids.emplace_back();
      auto& rcps = o->rcps.emplace_back();
      auto& rcp_ids = o->rcp_ids.emplace_back();
      // A stored document was valid when written; one that no longer parses allows nothing.
      for (const auto& d : level.scps)
        if (auto c = cache_.get(d.document, policy::PolicyKind::SCP)) scps.push_back(c.value()), scp_ids.push_back(d.policy_id);
      for (const auto& d : level.rcps)
        if (auto c = cache_.get(d.document, policy::PolicyKind::RCP)) rcps.push_back(c.value()), rcp_ids.push_back(d.policy_id);
    }
  }
  std::lock_guard lock(mu_);
  if (orgs_.size() > 100000) orgs_.clear();
  orgs_[account] = o;
  return std::shared_ptr<const Org>(o);
}

Result<std::shared_ptr<const Authorizer::Compiled>> Authorizer::compiled_for(store::Tx& tx, const auth::Principal& p) {
  uint64_t epoch = epoch_.load(std::memory_order_acquire);
  // A role's policies are the same for all its sessions: cache them under the role.
  const bool role = p.type == auth::PrincipalType::AssumedRole;
  const std::string key = role ? p.role_arn : p.arn;
  {
    std::lock_guard lock(mu_);
    auto it = principals_.find(key);
    if (it != principals_.end() && it->second->epoch == epoch) return it->second;
  }
  auto loaded = role ? services::iam::load_role_policies(tx, p.account_id, p.role_name)
                     : services::iam::load_user_policies(tx, p.account_id, p.user_name);
  // A deleted role's sessions keep their credentials but lose every permission.
  if (!loaded && loaded.error().code == "NoSuchEntity") loaded = services::iam::PrincipalPolicies{};
  if (!loaded) return loaded.error();
  auto c = std::make_shared<Compiled>();
  c->epoch = epoch;
  for (auto& doc : loaded->identity) {
    auto compiled = cache_.get(doc.document, kind_of(doc.source));
    // A stored document was checked when it was written; one that no longer parses grants nothing.
    if (!compiled) continue;
    c->identity.push_back(compiled.value());
    c->identity_ids.push_back(doc.id);
  }
  if (loaded->has_boundary) {
    auto compiled = cache_.get(loaded->boundary.document, policy::PolicyKind::PermissionsBoundary);
    // A boundary that cannot be read allows nothing: keep the boundary in force with no statements.
    if (compiled) c->boundary = compiled.value();
    else c->boundary = policy::compile(policy::Policy{policy::PolicyKind::PermissionsBoundary, policy::Version::V2012_10_17, {}, {}});
    c->boundary_id = loaded->boundary.id;
  }
  for (auto& [k, v] : loaded->tags) c->tags.emplace_back("aws:PrincipalTag/" + k, v);
  std::lock_guard lock(mu_);
  if (principals_.size() > 100000) principals_.clear();
  principals_[key] = c;
  return std::shared_ptr<const Compiled>(c);
}

namespace {
// Spans the engine reads, over an Org's compiled levels.
struct Levels {
  std::vector<std::vector<policy::PolicyRef>> refs;
  std::vector<policy::PolicyLevel> levels;
  void build(const std::vector<std::vector<std::shared_ptr<const policy::CompiledPolicy>>>& policies,
             const std::vector<std::vector<std::string>>& ids) {
    refs.resize(policies.size());
    for (size_t l = 0; l < policies.size(); ++l)
      for (size_t i = 0; i < policies[l].size(); ++i) refs[l].push_back({policies[l][i].get(), ids[l][i]});
    for (auto& r : refs) levels.push_back({std::span<const policy::PolicyRef>(r)});
  }
};
}  // namespace

Result<AuthzDecision> Authorizer::decide(store::Tx& tx, const services::RequestContext& ctx,
                                         const services::OperationDef& op, const services::AuthzRequest& request) {
  const auth::Principal& p = *ctx.principal;
  if (op.always_allowed) return AuthzDecision{true};
  // The operation's input is the unsigned caller's credential (an SNS confirmation token): the
  // handler checks it.
  if (p.type == auth::PrincipalType::Anonymous && op.anonymous_allowed) return AuthzDecision{true};
  // An anonymous caller has no policies of its own: only a resource policy can allow it.
  if (p.type == auth::PrincipalType::Anonymous && !request.has_resource_policy)
    return AuthzDecision{false, policy::DecisionType::ImplicitlyDenied, policy::PolicyKind::Resource,
                         request.resources.empty() ? "*" : request.resources.front()};

  auto org = org_for(tx, p.account_id);
  if (!org) return org.error();
  const Org& principal_org = *org.value();

  // The caller's own permissions: the root user has all of them in its account; an IAM user has
  // what its policies (and groups', within its boundary) grant.
  std::shared_ptr<const Compiled> compiled;
  std::vector<policy::PolicyRef> identity;
  policy::PolicySet set;
  if (p.type == auth::PrincipalType::Root) {
    identity.push_back({allow_all_.get(), "root"});
  } else if (p.type != auth::PrincipalType::Anonymous) {
    auto c = compiled_for(tx, p);
    if (!c) return c.error();
    compiled = c.value();
    for (size_t i = 0; i < compiled->identity.size(); ++i) identity.push_back({compiled->identity[i].get(), compiled->identity_ids[i]});
    if (compiled->boundary) set.permissions_boundary = {compiled->boundary.get(), compiled->boundary_id};
  }
  set.identity = identity;
  // A role session's session policies limit it further (checked when the role was assumed).
  std::vector<std::shared_ptr<const policy::CompiledPolicy>> session_compiled;
  std::vector<policy::PolicyRef> session;
  for (size_t i = 0; i < p.session_policies.size(); ++i) {
    auto c = cache_.get(p.session_policies[i], policy::PolicyKind::Session);
    // One that no longer parses allows nothing: keep the session limited by an empty policy.
    session_compiled.push_back(c ? c.value() : policy::compile(policy::Policy{policy::PolicyKind::Session, policy::Version::V2012_10_17, {}, {}}));
  }
  static const std::string kSessionPolicy = "session policy";
  for (auto& c : session_compiled) session.push_back({c.get(), kSessionPolicy});
  set.session = session;

  // The resource's own policy (a role's trust policy, ...).
  std::shared_ptr<const policy::CompiledPolicy> resource_policy;
  if (request.has_resource_policy) {
    auto kind = request.trust_policy ? policy::PolicyKind::TrustPolicy : policy::PolicyKind::Resource;
    auto c = request.resource_policy.empty() ? policy::Result<std::shared_ptr<const policy::CompiledPolicy>>(policy::malformed(""))
                                             : cache_.get(request.resource_policy, kind);
    resource_policy = c ? c.value() : policy::compile(policy::Policy{kind, policy::Version::V2012_10_17, {}, {}});
    set.resource = {resource_policy.get(), request.resource_policy_id};
  }

  // SCPs bind every principal of a member account, its root user included; never the management account.
  Levels scps;
  if (principal_org.member && principal_org.scps_enabled) scps.build(principal_org.scps, principal_org.scp_ids);
  set.scps = scps.levels;
  set.principal_in_management_account = principal_org.management;

  static const std::vector<std::pair<std::string, std::string>> no_tags;
  // A role session's tags stand over the role's own tags of the same key (case-insensitively).
  const auto* principal_tags = compiled ? &compiled->tags : &no_tags;
  std::vector<std::pair<std::string, std::string>> session_tags;
  if (!p.session_tags.empty()) {
    for (auto& [k, v] : p.session_tags) session_tags.emplace_back("aws:PrincipalTag/" + k, v);
    size_t own = session_tags.size();
    for (auto& t : *principal_tags) {
      bool overridden = false;
      for (size_t i = 0; i < own && !overridden; ++i) overridden = boost::algorithm::iequals(session_tags[i].first, t.first);
      if (!overridden) session_tags.push_back(t);
    }
    principal_tags = &session_tags;
  }
  policy::Request req;
  req.principal = services::policy_principal(p);
  req.action = request.action;

  static const std::vector<std::string> all{"*"};
  for (const auto& resource : request.resources.empty() ? all : request.resources) {
    std::string_view acct = request.resource_account.empty() ? arn_account(resource) : std::string_view(request.resource_account);
    std::string_view resource_account = (acct.empty() || acct == "aws") ? std::string_view(p.account_id) : acct;
    // Organizations resources carry the management account's id in their ARNs, but AWS decides
    // them by the caller's own policies; the service itself checks that the caller belongs to the
    // organization (or is the invited account).
    if (resource.rfind("arn:aws:organizations:", 0) == 0) resource_account = p.account_id;
    // Another account's resource is reachable only through its own policy (and the caller's).
    if (resource_account != p.account_id && !request.has_resource_policy)
      return AuthzDecision{false, policy::DecisionType::ImplicitlyDenied, policy::PolicyKind::Resource, resource};
    // RCPs of the resource's account.
    std::shared_ptr<const Org> resource_org = org.value();
    if (resource_account != p.account_id) {
      auto ro = org_for(tx, std::string(resource_account));
      if (!ro) return ro.error();
      resource_org = ro.value();
    }
    Levels rcps;
    if (resource_org->member && resource_org->rcps_enabled) rcps.build(resource_org->rcps, resource_org->rcp_ids);
    set.rcps = rcps.levels;
    set.resource_in_management_account = resource_org->management;
    req.resource = resource;
    req.resource_account = resource_account;
    // The context names the resource's account and organization, so it is built per resource
    // (one, for nearly every call).
    Context context(ctx, p, *principal_tags, request.condition_keys, principal_org.org_id,
                    principal_org.org_path);
    context.resource(resource_account, resource_org->org_id, resource_org->org_path);
    req.context = context.entries();
    auto d = policy::evaluate(req, set);
    if (d.type != policy::DecisionType::Allowed) return AuthzDecision{false, d.type, d.blocked_by, resource};
  }
  for (const auto& further : request.also) {
    auto d = decide(tx, ctx, op, further);
    if (!d || !d->allowed) {
      if (d && d->action.empty()) d->action = further.action;
      return d;
    }
  }
  return AuthzDecision{true, policy::DecisionType::Allowed};
}

AwsError access_denied(const auth::Principal& principal, const services::AuthzRequest& request,
                       const AuthzDecision& decision, bool json_wire) {
  auto kind_text = [](policy::PolicyKind k) -> std::string {
    switch (k) {
      case policy::PolicyKind::PermissionsBoundary: return "permissions boundary";
      case policy::PolicyKind::Session: return "session policy";
      case policy::PolicyKind::SCP: return "service control policy";
      case policy::PolicyKind::RCP: return "resource control policy";
      case policy::PolicyKind::Resource:
      case policy::PolicyKind::TrustPolicy: return "resource-based policy";
      default: return "identity-based policy";
    }
  };
  // S3 tells an anonymous caller no more than this.
  if (principal.type == auth::PrincipalType::Anonymous) return AwsError::sender("AccessDenied", "Access Denied", 403);
  const std::string& action = decision.action.empty() ? request.action : decision.action;
  std::string msg = "User: " + principal.arn + " is not authorized to perform: " + action;
  if (!decision.resource.empty() && decision.resource != "*") msg += " on resource: " + decision.resource;
  std::string k = kind_text(decision.blocked_by);
  if (decision.type == policy::DecisionType::ExplicitlyDenied) {
    msg += " with an explicit deny in a";
    if (k[0] == 'i') msg += "n";
    msg += " " + k;
  } else {
    msg += " because no " + k + " allows the " + action + " action";
  }
  return AwsError::sender(json_wire ? "AccessDeniedException" : "AccessDenied", msg, 403);
}

AwsError encoded_access_denied(const store::SecretBox& box, const auth::Principal& principal,
                               const services::AuthzRequest& request, const AuthzDecision& decision) {
  auth::DenialFacts facts;
  facts.explicit_deny = decision.type == policy::DecisionType::ExplicitlyDenied;
  facts.action = decision.action.empty() ? request.action : decision.action;
  facts.resource = decision.resource.empty() ? "*" : decision.resource;
  for (const auto& [key, value] : request.condition_keys) {
    std::vector<std::string> values;
    if (value.is_array()) {
      for (const auto& v : value.as_array())
        if (v.is_string()) values.emplace_back(v.as_string());
    } else if (value.is_string()) {
      values.emplace_back(value.as_string());
    }
    facts.context.emplace_back(key, std::move(values));
  }
  return AwsError::sender("UnauthorizedOperation",
                          "You are not authorized to perform this operation. Encoded authorization failure message: " +
                              auth::encode_authorization_message(box, principal, facts),
                          403);
}

}  // namespace citadel::server
