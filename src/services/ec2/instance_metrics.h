#pragma once
// EC2 instances are records, not virtual machines, so their CloudWatch metrics come from a workload
// model: every round (`citadel serve --instance-metrics-interval`, default 60 s) each running
// instance publishes AWS/EC2 CPUUtilization, NetworkIn, NetworkOut, StatusCheckFailed,
// StatusCheckFailed_Instance and StatusCheckFailed_System with the InstanceId dimension, at
// standard (60 s) resolution. The instance's tags set its model:
//   citadel:workload = idle (CPU 0.5-2 %) | steady (15-25 %, the default) | busy (80-95 %)
//                      | spiky (5 % with a 95 % minute every fifth minute) | a number (that CPU %, ±1)
//   citadel:status-check = failing (StatusCheckFailed 1; otherwise 0)
// Network bytes follow CPU (25 KiB per CPU % per minute in, half as much out). The noise is a
// hash of the instance id and the minute, so a round is repeatable.
#include <cstdint>

#include "base/error.h"
#include "store/store.h"

namespace citadel::services::ec2 {

// CPU % of a workload model in a given minute; nullopt-like -1 for an unknown model.
double modelled_cpu(const std::string& workload, const std::string& instance_id, int64_t minute);

// One round for every running instance of every account.
Status publish_instance_metrics(store::Store& store, int64_t now_ms);

}  // namespace citadel::services::ec2
