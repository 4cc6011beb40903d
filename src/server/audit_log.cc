#include "server/audit_log.h"

#include <vector>

namespace citadel::server {

namespace {
constexpr size_t kMaxBatch = 512;
}

AuditLog::AuditLog(store::Store& store) : store_(store), writer_([this] { run(); }) {}

AuditLog::~AuditLog() { stop(); }

void AuditLog::append(services::cloudtrail::StoredEvent event, Done done) {
  {
    std::lock_guard lock(mu_);
    if (!stopping_) {
      queue_.push_back(Item{std::move(event), std::move(done)});
      cv_.notify_one();
      return;
    }
  }
  done(AwsError::internal("the audit log is shut down"));
}

void AuditLog::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && !writer_.joinable()) return;
    stopping_ = true;
  }
  cv_.notify_one();
  if (writer_.joinable()) writer_.join();
}

void AuditLog::run() {
  std::vector<Item> batch;
  std::vector<services::cloudtrail::StoredEvent> events;
  while (true) {
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty() && stopping_) return;
      while (!queue_.empty() && batch.size() < kMaxBatch) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    events.clear();
    for (auto& item : batch) events.push_back(std::move(item.event));
    Status s = store_.write([&](store::Tx& tx) { return services::cloudtrail::append_events(tx, events); });
    for (auto& item : batch) item.done(s);
    batch.clear();
  }
}

}  // namespace citadel::server
