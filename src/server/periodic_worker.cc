#include "server/periodic_worker.h"

#include <pthread.h>

#include <algorithm>

#include "base/time.h"

namespace citadel::server {

PeriodicWorker::PeriodicWorker(std::vector<Job> jobs) : jobs_(std::move(jobs)) {
  if (!jobs_.empty()) thread_ = std::thread([this] { loop(); });
}

PeriodicWorker::~PeriodicWorker() { stop(); }

void PeriodicWorker::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void PeriodicWorker::loop() {
  pthread_setname_np(pthread_self(), "citadel-periodic");
  using Clock = std::chrono::steady_clock;
  std::vector<Clock::time_point> due(jobs_.size(), Clock::now());
  for (size_t i = 0; i < jobs_.size(); ++i) due[i] += jobs_[i].interval;
  std::unique_lock lock(mu_);
  while (!stopping_) {
    auto next = *std::min_element(due.begin(), due.end());
    if (cv_.wait_until(lock, next, [this] { return stopping_; })) break;
    for (size_t i = 0; i < jobs_.size(); ++i) {
      if (Clock::now() < due[i]) continue;
      lock.unlock();
      jobs_[i].run(timeutil::now_ms());
      lock.lock();
      due[i] = Clock::now() + jobs_[i].interval;
      if (stopping_) break;
    }
  }
}

}  // namespace citadel::server
