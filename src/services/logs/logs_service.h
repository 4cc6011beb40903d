#pragma once
// CloudWatch Logs (awsJson1.1, Logs_20140328): log groups and streams, PutLogEvents with AWS's
// ordering and batch rules, GetLogEvents, FilterLogEvents with filter patterns, retention that
// deletes, tags. See docs/logs.md.
#include "services/service.h"

namespace citadel::services::logs {

class LogsService final : public Service {
 public:
  std::string id() const override { return "logs"; }
  std::string event_source() const override { return "logs.amazonaws.com"; }
  std::vector<OperationDef> operations() const override;
  std::vector<store::Migration> migrations() const override;
};

// Deletes events older than their group's retention (the background worker runs it).
Status apply_retention(store::Store& store, int64_t now_ms);

}  // namespace citadel::services::logs
