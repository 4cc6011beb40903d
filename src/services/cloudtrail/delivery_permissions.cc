#include "services/cloudtrail/delivery_permissions.h"

#include <array>

#include "policy/compiled.h"
#include "policy/evaluate.h"
#include "policy/policy.h"
#include "services/s3/s3_common.h"

namespace citadel::services::cloudtrail {

namespace {
constexpr std::string_view kServicePrincipal = "cloudtrail.amazonaws.com";
}

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
  policy::PolicySet set;
  set.resource = {compiled.get(), bucket_arn};
  std::string_view source_arn[] = {t.trail_arn}, source_account[] = {t.trail_account}, acl[] = {"bucket-owner-full-control"};
  std::array<policy::ContextEntry, 3> context{{{"aws:SourceArn", source_arn},
                                               {"aws:SourceAccount", source_account},
                                               {"s3:x-amz-acl", acl}}};
  auto allowed = [&](std::string_view action, const std::string& resource) {
    policy::Request req;
    req.principal = policy::principal_from_arn(kServicePrincipal);
    req.action = action;
    req.resource = resource;
    req.resource_account = (*bucket)->account_id;
    req.context = context;
    return policy::evaluate(req, set).type == policy::DecisionType::Allowed;
  };
  // Any object under the trail's log path stands for every file CloudTrail will write there.
  std::string sample_object = bucket_arn + "/" + t.log_root + "CloudTrail/x.json.gz";
  if (!allowed("s3:GetBucketAcl", bucket_arn) || !allowed("s3:PutObject", sample_object)) return insufficient();
  return Ok{};
}

}  // namespace citadel::services::cloudtrail
