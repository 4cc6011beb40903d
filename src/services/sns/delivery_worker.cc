#include "services/sns/delivery_worker.h"

#include <iostream>

#include "base/time.h"
#include "services/sns/delivery_queue.h"

namespace citadel::services::sns {

namespace {

// A claim outlives the slowest attempt by this much before another round may take it again.
constexpr std::chrono::milliseconds kLeaseMargin{30000};

}  // namespace

DeliveryWorker::DeliveryWorker(store::Store& store, const store::SecretBox& secrets, DeliveryOptions options)
    : store_(store), secrets_(secrets), options_(std::move(options)), client_(options_.extra_ca_file) {}

Result<size_t> DeliveryWorker::run_once(int64_t now_ms) {
  size_t total = 0;
  for (;;) {
    auto n = run_batch(now_ms);
    if (!n) return n.error();
    total += *n;
    if (*n < options_.batch) return total;
    now_ms = timeutil::now_ms();
  }
}

Result<size_t> DeliveryWorker::run_batch(int64_t now_ms) {
  auto due = claim_due(store_, now_ms, (options_.timeout + kLeaseMargin).count(), options_.batch);
  if (!due) return due.error();
  if (due->empty()) return size_t{0};
  if (!key_) {
    auto k = load_signing_key(store_, secrets_, now_ms);
    if (!k) return k.error();
    key_ = std::move(*k);
  }
  Links links{options_.base_url};
  std::vector<HttpPost> posts;
  std::vector<std::string> broken(due->size());  // why a delivery could not even be built
  for (size_t i = 0; i < due->size(); ++i) {
    const QueuedDelivery& d = (*due)[i];
    HttpPost p;
    auto url = parse_endpoint_url(d.endpoint);
    if (!url) broken[i] = "the endpoint is not a valid URL";
    else p.url = *url;
    // Raw delivery sends notifications as the bare message; confirmations are always JSON.
    bool raw = d.raw && d.message.type == "Notification";
    p.headers = message_headers(d.message, raw);
    p.headers.emplace_back("Content-Type", d.policy.content_type);
    if (raw) {
      p.body = d.message.message;
    } else {
      auto signature = sign(*key_, d.signature_version, string_to_sign(d.message, links));
      if (!signature) broken[i] = signature.error().message;
      else p.body = message_body(d.message, links, d.signature_version, *signature);
    }
    posts.push_back(std::move(p));
  }
  // Only the deliveries that could be built are sent; the others fail this attempt.
  std::vector<HttpPost> sendable;
  std::vector<size_t> index;
  for (size_t i = 0; i < posts.size(); ++i)
    if (broken[i].empty()) sendable.push_back(std::move(posts[i])), index.push_back(i);
  auto outcomes = client_.post_all(sendable, options_.timeout);
  std::vector<HttpOutcome> all(due->size(), HttpOutcome{0, ""});
  for (size_t j = 0; j < index.size(); ++j) all[index[j]] = std::move(outcomes[j]);
  int64_t done_ms = timeutil::now_ms();
  for (size_t i = 0; i < due->size(); ++i) {
    const QueuedDelivery& d = (*due)[i];
    HttpOutcome& o = all[i];
    if (!broken[i].empty()) o.error = broken[i];
    std::string error = delivered_status(o.status) ? "" : (o.status ? "HTTP " + std::to_string(o.status) : o.error);
    if (!error.empty() && !next_attempt(d, o.status, done_ms))
      std::cerr << "citadel: sns: gave up delivering " << d.message.type << " " << d.message.message_id << " to "
                << d.endpoint << " after " << d.attempts + 1 << " attempt(s): " << error << std::endl;
    if (auto s = record_attempt(store_, d, o.status, error, done_ms); !s) return s.error();
  }
  return due->size();
}

}  // namespace citadel::services::sns
