#include "services/logs/subscription_worker.h"

#include <iostream>

#include "base/time.h"
#include "services/logs/subscription_queue.h"
#include "services/outbound/lease_queue.h"

namespace citadel::services::logs {

namespace {

constexpr size_t kBatch = 32;
// A claim outlives the slowest attempt by this much before another round may take it again.
constexpr std::chrono::milliseconds kLeaseMargin{30000};

}  // namespace

SubscriptionWorker::SubscriptionWorker(store::Store& store, const store::SecretBox& secrets, std::chrono::milliseconds timeout,
                                       const std::string& extra_ca_file)
    : store_(store), secrets_(secrets), timeout_(timeout), client_(extra_ca_file) {}

Result<size_t> SubscriptionWorker::run_once(int64_t now_ms) {
  return outbound::drain(kBatch, now_ms, [this](int64_t at) { return run_batch(at); });
}

Result<size_t> SubscriptionWorker::run_batch(int64_t now_ms) {
  auto due = claim_subscription_deliveries(store_, secrets_, now_ms, (timeout_ + kLeaseMargin).count(), kBatch);
  if (!due) return due.error();
  if (due->empty()) return size_t{0};
  std::vector<outbound::HttpOutcome> outcomes(due->size());
  std::vector<std::string> unsendable(due->size());  // why a delivery cannot be sent at all
  std::vector<outbound::HttpPost> posts;
  std::vector<size_t> sent;  // the delivery each post is
  for (size_t i = 0; i < due->size(); ++i) {
    const SubscriptionDelivery& d = (*due)[i];
    auto url = outbound::parse_endpoint_url(d.endpoint);
    if (!url || d.body.empty()) {
      unsendable[i] = url ? "the queued body does not open under the server's key" : "the endpoint is not a valid URL";
      continue;
    }
    posts.push_back(outbound::HttpPost{std::move(*url), {{"Content-Type", "application/json"}}, d.body});
    sent.push_back(i);
  }
  auto answers = client_.post_all(posts, timeout_);
  for (size_t j = 0; j < sent.size(); ++j) outcomes[sent[j]] = std::move(answers[j]);
  int64_t done_ms = timeutil::now_ms();
  for (size_t i = 0; i < due->size(); ++i) {
    const SubscriptionDelivery& d = (*due)[i];
    const outbound::HttpOutcome& o = outcomes[i];
    // One that cannot be sent is over, as if the endpoint had refused it.
    int status = unsendable[i].empty() ? o.status : 400;
    std::string error = !unsendable[i].empty()                 ? unsendable[i]
                        : outbound::delivered_status(o.status) ? ""
                        : o.status                             ? "HTTP " + std::to_string(o.status)
                                                               : o.error;
    if (!error.empty() && !subscription_retry_at(d, status, done_ms))
      std::cerr << "citadel: logs: gave up delivering subscription filter " << d.filter << " of " << d.group << " to "
                << d.endpoint << " after " << d.attempts + 1 << " attempt(s): " << error << std::endl;
    if (auto s = record_subscription_attempt(store_, d, status, error, done_ms); !s) return s.error();
  }
  return due->size();
}

}  // namespace citadel::services::logs
