#pragma once
// Background work the server does on a schedule (trail delivery and digests, CloudWatch alarm
// evaluation): one thread runs each job every `interval`, never two jobs at once. stop() waits for
// a job in progress to finish, so shutdown never cuts a round in half (a round is transactional
// anyway).
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace citadel::server {

class PeriodicWorker {
 public:
  struct Job {
    std::string name;
    std::chrono::milliseconds interval;
    std::function<void(int64_t now_ms)> run;
  };

  explicit PeriodicWorker(std::vector<Job> jobs);
  ~PeriodicWorker();
  PeriodicWorker(const PeriodicWorker&) = delete;
  PeriodicWorker& operator=(const PeriodicWorker&) = delete;

  void stop();

 private:
  void loop();

  std::vector<Job> jobs_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace citadel::server
