#pragma once
// What CloudTrail checks before it writes to a customer's bucket, at CreateTrail/UpdateTrail and
// again at each delivery: the bucket exists and its policy lets the service principal
// cloudtrail.amazonaws.com read the bucket's ACL and put objects under the trail's AWSLogs/ path
// (with the trail's aws:SourceArn and aws:SourceAccount, and s3:x-amz-acl bucket-owner-full-control).
#include <string>

#include "services/service.h"

namespace citadel::services::cloudtrail {

struct DeliveryTarget {
  std::string bucket;
  std::string log_root;  // where the trail's files go: "PREFIX/AWSLogs/ACCOUNT/" (trail_store.h)
  std::string trail_arn, trail_account;
};

// S3BucketDoesNotExistException or InsufficientS3BucketPolicyException when delivery would fail.
Status check_delivery_bucket(store::Tx& tx, const DeliveryTarget& target);

}  // namespace citadel::services::cloudtrail
