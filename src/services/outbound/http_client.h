#pragma once
// The HTTP/HTTPS client the services deliver to customers' endpoints with (SNS subscriptions, Logs
// subscription filters): Boost.Beast over Asio, TLS by OpenSSL. POSTs a batch of requests
// concurrently, each bounded by a deadline, and reports each one's status.
#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "services/outbound/endpoint_url.h"

namespace citadel::services::outbound {

struct HttpPost {
  EndpointUrl url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct HttpOutcome {
  int status = 0;     // the answer's status; 0 when there was none
  std::string error;  // why there was none ("timed out", "Connection refused", a TLS failure)
};

// Whether an answer delivered the request (2xx).
inline bool delivered_status(int status) { return status >= 200 && status < 300; }
// Whether an answer is worth a retry, as SNS and CloudWatch Logs decide it: 5xx and 429 are; no
// answer at all (status 0: refused, reset, timed out) is; any other status ends the delivery.
inline bool retryable_status(int status) { return status == 0 || status == 429 || status >= 500; }

class HttpClient {
 public:
  // HTTPS endpoints must present a certificate for their host name that chains to the system's
  // trusted CAs, or to those in `extra_ca_file` (PEM; "" = none).
  explicit HttpClient(const std::string& extra_ca_file = "");
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends every request at once and returns when each has an answer or has failed; each gets at
  // most `timeout` from resolving its host to reading the answer's status line and headers (the
  // body is not read). Outcomes are in the order of `posts`. Not thread-safe: one caller at a time.
  std::vector<HttpOutcome> post_all(const std::vector<HttpPost>& posts, std::chrono::milliseconds timeout);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace citadel::services::outbound
