#include "services/sts/sts_service.h"

#include "auth/session_token.h"

namespace citadel::services::sts {

namespace {

constexpr int64_t kDefaultSessionSeconds = 43200;  // 12 hours
constexpr int64_t kMaxUserSessionSeconds = 129600;  // 36 hours
constexpr int64_t kMaxRootSessionSeconds = 3600;    // the root user's sessions last at most 1 hour

AuthzRequest on(const char* action) { return AuthzRequest{action, {"*"}, {}}; }

Result<json::value> get_caller_identity(Call& call) {
  const auto& p = *call.ctx.principal;
  return json::object{{"UserId", p.principal_id}, {"Account", p.account_id}, {"Arn", p.arn}};
}

Result<json::value> get_session_token(Call& call) {
  const auto& p = *call.ctx.principal;
  if (p.temporary)
    return AwsError::sender("AccessDenied", "Cannot call GetSessionToken with session credentials", 403);
  if (call.has("SerialNumber") || call.has("TokenCode"))
    return AwsError::not_implemented("MFA for GetSessionToken (virtual MFA devices arrive with IAM MFA)");
  int64_t duration = call.has("DurationSeconds") ? call.input.at("DurationSeconds").to_number<int64_t>() : kDefaultSessionSeconds;
  int64_t max = p.type == auth::PrincipalType::Root ? kMaxRootSessionSeconds : kMaxUserSessionSeconds;
  // AWS caps the root user's sessions silently rather than failing.
  duration = std::min(duration, max);
  auto session = auth::issue_session(p, call.ctx.now_ms, duration, /*mfa=*/false);
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

}  // namespace

std::vector<OperationDef> StsService::operations() const {
  std::vector<OperationDef> ops;
  // GetCallerIdentity and GetSessionToken need no permission: AWS answers them even when an
  // explicit deny names them.
  ops.push_back(OperationDef{"GetCallerIdentity", true, true,
                             [](const RequestContext&, const json::object&, store::Tx&) { return on("sts:GetCallerIdentity"); },
                             get_caller_identity, /*uses_store=*/false});
  ops.push_back(OperationDef{"GetSessionToken", true, true,
                             [](const RequestContext&, const json::object&, store::Tx&) { return on("sts:GetSessionToken"); },
                             get_session_token, /*uses_store=*/false});
  ops.push_back(OperationDef{"GetAccessKeyInfo", true, false,
                             [](const RequestContext&, const json::object&, store::Tx&) { return on("sts:GetAccessKeyInfo"); },
                             get_access_key_info});
  return ops;
}

}  // namespace citadel::services::sts
