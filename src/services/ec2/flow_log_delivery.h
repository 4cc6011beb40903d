#pragma once
// The delivery of VPC flow logs, a background job (`citadel serve --flow-log-delivery-interval`).
// Each round, every flow log delivers the records it captures (flow_records.h) that came since its
// last round, in its LogFormat:
// - to CloudWatch Logs: one log stream per network interface, named by its id, in LogGroupName
//   (made when absent), once its DeliverLogsPermissionArn role exists and trusts
//   vpc-flow-logs.amazonaws.com;
// - to S3: one gzipped file per round, its first line the field names, under
//   PREFIX/AWSLogs/ACCOUNT/vpcflowlogs/REGION/YYYY/MM/DD/[HH/]
//   ACCOUNT_vpcflowlogs_REGION_FLOWLOGID_YYYYMMDDTHHmmZ_HASH.log.gz, once the bucket's policy lets
//   delivery.logs.amazonaws.com put it there (with aws:SourceAccount, aws:SourceArn and
//   s3:x-amz-acl bucket-owner-full-control, as AWS's documented policy checks).
// A round that cannot deliver marks the flow log DeliverLogsStatus FAILED with
// DeliverLogsErrorMessage "Access error" and drops its records, as AWS does; the next round that
// delivers sets SUCCESS again. Records every flow log has passed are then removed.
#include <cstdint>

#include "services/service.h"

namespace citadel::services::ec2 {

void deliver_flow_logs(const Env& env, int64_t now_ms);

}  // namespace citadel::services::ec2
