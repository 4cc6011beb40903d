#pragma once
// The request pipeline: route -> authenticate -> decode -> authorize -> handler -> audit -> encode.
// Transport-independent: the HTTP server hands it a request and gets a response back through a
// callback, before handle() returns.
#include <functional>
#include <string>

#include "auth/credentials.h"
#include "protocol/codec.h"
#include "server/audit_journal.h"
#include "server/server_metrics.h"
#include "server/usage_meter.h"
#include "server/authorizer.h"
#include "services/service.h"

namespace citadel::server {

struct ClientInfo {
  std::string source_ip;
  bool tls = false;
};

class Pipeline {
 public:
  using Respond = std::function<void(protocol::HttpResponse)>;

  Pipeline(const services::Registry& registry, services::Env env, AuditJournal& audit, std::string version);

  void handle(const protocol::HttpRequest& req, const ClientInfo& client, Respond respond);

  // Clock override for tests (SigV4 vectors carry fixed dates). 0 = wall clock.
  void set_fixed_now_ms(int64_t ms) { fixed_now_ms_ = ms; }
  // For the audit overhead benchmark only (bench/load/run_audit.sh): calls are not recorded.
  void disable_audit_for_benchmark() { audit_enabled_ = false; }
  // Calls counted per account, region and operation since the last drain, for the usage metrics.
  UsageMeter& usage() { return usage_; }

 private:
  protocol::HttpResponse health() const;
  protocol::HttpResponse sns_certificate() const;
  int64_t now_ms() const;

  const services::Registry& registry_;
  services::Env env_;
  AuditJournal& audit_;
  Authorizer authorizer_;
  ServerMetrics metrics_;
  UsageMeter usage_;
  std::string version_;
  int64_t fixed_now_ms_ = 0;
  bool audit_enabled_ = true;
};

}  // namespace citadel::server
