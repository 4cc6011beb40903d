#pragma once
// Flow log records: Citadel runs no network, so the traffic its flow logs deliver is what users
// submit with PutFlowLogRecords (Citadel's own EC2 operation, in models/ec2/; docs/ec2.md). Each
// record is stored with the interface's subnet and VPC as they were when it came, and stays until
// every flow log has had the delivery round that follows it.
#include <string>
#include <vector>

#include "services/ec2/flow_log_format.h"
#include "services/service.h"

namespace citadel::services::ec2 {

struct StoredRecord {
  int64_t seq = 0;
  std::string interface_id;
  int64_t event_ms = 0;  // the record's start, or when it came when it has none
  flowlog::Record fields;
};

// The newest record's sequence number (0 when there is none). A flow log delivers the records
// that come after it was made, as AWS's capture only traffic from then on.
Result<int64_t> last_record_seq(store::Tx& tx);

// What one flow log captures: records of its account and region whose interface is, or was in, its
// resource (ResourceType VPC, Subnet or NetworkInterface) with an action of its TrafficType.
struct Capture {
  std::string account, region, resource_type, resource_id, traffic_type;
};
// The captured records with after < seq <= upto, oldest first, at most `limit` of them.
Result<std::vector<StoredRecord>> captured_records(store::Tx& tx, const Capture& c, int64_t after, int64_t upto, int64_t limit);

// Removes the records with seq <= `seq`.
Status drop_records_through(store::Tx& tx, int64_t seq);

void add_flow_record_operations(std::vector<OperationDef>& ops);

}  // namespace citadel::services::ec2
