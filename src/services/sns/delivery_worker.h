#pragma once
// The background side of SNS: takes due deliveries from the queue (delivery_queue.h), signs them,
// POSTs them to their endpoints and records each outcome — delivered, retried later by its
// delivery policy, or given up. `citadel serve` runs one round every --sns-delivery-interval on a
// thread of its own, never on a request's thread.
#include <chrono>
#include <optional>
#include <string>

#include "services/outbound/http_client.h"
#include "services/sns/signing_key.h"

namespace citadel::services::sns {

struct DeliveryOptions {
  std::string base_url;  // how endpoints reach Citadel (SubscribeURL, UnsubscribeURL, SigningCertURL)
  std::chrono::milliseconds timeout{15000};  // per attempt (SNS gives an endpoint 15 seconds)
  size_t batch = 32;                         // deliveries sent at once
  std::string extra_ca_file;                 // more CAs trusted for HTTPS endpoints
};

class DeliveryWorker {
 public:
  // `store` and `secrets` must outlive the worker.
  DeliveryWorker(store::Store& store, const store::SecretBox& secrets, DeliveryOptions options);

  // Sends what is due at `now_ms`, batch after batch until none is left; returns how many
  // attempts it made.
  Result<size_t> run_once(int64_t now_ms);

 private:
  Result<size_t> run_batch(int64_t now_ms);

  store::Store& store_;
  const store::SecretBox& secrets_;
  DeliveryOptions options_;
  outbound::HttpClient client_;
  std::optional<SigningKey> key_;  // loaded (or made) on first use
};

}  // namespace citadel::services::sns
