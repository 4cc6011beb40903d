#pragma once
// Metrics every service publishes about its own API, per account and region, once a round
// (`citadel serve --usage-metrics-interval`, default 60 s):
//   AWS/Usage   CallCount   {Service, Type=API, Resource=OPERATION, Class=None}  as AWS publishes it
//                           (Sum is the number of calls; Service is AWS's name: "KMS", "S3", ...)
//   Citadel/API Errors      {Service, Operation}   calls answered 4xx or 5xx        (Count)
//               Latency     {Service, Operation}   server time per call, min/max/avg (Milliseconds)
// The counts come from the server (server/usage_meter.h); this file only stores them.
#include <cstdint>
#include <string>
#include <vector>

#include "base/error.h"
#include "store/store.h"

namespace citadel::services::cloudwatch {

// The calls to one operation by one account in one region during a round.
struct ApiUsage {
  std::string account, region, service, operation;  // service: Citadel's id ("kms", "s3")
  uint64_t calls = 0, errors = 0;
  double latency_ms_sum = 0, latency_ms_min = 0, latency_ms_max = 0;
};

// The Service dimension AWS/Usage uses for one of Citadel's service ids ("kms" -> "KMS").
std::string usage_service_name(const std::string& service_id);

// Stores one round's usage at `now_ms`, in one transaction.
Status publish_api_usage(store::Store& store, const std::vector<ApiUsage>& usage, int64_t now_ms);

}  // namespace citadel::services::cloudwatch
