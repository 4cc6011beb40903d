#include "services/kms/key_policy.h"

#include "policy/compiled.h"
#include "policy/evaluate.h"
#include "policy/policy.h"
#include "services/kms/key_store.h"

namespace citadel::services::kms {

std::string default_key_policy(const std::string& account) {
  return "{\n"
         "  \"Version\" : \"2012-10-17\",\n"
         "  \"Id\" : \"key-default-1\",\n"
         "  \"Statement\" : [ {\n"
         "    \"Sid\" : \"Enable IAM User Permissions\",\n"
         "    \"Effect\" : \"Allow\",\n"
         "    \"Principal\" : {\n"
         "      \"AWS\" : \"arn:aws:iam::" + account + ":root\"\n"
         "    },\n"
         "    \"Action\" : \"kms:*\",\n"
         "    \"Resource\" : \"*\"\n"
         "  } ]\n"
         "}";
}

Status check_key_policy(const std::string& text) {
  auto parsed = policy::parse_unbounded(text, policy::PolicyKind::Resource);
  if (!parsed) return kms_error("MalformedPolicyDocumentException", parsed.error().message);
  if (text.size() > 32768)
    return kms_error("LimitExceededException", "The key policy exceeds the maximum size of 32768 bytes.");
  return Ok{};
}

Status check_lockout(const auth::Principal& caller, const std::string& key_arn, const std::string& text) {
  static const std::shared_ptr<const policy::CompiledPolicy> allow_all = [] {
    auto p = policy::parse(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})",
                           policy::PolicyKind::Identity);
    return policy::compile(p.value());
  }();
  auto parsed = policy::parse_unbounded(text, policy::PolicyKind::Resource);
  if (!parsed) return kms_error("MalformedPolicyDocumentException", parsed.error().message);
  auto compiled = policy::compile(parsed.value());
  policy::PolicyRef identity[] = {{allow_all.get(), "caller"}};
  policy::PolicySet set;
  set.identity = identity;
  set.resource = {compiled.get(), key_arn};
  policy::Request req;
  req.principal = policy_principal(caller);
  req.action = "kms:PutKeyPolicy";
  req.resource = key_arn;
  req.resource_account = caller.account_id;
  if (policy::evaluate(req, set).type == policy::DecisionType::Allowed) return Ok{};
  return kms_error("MalformedPolicyDocumentException",
                   "The new key policy will not allow you to update the key policy in the future.");
}

}  // namespace citadel::services::kms
