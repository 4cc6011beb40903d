#pragma once
// The HTTP(S) front: Boost.Beast sessions spread over N io_contexts of one thread each (a
// connection lives on one thread: no locks or cross-thread wake-ups per request), keep-alive, header
// and body limits answered with AWS-style errors, read timeouts for slow clients, and a graceful
// stop (no new connections; in-flight requests finish; idle connections close).
#include <atomic>
#include <boost/asio.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/error.h"
#include "server/pipeline.h"

namespace citadel::server {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 4566;
  size_t max_header_bytes = 16 * 1024;
  size_t max_body_bytes = 16 * 1024 * 1024;
  int read_timeout_s = 30;  // a client that sends nothing for this long is disconnected
  std::string tls_cert, tls_key;
};

class HttpServer {
 public:
  // The acceptor runs on the first context; connections are dealt round-robin to all of them.
  HttpServer(std::vector<boost::asio::io_context*> contexts, Pipeline& pipeline, ServerOptions options);
  ~HttpServer();
  Status start();
  uint16_t port() const { return bound_port_; }
  bool tls() const;
  // Stops accepting and closes idle connections; requests being served finish.
  void begin_shutdown();
  size_t active_sessions() const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
  uint16_t bound_port_ = 0;
};

}  // namespace citadel::server
