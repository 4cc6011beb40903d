#include "services/cloudtrail/delivery_permissions.h"

#include <array>
#include <span>

#include "policy/compiled.h"
#include "policy/evaluate.h"
#include "policy/policy.h"
#include "services/kms/key_store.h"
#include "services/logs/log_delivery.h"
#include "services/s3/s3_common.h"

namespace citadel::services::cloudtrail {

namespace {

constexpr std::string_view kServicePrincipal = "cloudtrail.amazonaws.com";

// Whether a resource policy lets CloudTrail's service principal do `action` on `resource`.
bool service_allowed(const policy::CompiledPolicy& resource_policy, std::string_view policy_id, std::string_view action,
                     std::string_view resource, std::string_view resource_account, std::span<const policy::ContextEntry> context) {
  policy::PolicySet set;
  set.resource = {&resource_policy, policy_id};
  policy::Request req;
  req.principal = policy::principal_from_arn(kServicePrincipal);
  req.action = action;
  req.resource = resource;
  req.resource_account = resource_account;
  req.context = context;
  return policy::evaluate(req, set).type == policy::DecisionType::Allowed;
}

}  // namespace

Status check_delivery_bucket(store::Tx& tx, const DeliveryTarget& t) {
  auto bucket = s3::find_bucket(tx, t.bucket);
  if (!bucket) return bucket.error();
  if (!bucket->has_value())
    return AwsError::sender("S3BucketDoesNotExistException", "S3 bucket " + t.bucket + " does not exist.", 400);
  auto insufficient = [&] {
    return AwsError::sender("InsufficientS3BucketPolicyException",
                            "Incorrect S3 bucket policy is detected for bucket: " + t.bucket, 400);
  };
  const std::string& text = (*bucket)->policy;
  if (text.empty()) return insufficient();
  auto parsed = policy::parse_unbounded(text, policy::PolicyKind::Resource);
  if (!parsed) return insufficient();
  auto compiled = policy::compile(parsed.value());
  std::string bucket_arn = s3::bucket_arn(t.bucket);
  std::string_view source_arn[] = {t.trail_arn}, source_account[] = {t.trail_account}, acl[] = {"bucket-owner-full-control"};
  std::array<policy::ContextEntry, 3> context{{{"aws:SourceArn", source_arn},
                                               {"aws:SourceAccount", source_account},
                                               {"s3:x-amz-acl", acl}}};
  auto allowed = [&](std::string_view action, const std::string& resource) {
    return service_allowed(*compiled, bucket_arn, action, resource, (*bucket)->account_id, context);
  };
  // Any object under the trail's log path stands for every file CloudTrail will write there.
  std::string sample_object = bucket_arn + "/" + t.log_root + "CloudTrail/x.json.gz";
  if (!allowed("s3:GetBucketAcl", bucket_arn) || !allowed("s3:PutObject", sample_object)) return insufficient();
  return Ok{};
}

Result<std::pair<std::string, std::string>> check_trail_log_group(store::Tx& tx, const std::string& account,
                                                                 const std::string& group_arn, const std::string& role_arn) {
  auto bad_group = [&](const std::string& why) {
    return AwsError::sender("InvalidCloudWatchLogsLogGroupArnException", why, 400);
  };
  auto bad_role = [&](const std::string& why) { return AwsError::sender("InvalidCloudWatchLogsRoleArnException", why, 400); };
  // arn:aws:logs:REGION:ACCOUNT:log-group:NAME[:*]
  const std::string prefix = "arn:aws:logs:";
  size_t region_end = group_arn.find(':', prefix.size());
  size_t marker = group_arn.find(":log-group:");
  if (group_arn.rfind(prefix, 0) != 0 || region_end == std::string::npos || marker == std::string::npos)
    return bad_group("CloudWatch Logs log group ARN " + group_arn + " is invalid.");
  std::string region = group_arn.substr(prefix.size(), region_end - prefix.size());
  std::string group_account = group_arn.substr(region_end + 1, marker - region_end - 1);
  std::string name = group_arn.substr(marker + 11);
  if (name.size() >= 2 && name.compare(name.size() - 2, 2, ":*") == 0) name.resize(name.size() - 2);
  if (group_account != account) return bad_group("Access denied. Check the permissions for your role.");
  auto exists = logs::log_group_exists(tx, account, region, name);
  if (!exists) return exists.error();
  if (!*exists) return bad_group("CloudWatch Logs log group " + name + " does not exist.");
  if (role_arn.empty()) return bad_role("You must specify a role ARN with a CloudWatch Logs log group ARN.");
  auto role = tx.query("SELECT assume_role_policy FROM iam_roles WHERE arn = ? AND account_id = ?", {role_arn, account});
  if (!role) return role.error();
  if (role->empty()) return bad_role("Access denied. Verify in IAM that the role exists.");
  auto parsed = policy::parse_unbounded(role->front().str(0), policy::PolicyKind::TrustPolicy);
  if (!parsed) return bad_role("Access denied. Verify in IAM that the role has adequate permissions.");
  auto compiled = policy::compile(parsed.value());
  if (!service_allowed(*compiled, role_arn, "sts:AssumeRole", role_arn, account, {}))
    return bad_role("Access denied. Verify in IAM that the role has adequate permissions.");
  return std::make_pair(region, name);
}

void encrypt_as_trail(s3::DeliveredObject& object, const TrailRow& trail) {
  if (trail.kms_key_id.empty()) return;
  object.kms_key = trail.kms_key_id;
  object.kms_account = trail.account_id;
  object.kms_context = json::object{{"aws:cloudtrail:arn", trail.arn}};
}

Result<std::string> check_trail_kms_key(store::Tx& tx, const std::string& account, const std::string& region,
                                        const std::string& trail_arn, const std::string& key_id, int64_t now_ms) {
  auto ref = kms::resolve_key(tx, account, region, key_id, true, now_ms);
  if (!ref) {
    if (ref.error().code != "NotFoundException") return ref.error();
    return AwsError::sender("KmsKeyNotFoundException", "KMS key " + key_id + " does not exist or is not in the trail's region.", 400);
  }
  const auto& key = ref->key;
  if (key.key_state != "Enabled")
    return AwsError::sender("KmsKeyDisabledException", "KMS key " + key.arn() + " is " + key.key_state + ".", 400);
  auto insufficient = [&] {
    return AwsError::sender("InsufficientEncryptionPolicyException",
                            "Insufficient permissions to access S3 bucket or KMS key " + key.arn() + ".", 400);
  };
  if (key.key_usage != "ENCRYPT_DECRYPT" || key.key_spec != "SYMMETRIC_DEFAULT") return insufficient();
  auto parsed = policy::parse_unbounded(key.policy, policy::PolicyKind::Resource);
  if (!parsed) return insufficient();
  auto compiled = policy::compile(parsed.value());
  std::string arn = key.arn();
  std::string_view trail[] = {trail_arn}, source_account[] = {account};
  std::array<policy::ContextEntry, 3> context{{{"kms:EncryptionContext:aws:cloudtrail:arn", trail},
                                               {"aws:SourceArn", trail},
                                               {"aws:SourceAccount", source_account}}};
  if (!service_allowed(*compiled, arn, "kms:GenerateDataKey", arn, key.account, context)) return insufficient();
  return arn;
}

}  // namespace citadel::services::cloudtrail
