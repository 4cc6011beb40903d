#pragma once
// The request pipeline: route -> authenticate -> decode -> authorize -> handler -> audit -> encode.
// Transport-independent: the HTTP server hands it a request and gets a response back through a
// callback, before handle() returns.
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "auth/credentials.h"
#include "auth/sigv4.h"
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

// A call on behalf of a principal that is already authenticated by other means (a signed-in
// console session): from there on it is decoded, authorized, run and audited exactly as a signed
// request is.
struct AuthenticatedCall {
  auth::Principal principal;
  std::string service;    // a service that speaks JSON ("cloudwatch")
  std::string operation;  // "GetMetricData"
  std::string region;
  std::string body;       // the input as a JSON request body
};

using Respond = std::function<void(protocol::HttpResponse)>;

// A call whose body streams to disk as it arrives (an operation that declares
// OperationDef::streamed_body: S3's PutObject and UploadPart): its headers were routed and
// authenticated before any body byte was read. Destroyed before finish() (the client went away),
// it leaves nothing behind.
class StreamedCall {
 public:
  virtual ~StreamedCall() = default;
  // The answer is known before the body is all in (authentication failed, the body is too large,
  // a chunk's signature is wrong): send it now (finish) and read no more.
  virtual bool failed() const = 0;
  // The next body bytes, as received (aws-chunked framing included).
  virtual void append(std::string_view bytes) = 0;
  // After the last body byte, or once failed(): checks the body (its length, x-amz-content-sha256,
  // the last chunk), runs the call and answers through `respond` before it returns.
  virtual void finish(Respond respond) = 0;
};

class Pipeline {
 public:
  using Respond = server::Respond;

  Pipeline(const services::Registry& registry, services::Env env, AuditJournal& audit, std::string version);

  void handle(const protocol::HttpRequest& req, const ClientInfo& client, Respond respond);
  // For a request whose headers have arrived: a StreamedCall when it is for an operation whose body
  // streams (its body then goes there, not to handle()); nullptr otherwise.
  std::unique_ptr<StreamedCall> stream(const protocol::HttpRequest& head, const ClientInfo& client);
  // `req` is the HTTP request that asked for the call (for metrics and logs); the answer is the
  // service's JSON response or error, as a JSON client would get it.
  void handle_authenticated(const protocol::HttpRequest& req, const ClientInfo& client, const AuthenticatedCall& call,
                            Respond respond);

  // Requests under /_citadel/ other than the health check go to `front` first (the console); it
  // returns false for paths it does not serve. Set before the server starts.
  using Front = std::function<bool(const protocol::HttpRequest&, const ClientInfo&, const Respond&)>;
  void set_front(Front front) { front_ = std::move(front); }

  // Clock override for tests (SigV4 vectors carry fixed dates). 0 = wall clock.
  void set_fixed_now_ms(int64_t ms) { fixed_now_ms_ = ms; }
  // For the audit overhead benchmark only (bench/load/run_audit.sh): calls are not recorded.
  void disable_audit_for_benchmark() { audit_enabled_ = false; }
  // Calls counted per account, region and operation since the last drain, for the usage metrics.
  UsageMeter& usage() { return usage_; }

 private:
  struct CallState;  // one call, kept alive until its answer is sent (server/call_state.h)
  class Streamed;    // server/streamed_call.cc
  // What routing and authentication found out about a request.
  struct Admission {
    std::optional<protocol::HttpRequest> rewritten;  // the request as services see it, when it differs
    std::optional<auth::SigV4Auth> sig;
    std::string secret;
  };
  std::shared_ptr<CallState> start_call(const protocol::HttpRequest& req, const ClientInfo& client);
  // Routes the request (st.route is set even when it fails, for the error's wire shape); the
  // error is authentication's when the request is not signed as it must be.
  Status route_call(const protocol::HttpRequest& req, CallState& st, Admission& a);
  // Verifies the signature and resolves the principal; `body_streamed`: the payload hash is
  // checked later, against the body as it arrives.
  Status authenticate(const protocol::HttpRequest& req, CallState& st, Admission& a, bool body_streamed);
  protocol::HttpResponse error_response(const CallState& st, const AwsError& e) const;
  Respond counted(std::shared_ptr<CallState> st, const protocol::HttpRequest& req, const ClientInfo& client, Respond out);
  void run(std::shared_ptr<CallState> st, const protocol::HttpRequest& routed_req, const Respond& respond);
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
  Front front_;
};

}  // namespace citadel::server
