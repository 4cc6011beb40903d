// Calls whose body streams to disk (OperationDef::streamed_body): the headers are routed and
// authenticated first, then each piece of the body goes through the aws-chunked decoder (when it
// is one) into the operation's RequestBody as it arrives, never held whole; once it is all in and
// checked, the call runs as any other (Pipeline::run), with the body as Call::body.
#include <boost/algorithm/string/predicate.hpp>
#include <charconv>

#include "auth/aws_chunked.h"
#include "server/call_state.h"

namespace citadel::server {

namespace {

AwsError entity_too_large(int64_t proposed, int64_t max) {
  return AwsError::sender("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size", 400)
      .with("ProposedSize", std::to_string(proposed))
      .with("MaxSizeAllowed", std::to_string(max));
}

// A length header's value; -1 when absent or not a number.
int64_t length_header(std::string_view text) {
  int64_t n = -1;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  return ec == std::errc() && end == text.data() + text.size() ? n : -1;
}

}  // namespace

class Pipeline::Streamed : public StreamedCall {
 public:
  Streamed(Pipeline& p, const protocol::HttpRequest& head, const ClientInfo& client)
      : p_(p), method_(head.method), path_(head.path), query_(head.query), client_(client) {
    for (const auto& [k, v] : head.headers) header_text_.emplace_back(k, v);
    req_.method = method_;
    req_.path = path_;
    req_.query = query_;
    for (const auto& [k, v] : header_text_) req_.headers.emplace_back(k, v);
  }

  // False when the request is not for an operation whose body streams.
  bool start() {
    st_ = p_.start_call(req_, client_);
    auto routed = p_.route_call(req_, *st_, a_);
    if (!st_->route.service || !st_->route.operation) return false;
    const auto* op = p_.registry_.operation(st_->route.service->id, st_->route.operation_name);
    if (!op || !op->streamed_body) return false;
    if (!routed) return fail(routed.error());
    if (auto s = p_.authenticate(req_, *st_, a_, true); !s) return fail(s.error());
    body_ = op->streamed_body(p_.env_);
    // The size the client announces is refused at once when too large, before any byte is read.
    int64_t declared = length_header(req_.header("content-length"));
    if (a_.sig && auth::is_streaming_payload(a_.sig->payload_hash)) {
      if (auto s = auth::check_streaming_form(a_.sig->payload_hash); !s) return fail(s.error());
      chunked_.emplace(*a_.sig, a_.secret);
      declared = length_header(req_.header("x-amz-decoded-content-length"));
    }
    if (declared > body_->max_size()) return fail(entity_too_large(declared, body_->max_size()));
    return true;
  }

  bool failed() const override { return error_.has_value(); }

  void append(std::string_view bytes) override {
    if (error_) return;
    auto into_body = [this](std::string_view data) -> Status {
      if (body_->size() + static_cast<int64_t>(data.size()) > body_->max_size())
        return entity_too_large(body_->size() + static_cast<int64_t>(data.size()), body_->max_size());
      return body_->append(data);
    };
    Status s = chunked_ ? chunked_->feed(bytes, into_body) : into_body(bytes);
    if (!s) fail(s.error());
  }

  void finish(Respond respond) override {
    Respond out = p_.counted(st_, req_, client_, std::move(respond));
    if (!error_)
      if (auto s = complete(); !s) fail(s.error());
    if (error_) return out(p_.error_response(*st_, *error_));
    protocol::HttpRequest routed = a_.rewritten ? *a_.rewritten : req_;
    if (chunked_) {
      st_->trailers = chunked_->trailers();
      as_decoded(routed, st_->trailers);
    }
    st_->body = std::move(body_);
    p_.run(st_, routed, out);
  }

 private:
  bool fail(AwsError e) {
    error_ = std::move(e);
    body_.reset();  // its file goes now, not when the connection closes
    return true;
  }

  // The body is all in: whole (the last chunk arrived, the length announced), and the one signed.
  Status complete() {
    if (chunked_)
      if (auto s = chunked_->finish(); !s) return s;
    if (auto s = body_->finish(); !s) return s;
    if (chunked_)
      if (auto declared = req_.header("x-amz-decoded-content-length");
          !declared.empty() && length_header(declared) != body_->size())
        return incomplete_body();
    const auto& sig = a_.sig;
    if (sig && !sig->presigned && sig->payload_hash.size() == 64 && sig->payload_hash != body_->sha256_hex())
      return auth::payload_hash_mismatch(sigv4_options(st_->route));
    return Ok{};
  }

  Pipeline& p_;
  // The request's head, owned: the answer comes long after the HTTP layer's buffers moved on.
  std::string method_, path_, query_;
  std::vector<std::pair<std::string, std::string>> header_text_;
  protocol::HttpRequest req_;
  ClientInfo client_;
  std::shared_ptr<CallState> st_;
  Admission a_;
  std::unique_ptr<services::RequestBody> body_;
  std::optional<auth::AwsChunkedDecoder> chunked_;
  std::optional<AwsError> error_;
};

std::unique_ptr<StreamedCall> Pipeline::stream(const protocol::HttpRequest& head, const ClientInfo& client) {
  // Only uploads stream (S3's PutObject and UploadPart): other requests are not routed twice.
  if (head.method != "PUT") return nullptr;
  auto call = std::make_unique<Streamed>(*this, head, client);
  if (!call->start()) return nullptr;
  return call;
}

}  // namespace citadel::server
