#pragma once
// The audit log for calls that change nothing (reads, denials, failures): events are appended by
// one writer thread in batches (group commit), and each caller is told once its event is durable.
// A response waits for that; if the append fails, the request fails.
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "services/cloudtrail/event_store.h"
#include "store/store.h"

namespace citadel::server {

class AuditLog {
 public:
  using Done = std::function<void(Status)>;
  explicit AuditLog(store::Store& store);
  ~AuditLog();

  // Queues an event; `done` runs on the writer thread after the batch holding it commits (or fails).
  void append(services::cloudtrail::StoredEvent event, Done done);
  // Writes what is queued and stops the writer. Later appends fail.
  void stop();

 private:
  void run();
  struct Item {
    services::cloudtrail::StoredEvent event;
    Done done;
  };
  store::Store& store_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Item> queue_;
  bool stopping_ = false;
  std::thread writer_;
};

}  // namespace citadel::server
