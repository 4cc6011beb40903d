#pragma once
// The background side of subscription filters: takes due deliveries from the queue
// (subscription_queue.h), POSTs them to their endpoints and records each outcome. `citadel serve`
// runs a round every --subscription-delivery-interval on the thread that sends SNS deliveries,
// never on a request's thread.
#include <chrono>
#include <string>

#include "services/outbound/http_client.h"
#include "services/service.h"
#include "store/secret_box.h"

namespace citadel::services::logs {

class SubscriptionWorker {
 public:
  // `store` and `secrets` must outlive the worker. HTTPS endpoints may chain to the CAs of
  // `extra_ca_file` too ("" = the system's only).
  SubscriptionWorker(store::Store& store, const store::SecretBox& secrets, std::chrono::milliseconds timeout,
                     const std::string& extra_ca_file);

  // Sends what is due at `now_ms`, batch after batch until none is left; returns how many attempts
  // it made.
  Result<size_t> run_once(int64_t now_ms);

 private:
  Result<size_t> run_batch(int64_t now_ms);

  store::Store& store_;
  const store::SecretBox& secrets_;
  std::chrono::milliseconds timeout_;
  outbound::HttpClient client_;
};

}  // namespace citadel::services::logs
