#pragma once
// The background side of alarms: every interval, each alarm's evaluation range is read from the
// metric store, evaluate_alarm() decides, and alarms whose state value changes move (history,
// actions). Data retention (metric_store.h apply_retention) runs on the same beat.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "services/cloudwatch/alarm_evaluation.h"
#include "services/cloudwatch/alarm_store.h"
#include "store/store.h"

namespace citadel::services::cloudwatch {

// The alarm's evaluation range at `now_ms`, oldest period first; the current (partial) period last.
Result<std::vector<PeriodValue>> alarm_range(store::Tx& tx, const AlarmRow& alarm, const AlarmRule& rule, int64_t now_ms);

// One pass over every alarm of every account at `now_ms`: metric alarms from their data, then
// composite alarms from the states of the alarms they name. Returns how many alarms changed state.
Result<int> evaluate_all_alarms(store::Store& store, int64_t now_ms);

// Runs evaluate_all_alarms every `interval` on its own thread until stop() (or destruction).
class AlarmScheduler {
 public:
  AlarmScheduler(store::Store& store, std::chrono::milliseconds interval, std::function<int64_t()> clock);
  ~AlarmScheduler();
  void start();
  void stop();

 private:
  void run();
  store::Store& store_;
  std::chrono::milliseconds interval_;
  std::function<int64_t()> clock_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace citadel::services::cloudwatch
