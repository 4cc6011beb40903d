#include "services/sts/sts_service.h"

#include <boost/algorithm/string/predicate.hpp>

#include "auth/authorization_message.h"
#include "auth/session_token.h"
#include "policy/policy.h"
#include "services/iam/mfa_devices.h"
#include "services/iam/principal_policies.h"

namespace citadel::services::sts {

namespace {

constexpr int64_t kDefaultSessionSeconds = 43200;  // 12 hours
constexpr int64_t kMaxUserSessionSeconds = 129600;  // 36 hours
constexpr int64_t kMaxRootSessionSeconds = 3600;    // the root user's sessions last at most 1 hour

AuthzRequest on(const char* action) { return AuthzRequest{action, {"*"}, {}}; }

// The id MFA devices are enabled under: the IAM user's, or '' for the root user. Role sessions
// have no MFA devices of their own.
std::optional<std::string> mfa_owner(const auth::Principal& p) {
  if (p.type == auth::PrincipalType::Root) return std::string();
  if (p.type == auth::PrincipalType::IAMUser) return p.principal_id;
  return std::nullopt;
}

// Checks the call's SerialNumber and TokenCode against the caller's MFA device. Returns whether
// MFA was presented (false when the call carries neither member).
Result<bool> check_mfa(const RequestContext& ctx, const json::object& in, store::Tx& tx, const store::SecretBox& secrets,
                       bool consume) {
  std::string serial = input_str(in, "SerialNumber"), code = input_str(in, "TokenCode");
  if (serial.empty() && code.empty()) return false;
  if (serial.empty() || code.empty())
    return AwsError::validation("SerialNumber and TokenCode must be given together.");
  auto owner = mfa_owner(*ctx.principal);
  if (!owner)
    return AwsError::sender("AccessDenied", "MultiFactorAuthentication failed, unable to validate MFA code.", 403);
  if (auto s = services::iam::verify_mfa_code(tx, secrets, ctx.principal->account_id, *owner, serial, code, ctx.now_ms, consume); !s)
    return s.error();
  return true;
}

Result<json::value> get_caller_identity(Call& call) {
  const auto& p = *call.ctx.principal;
  return json::object{{"UserId", p.principal_id}, {"Account", p.account_id}, {"Arn", p.arn}};
}

Result<json::value> get_session_token(Call& call) {
  const auto& p = *call.ctx.principal;
  if (p.temporary)
    return AwsError::sender("AccessDenied", "Cannot call GetSessionToken with session credentials", 403);
  auto mfa = check_mfa(call.ctx, call.input, call.tx, *call.env.secrets, /*consume=*/true);
  if (!mfa) return mfa.error();
  int64_t duration = call.has("DurationSeconds") ? call.input.at("DurationSeconds").to_number<int64_t>() : kDefaultSessionSeconds;
  int64_t max = p.type == auth::PrincipalType::Root ? kMaxRootSessionSeconds : kMaxUserSessionSeconds;
  // AWS caps the root user's sessions silently rather than failing.
  duration = std::min(duration, max);
  auto session = auth::issue_session(p, call.ctx.now_ms, duration, *mfa);
  return json::object{{"Credentials", json::object{{"AccessKeyId", session.access_key_id},
                                                   {"SecretAccessKey", session.secret_access_key},
                                                   {"SessionToken", auth::seal_session_token(*call.env.secrets, session)},
                                                   {"Expiration", session.expires_ms}}}};
}

Result<json::value> get_access_key_info(Call& call) {
  std::string id = call.str("AccessKeyId");
  // Temporary keys are not stored; the account they belong to is only known to their token.
  if (id.rfind("ASIA", 0) == 0) {
    if (call.ctx.principal->access_key_id == id) return json::object{{"Account", call.ctx.principal->account_id}};
    return AwsError::sender("InvalidParameterValue", "The access key ID provided is not valid or could not be found.", 400);
  }
  auto rows = call.tx.query("SELECT account_id FROM access_keys WHERE access_key_id = ?", {id});
  if (!rows) return rows.error();
  if (rows->empty())
    return AwsError::sender("InvalidParameterValue", "The access key ID provided is not valid or could not be found.", 400);
  return json::object{{"Account", rows->front().str(0)}};
}

Result<json::value> decode_authorization_message(Call& call) {
  auto decoded = auth::decode_authorization_message(*call.env.secrets, call.str("EncodedMessage"));
  if (!decoded)
    return AwsError::sender("InvalidAuthorizationMessageException", "The encoded authorization message is invalid.", 400);
  return json::object{{"DecodedMessage", *decoded}};
}

constexpr int64_t kChainedSessionSeconds = 3600;  // role chaining caps sessions at one hour
constexpr size_t kPackedPolicyLimit = 2048;

bool valid_session_name(const std::string& n) {
  if (n.size() < 2 || n.size() > 64) return false;
  for (char c : n)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || std::string_view("_+=,.@-").find(c) != std::string_view::npos))
      return false;
  return true;
}

// The session tags a new role session starts with: the caller's transitive tags, then the call's
// Tags (which may not restate an inherited key), and which of them pass on again.
struct SessionTags {
  std::vector<std::pair<std::string, std::string>> tags;
  std::vector<std::string> transitive;
};
constexpr size_t kMaxSessionTags = 50;

Result<SessionTags> session_tags(const auth::Principal& caller, const json::object& in) {
  SessionTags out;
  auto same = [](const std::string& a, const std::string& b) { return boost::algorithm::iequals(a, b); };
  for (const auto& key : caller.transitive_tag_keys)
    for (const auto& [k, v] : caller.session_tags)
      if (same(k, key)) out.tags.emplace_back(k, v);
  out.transitive = caller.transitive_tag_keys;
  size_t inherited = out.tags.size();
  if (const auto* tags = in.if_contains("Tags"); tags && tags->is_array()) {
    for (const auto& t : tags->as_array()) {
      const auto& o = t.as_object();
      std::string key(o.at("Key").as_string()), value(o.at("Value").as_string());
      for (size_t i = 0; i < out.tags.size(); ++i)
        if (same(out.tags[i].first, key))
          return AwsError::sender("InvalidParameterValue",
                                  i < inherited ? "Session tag " + key + " conflicts with an inherited transitive session tag."
                                                : "Duplicate tag keys found. Please note that Tag keys are case insensitive.",
                                  400);
      out.tags.emplace_back(std::move(key), std::move(value));
    }
  }
  if (out.tags.size() > kMaxSessionTags)
    return AwsError::sender("InvalidParameterValue", "The number of session tags exceeds the limit of 50.", 400);
  if (const auto* keys = in.if_contains("TransitiveTagKeys"); keys && keys->is_array()) {
    for (const auto& k : keys->as_array()) {
      std::string key(k.as_string());
      bool tagged = false;
      for (size_t i = inherited; i < out.tags.size(); ++i) tagged = tagged || same(out.tags[i].first, key);
      if (!tagged)
        return AwsError::sender("InvalidParameterValue", "The transitive tag key " + key + " must also be a session tag key.", 400);
      out.transitive.push_back(std::move(key));
    }
  }
  return out;
}

AuthzRequest assume_role_authz(const RequestContext& ctx, const json::object& in, store::Tx& tx) {
  AuthzRequest a{"sts:AssumeRole", {}, {}};
  const auto* arn = in.if_contains("RoleArn");
  std::string role_arn = arn && arn->is_string() ? std::string(arn->as_string()) : "";
  a.resources.push_back(role_arn);
  // The role's trust policy is the resource policy; a role that does not exist trusts nobody.
  a.has_resource_policy = true;
  a.trust_policy = true;
  a.resource_policy_id = role_arn;
  if (auto role = services::iam::load_role_for_assume(tx, role_arn)) a.resource_policy = role->trust_policy;
  if (const auto* e = in.if_contains("ExternalId"); e && e->is_string()) a.condition_keys["sts:ExternalId"] = *e;
  if (const auto* n = in.if_contains("RoleSessionName"); n && n->is_string()) a.condition_keys["sts:RoleSessionName"] = *n;
  // Passing session tags also needs sts:TagSession, with the tags as request tags.
  if (const auto* tags = in.if_contains("Tags"); tags && tags->is_array() && !tags->as_array().empty()) {
    for (auto& [k, v] : tag_condition_keys(in, "Tags")) a.condition_keys[k] = v;
    if (const auto* keys = in.if_contains("TransitiveTagKeys")) a.condition_keys["sts:TransitiveTagKeys"] = *keys;
  }
  // A valid MFA code makes aws:MultiFactorAuthPresent true for the trust policy (the handler
  // consumes the code; one that fails here fails there too, in STS's words).
  if (ctx.principal->type == auth::PrincipalType::IAMUser && in.contains("SerialNumber") && in.contains("TokenCode") && ctx.secrets)
    if (auto mfa = check_mfa(ctx, in, tx, *ctx.secrets, /*consume=*/false); mfa && *mfa) {
      a.condition_keys["aws:MultiFactorAuthPresent"] = "true";
      a.condition_keys["aws:MultiFactorAuthAge"] = "0";
    }
  if (const auto* tags = in.if_contains("Tags"); tags && tags->is_array() && !tags->as_array().empty()) {
    AuthzRequest tag_session = a;
    tag_session.action = "sts:TagSession";
    a.also.push_back(std::move(tag_session));
  }
  return a;
}

Result<json::value> assume_role(Call& call) {
  const auto& caller = *call.ctx.principal;
  if (caller.type == auth::PrincipalType::Root)
    return AwsError::sender("AccessDenied", "Roles may not be assumed by root accounts.", 403);
  std::string session_name = call.str("RoleSessionName");
  if (!valid_session_name(session_name))
    return AwsError::validation("1 validation error detected: Value '" + session_name +
                                "' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*");
  auto role = services::iam::load_role_for_assume(call.tx, call.str("RoleArn"));
  if (!role) return role.error();
  auto mfa = check_mfa(call.ctx, call.input, call.tx, *call.env.secrets, /*consume=*/true);
  if (!mfa) return mfa.error();
  auto tags = session_tags(caller, call.input);
  if (!tags) return tags.error();
  int64_t duration = call.has("DurationSeconds") ? call.input.at("DurationSeconds").to_number<int64_t>() : 3600;
  bool chained = caller.type == auth::PrincipalType::AssumedRole;
  if (chained && duration > kChainedSessionSeconds)
    return AwsError::validation("The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.");
  if (duration > role->max_session_duration_s)
    return AwsError::validation("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");

  // Session policies: the inline one and those named by ARN, all limiting the session.
  std::vector<std::string> session_policies;
  size_t packed = 0;
  if (call.has("Policy")) {
    std::string doc = call.str("Policy");
    auto parsed = policy::parse(doc, policy::PolicyKind::Session);
    if (!parsed) return AwsError::sender("MalformedPolicyDocument", parsed.error().message, 400);
    packed += policy::counted_size(doc);
    session_policies.push_back(std::move(doc));
  }
  if (const auto* arns = call.input.if_contains("PolicyArns"); arns && arns->is_array())
    for (auto& a : arns->as_array()) {
      std::string arn(a.as_object().at("arn").as_string());
      auto doc = services::iam::managed_policy_document(call.tx, role->arn.substr(13, 12), arn);
      if (!doc) return AwsError::sender("InvalidParameterValue", "Invalid policy ARN: " + arn, 400);
      packed += arn.size();
      session_policies.push_back(std::move(doc.value()));
    }
  if (packed > kPackedPolicyLimit)
    return AwsError::sender("PackedPolicyTooLarge", "Packed size of consumed session policies exceeds 100% of the limit.", 400);

  auth::Principal p;
  p.type = auth::PrincipalType::AssumedRole;
  p.account_id = role->arn.substr(13, 12);
  p.role_name = role->role_name;
  p.role_arn = role->arn;
  p.role_id = role->role_id;
  p.session_name = session_name;
  p.principal_id = role->role_id + ":" + session_name;
  p.arn = "arn:aws:sts::" + p.account_id + ":assumed-role/" + role->role_name + "/" + session_name;
  p.session_policies = std::move(session_policies);
  p.session_tags = std::move(tags->tags);
  p.transitive_tag_keys = std::move(tags->transitive);
  auto session = auth::issue_session(p, call.ctx.now_ms, duration, *mfa);
  json::object out{{"Credentials", json::object{{"AccessKeyId", session.access_key_id},
                                                {"SecretAccessKey", session.secret_access_key},
                                                {"SessionToken", auth::seal_session_token(*call.env.secrets, session)},
                                                {"Expiration", session.expires_ms}}},
                   {"AssumedRoleUser", json::object{{"AssumedRoleId", p.principal_id}, {"Arn", p.arn}}}};
  if (packed) out["PackedPolicySize"] = static_cast<int64_t>(packed * 100 / kPackedPolicyLimit);
  return out;
}

}  // namespace

std::vector<OperationDef> StsService::operations() const {
  std::vector<OperationDef> ops;
  // GetCallerIdentity and GetSessionToken need no permission: AWS answers them even when an
  // explicit deny names them.
  ops.push_back(OperationDef{"GetCallerIdentity", true, true,
                             [](const RequestContext&, const json::object&, store::Tx&) { return on("sts:GetCallerIdentity"); },
                             get_caller_identity, /*uses_store=*/false});
  // Both may consume an MFA code, so they run in a write transaction.
  OperationDef session_token{"GetSessionToken", true, true,
                             [](const RequestContext&, const json::object&, store::Tx&) { return on("sts:GetSessionToken"); },
                             get_session_token};
  session_token.writes_store = true;
  ops.push_back(std::move(session_token));
  OperationDef assume{"AssumeRole", true, false, assume_role_authz, assume_role};
  assume.writes_store = true;
  ops.push_back(std::move(assume));
  ops.push_back(OperationDef{"DecodeAuthorizationMessage", true, false,
                             [](const RequestContext&, const json::object&, store::Tx&) { return on("sts:DecodeAuthorizationMessage"); },
                             decode_authorization_message});
  ops.push_back(OperationDef{"GetAccessKeyInfo", true, false,
                             [](const RequestContext&, const json::object&, store::Tx&) { return on("sts:GetAccessKeyInfo"); },
                             get_access_key_info});
  return ops;
}

}  // namespace citadel::services::sts
