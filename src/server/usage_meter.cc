#include "server/usage_meter.h"

#include <algorithm>
#include <functional>

namespace citadel::server {

size_t UsageMeter::KeyHash::operator()(const Key& k) const {
  std::hash<std::string_view> h;
  size_t x = h(k.account);
  for (auto part : {k.region, k.service, k.operation}) x = x * 1099511628211ull ^ h(part);
  return x;
}

void UsageMeter::record(std::string_view account, std::string_view region, std::string_view service,
                        std::string_view operation, int http_status, int64_t micros) {
  if (account.empty() || operation.empty()) return;
  double ms = static_cast<double>(micros) / 1000.0;
  std::lock_guard lock(mu_);
  auto it = counts_.find(Key{account, region, service, operation});
  if (it == counts_.end()) {
    auto e = std::make_unique<services::cloudwatch::ApiUsage>();
    auto& u = *e;
    u.account = account, u.region = region, u.service = service, u.operation = operation;
    u.latency_ms_min = u.latency_ms_max = ms;
    Key key{u.account, u.region, u.service, u.operation};
    it = counts_.emplace(key, std::move(e)).first;
  }
  auto& u = *it->second;
  ++u.calls;
  if (http_status >= 400) ++u.errors;
  u.latency_ms_sum += ms;
  u.latency_ms_min = std::min(u.latency_ms_min, ms);
  u.latency_ms_max = std::max(u.latency_ms_max, ms);
}

std::vector<services::cloudwatch::ApiUsage> UsageMeter::drain() {
  decltype(counts_) taken;
  {
    std::lock_guard lock(mu_);
    taken.swap(counts_);
  }
  std::vector<services::cloudwatch::ApiUsage> out;
  out.reserve(taken.size());
  for (auto& [_, e] : taken) out.push_back(std::move(*e));
  return out;
}

}  // namespace citadel::server
