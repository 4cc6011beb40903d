#include "server/console/signin_throttle.h"

#include <algorithm>

namespace citadel::server::console {

namespace {
// Bounds the memory a flood of distinct names can take; losing old entries only forgets failures.
constexpr size_t kMaxKeys = 100000;
}  // namespace

int64_t SignInThrottle::wait(Failures& f, const std::string& key, size_t limit, int64_t now_ms) {
  auto it = f.find(key);
  if (it == f.end()) return 0;
  auto& times = it->second;
  while (!times.empty() && times.front() + limits_.window_ms <= now_ms) times.pop_front();
  if (times.empty()) {
    f.erase(it);
    return 0;
  }
  if (times.size() < limit) return 0;
  return times[times.size() - limit] + limits_.window_ms - now_ms;
}

void SignInThrottle::add(Failures& f, const std::string& key, int64_t now_ms) {
  if (f.size() >= kMaxKeys && !f.contains(key)) f.clear();
  f[key].push_back(now_ms);
}

int64_t SignInThrottle::retry_after_ms(const std::string& name, const std::string& address, int64_t now_ms) {
  std::lock_guard lock(mu_);
  return std::max(wait(by_name_, name, limits_.per_name, now_ms), wait(by_address_, address, limits_.per_address, now_ms));
}

void SignInThrottle::failed(const std::string& name, const std::string& address, int64_t now_ms) {
  std::lock_guard lock(mu_);
  add(by_name_, name, now_ms);
  add(by_address_, address, now_ms);
}

void SignInThrottle::succeeded(const std::string& name) {
  std::lock_guard lock(mu_);
  by_name_.erase(name);
}

}  // namespace citadel::server::console
