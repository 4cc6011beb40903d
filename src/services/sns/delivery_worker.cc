#include "services/sns/delivery_worker.h"

#include <iostream>

#include "base/time.h"
#include "services/outbound/lease_queue.h"
#include "services/sns/delivery_queue.h"

namespace citadel::services::sns {

namespace {

// A claim outlives the slowest attempt by this much before another round may take it again.
constexpr std::chrono::milliseconds kLeaseMargin{30000};

// The request for one delivery: signed JSON, or the bare message for raw delivery (of
// notifications; confirmations are always JSON).
Result<outbound::HttpPost> build_post(const QueuedDelivery& d, const Links& links, const SigningKey& key) {
  outbound::HttpPost p;
  auto url = outbound::parse_endpoint_url(d.endpoint);
  if (!url) return AwsError::internal("the endpoint is not a valid URL");
  p.url = std::move(*url);
  bool raw = d.raw && d.message.type == "Notification";
  p.headers = message_headers(d.message, raw);
  p.headers.emplace_back("Content-Type", d.policy.content_type);
  if (raw) {
    p.body = d.message.message;
    return p;
  }
  auto signature = sign(key, d.signature_version, string_to_sign(d.message, links));
  if (!signature) return signature.error();
  p.body = message_body(d.message, links, d.signature_version, *signature);
  return p;
}

}  // namespace

DeliveryWorker::DeliveryWorker(store::Store& store, const store::SecretBox& secrets, DeliveryOptions options)
    : store_(store), secrets_(secrets), options_(std::move(options)), client_(options_.extra_ca_file) {}

Result<size_t> DeliveryWorker::run_once(int64_t now_ms) {
  return outbound::drain(options_.batch, now_ms, [this](int64_t at) { return run_batch(at); });
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
  std::vector<outbound::HttpOutcome> outcomes(due->size());  // a delivery that cannot be built fails this attempt
  std::vector<outbound::HttpPost> posts;
  std::vector<size_t> sent;  // the delivery each post is
  for (size_t i = 0; i < due->size(); ++i) {
    auto post = build_post((*due)[i], links, *key_);
    if (!post) {
      outcomes[i].error = post.error().message;
      continue;
    }
    posts.push_back(std::move(*post));
    sent.push_back(i);
  }
  auto answers = client_.post_all(posts, options_.timeout);
  for (size_t j = 0; j < sent.size(); ++j) outcomes[sent[j]] = std::move(answers[j]);
  int64_t done_ms = timeutil::now_ms();
  for (size_t i = 0; i < due->size(); ++i) {
    const QueuedDelivery& d = (*due)[i];
    const outbound::HttpOutcome& o = outcomes[i];
    std::string error = outbound::delivered_status(o.status) ? "" : (o.status ? "HTTP " + std::to_string(o.status) : o.error);
    if (!error.empty() && !next_attempt(d, o.status, done_ms))
      std::cerr << "citadel: sns: gave up delivering " << d.message.type << " " << d.message.message_id << " to "
                << d.endpoint << " after " << d.attempts + 1 << " attempt(s): " << error << std::endl;
    if (auto s = record_attempt(store_, d, o.status, error, done_ms); !s) return s.error();
  }
  return due->size();
}

}  // namespace citadel::services::sns
