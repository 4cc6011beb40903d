#pragma once
// The server's own metrics in Prometheus' text format (GET /metrics): requests by service,
// operation and status class, their latency as histograms, and process figures. Counting is
// lock-free: a slot per registered operation is made at startup (read-only after), each a set of
// atomic counters.
#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/string_hash.h"
#include "services/service.h"

namespace citadel::server {

class ServerMetrics {
 public:
  explicit ServerMetrics(const services::Registry& registry);

  // One answered request. `service` and `operation` may name something the registry lacks.
  void record(std::string_view service, std::string_view operation, int http_status, int64_t micros);
  // audit_events: records appended to the audit journal so far.
  std::string prometheus_text(const std::string& version, uint64_t audit_events) const;

  static constexpr std::array<double, 12> kBuckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};

 private:
  struct Slot {
    std::string service, operation;
    std::array<std::atomic<uint64_t>, 5> by_class{};  // 1xx..5xx
    std::array<std::atomic<uint64_t>, kBuckets.size()> buckets{};
    std::atomic<uint64_t> count{0}, micros{0};
  };
  Slot* slot(std::string_view service, std::string_view operation);

  // By service, then operation; looked up by string_view, so recording builds no string.
  template <class V>
  using ByName = std::unordered_map<std::string, V, TransparentStringHash, std::equal_to<>>;
  ByName<ByName<std::unique_ptr<Slot>>> slots_;
  std::unique_ptr<Slot> other_;  // anything else (unknown services and operations)
  int64_t started_ms_;
};

}  // namespace citadel::server
