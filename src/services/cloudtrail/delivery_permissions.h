#pragma once
// What CloudTrail checks before it writes to a customer's bucket, at CreateTrail/UpdateTrail and
// again at each delivery: the bucket exists and its policy lets the service principal
// cloudtrail.amazonaws.com read the bucket's ACL and put objects under the trail's AWSLogs/ path
// (with the trail's aws:SourceArn and aws:SourceAccount, and s3:x-amz-acl bucket-owner-full-control).
#include <string>

#include "services/cloudtrail/trail_store.h"
#include "services/s3/delivered_objects.h"
#include "services/service.h"

namespace citadel::services::cloudtrail {

struct DeliveryTarget {
  std::string bucket;
  std::string log_root;  // where the trail's files go: "PREFIX/AWSLogs/ACCOUNT/" (trail_store.h)
  std::string trail_arn, trail_account;
};

// S3BucketDoesNotExistException or InsufficientS3BucketPolicyException when delivery would fail.
Status check_delivery_bucket(store::Tx& tx, const DeliveryTarget& target);

// The KMS key a trail encrypts its log files under (KmsKeyId: key id, ARN, alias name or ARN): its
// ARN, once the key exists and is enabled (KmsKeyNotFoundException, KmsKeyDisabledException) and
// its key policy lets cloudtrail.amazonaws.com call kms:GenerateDataKey with the trail's
// aws:cloudtrail:arn encryption context (InsufficientEncryptionPolicyException).
Result<std::string> check_trail_kms_key(store::Tx& tx, const std::string& account, const std::string& region,
                                        const std::string& trail_arn, const std::string& key_id, int64_t now_ms);

// CloudWatch Logs delivery: the log group ARN (arn:aws:logs:REGION:ACCOUNT:log-group:NAME[:*]) must
// name an existing group of the trail's account (InvalidCloudWatchLogsLogGroupArnException) and the
// role must exist and trust cloudtrail.amazonaws.com (InvalidCloudWatchLogsRoleArnException).
// Returns the group's (region, name).
Result<std::pair<std::string, std::string>> check_trail_log_group(store::Tx& tx, const std::string& account,
                                                                 const std::string& group_arn, const std::string& role_arn);

// Makes a file the trail delivers SSE-KMS under the trail's key (with the trail's ARN as
// aws:cloudtrail:arn encryption context, as CloudTrail does), when it has one.
void encrypt_as_trail(s3::DeliveredObject& object, const TrailRow& trail);

}  // namespace citadel::services::cloudtrail
