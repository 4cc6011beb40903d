#pragma once
// Counts each account's calls per region and operation between two rounds of the usage metrics
// job, which drains them into CloudWatch (services/cloudwatch/usage_metrics.h). In memory only: a
// crash loses at most one round of usage metrics, never an audit record.
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "services/cloudwatch/usage_metrics.h"

namespace citadel::server {

class UsageMeter {
 public:
  // One answered call by `account` (callers without one, such as failed sign-ins, are not counted).
  void record(std::string_view account, std::string_view region, std::string_view service, std::string_view operation,
              int http_status, int64_t micros);
  // What was counted since the last drain, and a fresh start.
  std::vector<services::cloudwatch::ApiUsage> drain();

 private:
  struct Key {
    std::string_view account, region, service, operation;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    size_t operator()(const Key& k) const;
  };
  std::mutex mu_;
  // Keys view into their own entry's strings, so a lookup builds no string.
  std::unordered_map<Key, std::unique_ptr<services::cloudwatch::ApiUsage>, KeyHash> counts_;
};

}  // namespace citadel::server
