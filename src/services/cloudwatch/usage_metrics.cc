#include "services/cloudwatch/usage_metrics.h"

#include <unordered_map>

#include "services/cloudwatch/metric_store.h"

namespace citadel::services::cloudwatch {

namespace {

Status put(store::Tx& tx, MetricKey key, Sample s, int64_t now_ms) {
  s.ts_ms = now_ms;
  return put_sample(tx, key, s, now_ms);
}

}  // namespace

std::string usage_service_name(const std::string& id) {
  static const std::unordered_map<std::string, std::string> kNames{
      {"iam", "IAM"},        {"sts", "STS"},          {"kms", "KMS"},   {"s3", "S3"},
      {"ec2", "EC2"},        {"cloudwatch", "CloudWatch"}, {"logs", "Logs"}, {"cloudtrail", "CloudTrail"},
      {"organizations", "Organizations"}, {"sns", "SNS"}};
  auto it = kNames.find(id);
  return it != kNames.end() ? it->second : id;
}

Status publish_api_usage(store::Store& store, const std::vector<ApiUsage>& usage, int64_t now_ms) {
  if (usage.empty()) return Ok{};
  return store.write([&](store::Tx& tx) -> Status {
    for (const auto& u : usage) {
      std::string service = usage_service_name(u.service);
      auto calls = static_cast<double>(u.calls);
      // One datum per call, as AWS counts them: Sum and SampleCount are the number of calls.
      Sample count{0, 60, "None", calls, calls, 1, 1, ""};
      if (auto s = put(tx, {u.account, u.region, "AWS/Usage", "CallCount",
                            {{"Class", "None"}, {"Resource", u.operation}, {"Service", service}, {"Type", "API"}}},
                       count, now_ms);
          !s)
        return s;
      Dimensions op{{"Operation", u.operation}, {"Service", service}};
      auto errors = static_cast<double>(u.errors);
      Sample err{0, 60, "Count", 1, errors, errors, errors, ""};
      if (auto s = put(tx, {u.account, u.region, "Citadel/API", "Errors", op}, err, now_ms); !s) return s;
      Sample latency{0, 60, "Milliseconds", calls, u.latency_ms_sum, u.latency_ms_min, u.latency_ms_max, ""};
      if (auto s = put(tx, {u.account, u.region, "Citadel/API", "Latency", op}, latency, now_ms); !s) return s;
    }
    return Ok{};
  });
}

}  // namespace citadel::services::cloudwatch
