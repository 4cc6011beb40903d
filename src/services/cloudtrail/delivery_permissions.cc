#include "services/cloudtrail/delivery_permissions.h"

#include <array>
#include <span>

#include "policy/policy.h"
#include "services/kms/key_store.h"
#include "services/logs/log_delivery.h"
#include "services/s3/s3_common.h"
#include "services/service_principal.h"

namespace citadel::services::cloudtrail {

namespace {
constexpr std::string_view kServicePrincipal = "cloudtrail.amazonaws.com";
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
  std::string bucket_arn = s3::bucket_arn(t.bucket);
  std::string_view source_arn[] = {t.trail_arn}, source_account[] = {t.trail_account}, acl[] = {"bucket-owner-full-control"};
  std::array<policy::ContextEntry, 3> context{{{"aws:SourceArn", source_arn},
                                               {"aws:SourceAccount", source_account},
                                               {"s3:x-amz-acl", acl}}};
  // Any object under the trail's log path stands for every file CloudTrail will write there.
  std::string sample_object = bucket_arn + "/" + t.log_root + "CloudTrail/x.json.gz";
  if (!resource_policy_allows_service((*bucket)->policy, policy::PolicyKind::Resource, kServicePrincipal, (*bucket)->account_id,
                                      {{"s3:GetBucketAcl", bucket_arn, context}, {"s3:PutObject", sample_object, context}}))
    return insufficient();
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
  if (!resource_policy_allows_service(role->front().str(0), policy::PolicyKind::TrustPolicy, kServicePrincipal, account,
                                      {{"sts:AssumeRole", role_arn, {}}}))
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
  std::string arn = key.arn();
  std::string_view trail[] = {trail_arn}, source_account[] = {account};
  std::array<policy::ContextEntry, 3> context{{{"kms:EncryptionContext:aws:cloudtrail:arn", trail},
                                               {"aws:SourceArn", trail},
                                               {"aws:SourceAccount", source_account}}};
  if (!resource_policy_allows_service(key.policy, policy::PolicyKind::Resource, kServicePrincipal, key.account,
                                      {{"kms:GenerateDataKey", arn, context}}))
    return insufficient();
  return arn;
}

}  // namespace citadel::services::cloudtrail
