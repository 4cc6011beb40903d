#pragma once
// VPC flow logs: CreateFlowLogs, DescribeFlowLogs, DeleteFlowLogs. A flow log is a "vpc-flow-log"
// resource whose doc is DescribeFlowLogs' FlowLog shape (tags apart) with, privately, the resource
// type it watches and how far delivery has gone (_DeliveredSeq, a record sequence number:
// flow_records.h). Its vpc_id is "", so it does not keep its VPC alive.
#include <optional>
#include <string>

#include "services/ec2/ec2_common.h"

namespace citadel::services::ec2 {

// The S3 delivery service principal AWS's flow logs (and other vended logs) write as.
inline constexpr std::string_view kLogDeliveryPrincipal = "delivery.logs.amazonaws.com";
// The principal a flow log's DeliverLogsPermissionArn role must trust for CloudWatch Logs.
inline constexpr std::string_view kFlowLogsPrincipal = "vpc-flow-logs.amazonaws.com";

// arn:aws:s3:::BUCKET[/PREFIX] (no trailing slash on the prefix): the bucket and prefix.
struct S3Destination {
  std::string bucket, prefix;
};
std::optional<S3Destination> parse_s3_destination(const std::string& arn);

}  // namespace citadel::services::ec2
