#include "server/http_server.h"

#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <mutex>
#include <set>

#include "base/ids.h"
#include "base/xml_writer.h"
#include "server/response_body.h"

namespace citadel::server {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

class SessionBase {
 public:
  virtual ~SessionBase() = default;
  virtual void close_if_idle() = 0;
  // Closes the connection if the read or write in progress has passed its deadline. Deadlines
  // are checked by one sweep a second instead of a timer per operation: arming a timer per read
  // and write costs syscalls on every request.
  virtual void expire_if_late(std::chrono::steady_clock::time_point now) = 0;
};

struct HttpServer::Impl : std::enable_shared_from_this<HttpServer::Impl> {
  std::vector<net::io_context*> contexts;
  size_t next_context = 0;
  Pipeline& pipeline;
  ServerOptions opt;
  tcp::acceptor acceptor;
  std::unique_ptr<ssl::context> tls;
  std::atomic<bool> stopping{false};
  mutable std::mutex mu;
  std::set<std::weak_ptr<SessionBase>, std::owner_less<std::weak_ptr<SessionBase>>> sessions;

  net::steady_timer sweep_timer;

  Impl(std::vector<net::io_context*> c, Pipeline& p, ServerOptions o)
      : contexts(std::move(c)), pipeline(p), opt(std::move(o)), acceptor(*contexts.front()), sweep_timer(*contexts.front()) {}
  void accept();
  void sweep();
};

namespace {

// A transport-level error in the query protocol's shape: the service is not known yet, and every
// AWS SDK reads the code from this form.
using Response = http::response<ResponseBody>;

Response transport_error(unsigned status, std::string_view code, std::string_view message) {
  XmlWriter w;
  w.declaration();
  w.open("ErrorResponse");
  w.open("Error");
  w.element("Type", "Sender");
  w.element("Code", code);
  w.element("Message", message);
  w.close("Error");
  w.element("RequestId", ids::uuid4());
  w.close("ErrorResponse");
  Response res{static_cast<http::status>(status), 11};
  res.set(http::field::server, "Citadel");
  res.set(http::field::content_type, "text/xml");
  res.keep_alive(false);
  res.body().text = std::move(w.str());
  res.prepare_payload();
  return res;
}

constexpr size_t kReadBufferBytes = 16 * 1024;
// A streamed request body (Pipeline::stream) is read this much at a time.
constexpr size_t kStreamChunkBytes = 256 * 1024;

template <class Stream>
class Session : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
 public:
  Session(Stream stream, std::shared_ptr<HttpServer::Impl> server)
      : stream_(std::move(stream)), server_(std::move(server)) {
    // Room for a whole signed request in one recv: Beast reads into an empty buffer 512 bytes at
    // a time, and a SigV4 request's headers alone are larger, so every request took two reads.
    buffer_.reserve(kReadBufferBytes);
  }

  void start() {
    net::dispatch(tcp_stream().get_executor(), [self = this->shared_from_this()] { self->handshake(); });
  }

  void expire_if_late(std::chrono::steady_clock::time_point now) override {
    net::post(tcp_stream().get_executor(), [self = this->shared_from_this(), now] {
      if (self->deadline_ < now) self->abort();
    });
  }

  void close_if_idle() override {
    net::post(tcp_stream().get_executor(), [self = this->shared_from_this()] {
      if (!self->busy_) self->abort();
    });
  }

 private:
  void abort() {
    beast::error_code ec;
    tcp_stream().socket().shutdown(tcp::socket::shutdown_both, ec);
    tcp_stream().socket().cancel(ec);
  }

  void arm(int seconds) { deadline_ = std::chrono::steady_clock::now() + std::chrono::seconds(seconds); }

  beast::tcp_stream& tcp_stream() {
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) return stream_;
    else return beast::get_lowest_layer(stream_);
  }

  void handshake() {
    try {
      peer_ = tcp_stream().socket().remote_endpoint().address().to_string();
    } catch (...) {
      peer_ = "unknown";
    }
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      read();
    } else {
      arm(server_->opt.read_timeout_s);
      stream_.async_handshake(ssl::stream_base::server, [self = this->shared_from_this()](beast::error_code ec) {
        if (!ec) self->read();
      });
    }
  }

  void read() {
    if (server_->stopping) return close();
    parser_.reset();
    stream_parser_.reset();
    upload_.reset();
    // The head is read alone: whether the body goes to memory or streams to disk is decided from it.
    head_.emplace();
    head_->header_limit(static_cast<uint32_t>(server_->opt.max_header_bytes));
    head_->body_limit(boost::none);
    arm(server_->opt.read_timeout_s);
    http::async_read_header(stream_, buffer_, *head_,
                            [self = this->shared_from_this()](beast::error_code ec, size_t) { self->on_header(ec); });
  }

  ClientInfo client() const { return ClientInfo{peer_, !std::is_same_v<Stream, beast::tcp_stream>}; }

  // The body of an operation that streams (S3's PutObject, UploadPart) goes to disk as it arrives,
  // after the pipeline routed and authenticated the head; every other body is read into memory,
  // up to --max-body-bytes.
  void on_header(beast::error_code ec) {
    if (ec) return on_read(ec);
    const auto& head = head_->get();
    version_ = head.version();
    is_head_ = head.method() == http::verb::head;
    keep_alive_ = head.keep_alive();
    protocol::HttpRequest view;
    std::string_view target = head.target();
    auto q = target.find('?');
    view.method = head.method_string();
    view.path = target.substr(0, q);
    view.query = q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
    for (auto& f : head) view.headers.emplace_back(f.name_string(), f.value());
    upload_ = server_->pipeline.stream(view, client());
    if (upload_) {
      busy_ = true;  // a body on its way is a request in flight: a graceful stop lets it finish
      stream_parser_.emplace(std::move(*head_));
      head_.reset();
      if (!stream_buffer_) stream_buffer_ = std::make_unique<char[]>(kStreamChunkBytes);
      if (upload_->failed()) return finish_stream();  // answered before its body: the connection closes
    } else {
      if (auto n = head_->content_length(); n && *n > server_->opt.max_body_bytes) return on_read(http::error::body_limit);
      parser_.emplace(std::move(*head_));
      head_.reset();
      parser_->body_limit(server_->opt.max_body_bytes);
    }
    expect_continue();
  }

  bool body_done() const {
    return parser_ ? parser_->is_done() : stream_parser_ ? stream_parser_->is_done() : !head_ || head_->is_done();
  }

  // A client that sent "Expect: 100-continue" (the aws CLI's uploads) waits for a go-ahead before it
  // sends the body: give it at once, as S3 does — for an empty body too. botocore takes a final
  // response in place of the 100 as the answer, and keeps that status line for the next request
  // with the same header on the connection, which then reads its real status line as a header
  // (its part uploads lost their ETag). No 100 once body bytes have arrived: that client stopped
  // waiting.
  void expect_continue() {
    const auto& fields = parser_ ? parser_->get().base() : stream_parser_->get().base();
    if (beast::iequals(fields[http::field::expect], "100-continue") && buffer_.size() == 0) {
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      net::async_write(stream_, net::buffer(kContinue.data(), kContinue.size()),
                       [self = this->shared_from_this()](beast::error_code ec, size_t) {
                         if (ec) return self->close();
                         self->read_body();
                       });
      return;
    }
    read_body();
  }

  void read_body() {
    if (stream_parser_) return read_stream();
    if (parser_->is_done()) return on_read({});
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code ec, size_t) { self->on_read(ec); });
  }

  static bool disconnected(beast::error_code ec) {
    return ec == http::error::end_of_stream || ec == net::error::operation_aborted || ec == beast::error::timeout ||
           ec == net::error::connection_reset || ec == net::error::eof || ec == http::error::partial_message;
  }

  // One piece of a streamed body at a time, into the call; the deadline moves with every piece.
  void read_stream() {
    auto& p = *stream_parser_;
    if (p.is_done()) return finish_stream();
    p.get().body().data = stream_buffer_.get();
    p.get().body().size = kStreamChunkBytes;
    arm(server_->opt.read_timeout_s);
    http::async_read_some(stream_, buffer_, p, [self = this->shared_from_this()](beast::error_code ec, size_t) {
      if (ec == http::error::need_buffer) ec = {};
      if (ec) {
        // The client went away (or sent bytes that are not HTTP) mid-body: the call and its
        // temporary file go, nothing was made visible.
        self->upload_.reset();
        if (disconnected(ec)) return self->close();
        return self->send(transport_error(400, "BadRequest", "The request could not be parsed as HTTP/1.1."));
      }
      auto& body = self->stream_parser_->get().body();
      self->upload_->append(std::string_view(self->stream_buffer_.get(), kStreamChunkBytes - body.size));
      if (self->upload_->failed() || self->stream_parser_->is_done()) return self->finish_stream();
      self->read_stream();
    });
  }

  void finish_stream() {
    busy_ = true;
    auto call = std::move(upload_);
    call->finish([self = this->shared_from_this()](protocol::HttpResponse res) { self->reply(std::move(res)); });
  }

  void on_read(beast::error_code ec) {
    if (disconnected(ec)) return close();
    if (ec == http::error::body_limit)
      return send(transport_error(413, "RequestEntityTooLarge",
                                  "Request body is larger than the limit of " + std::to_string(server_->opt.max_body_bytes) + " bytes."));
    if (ec == http::error::header_limit)
      return send(transport_error(431, "RequestHeaderSectionTooLarge",
                                  "Request headers are larger than the limit of " + std::to_string(server_->opt.max_header_bytes) + " bytes."));
    if (ec) return send(transport_error(400, "BadRequest", "The request could not be parsed as HTTP/1.1."));

    busy_ = true;
    req_ = parser_->release();
    std::string_view target = req_.target();
    auto q = target.find('?');
    preq_ = protocol::HttpRequest{};
    preq_.method = req_.method_string();
    preq_.path = target.substr(0, q);
    preq_.query = q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
    preq_.body = req_.body();
    preq_.headers.clear();
    for (auto& f : req_) preq_.headers.emplace_back(f.name_string(), f.value());
    server_->pipeline.handle(preq_, client(), [self = this->shared_from_this()](protocol::HttpResponse res) {
      // Called on this session's strand, before handle() returns.
      self->reply(std::move(res));
    });
  }

  void reply(protocol::HttpResponse r) {
    Response res{static_cast<http::status>(r.status), version_};
    res.set(http::field::server, "Citadel");
    if (!r.content_type.empty()) res.set(http::field::content_type, r.content_type);
    // Set-Cookie is the one header a response may repeat (a sign-in sets one cookie and clears another).
    for (auto& [k, v] : r.headers) {
      if (beast::iequals(k, "set-cookie")) res.insert(k, v);
      else res.set(k, v);
    }
    res.keep_alive(keep_alive_ && !server_->stopping);
    if (is_head_) {
      // HEAD answers with the headers a GET would have, Content-Length included (S3's HeadObject).
      if (res.find(http::field::content_length) == res.end()) res.content_length(r.body.size());
    } else {
      res.body().text = std::move(r.body);
      res.body().source = std::move(r.body_source);
      res.prepare_payload();
    }
    send(std::move(res));
  }

  void send(Response res) {
    res_ = std::make_shared<Response>(std::move(res));
    if (res_->result_int() >= 400 && !body_done()) res_->keep_alive(false);
    serializer_.emplace(*res_);
    write_some();
  }

  // The response leaves a piece at a time (a large object's body is read as it is sent); the
  // deadline moves with every piece.
  void write_some() {
    arm(server_->opt.read_timeout_s);
    http::async_write_some(stream_, *serializer_, [self = this->shared_from_this()](beast::error_code ec, size_t) {
      if (!ec && !self->serializer_->is_done()) return self->write_some();
      self->busy_ = false;
      if (ec || !self->res_->keep_alive()) return self->close();
      self->serializer_.reset();
      self->res_.reset();
      self->read();
    });
  }

  void close() {
    beast::error_code ec;
    if constexpr (!std::is_same_v<Stream, beast::tcp_stream>) {
      arm(2);
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {
        beast::error_code ec2;
        self->tcp_stream().socket().shutdown(tcp::socket::shutdown_both, ec2);
      });
      return;
    }
    tcp_stream().socket().shutdown(tcp::socket::shutdown_both, ec);
  }

  Stream stream_;
  std::shared_ptr<HttpServer::Impl> server_;
  beast::flat_buffer buffer_;
  // One request at a time: its head, then its body into memory (parser_) or streamed (stream_parser_).
  std::optional<http::request_parser<http::empty_body>> head_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::request_parser<http::buffer_body>> stream_parser_;
  std::unique_ptr<StreamedCall> upload_;
  std::unique_ptr<char[]> stream_buffer_;
  http::request<http::string_body> req_;
  protocol::HttpRequest preq_;
  std::shared_ptr<Response> res_;
  std::optional<http::response_serializer<ResponseBody>> serializer_;
  std::string peer_;
  unsigned version_ = 11;
  bool is_head_ = false;
  bool keep_alive_ = false;
  bool busy_ = false;
  std::chrono::steady_clock::time_point deadline_ = std::chrono::steady_clock::time_point::max();
};

}  // namespace

void HttpServer::Impl::accept() {
  net::io_context& target = *contexts[next_context++ % contexts.size()];
  acceptor.async_accept(target, [self = shared_from_this()](beast::error_code ec, tcp::socket sock) {
    if (self->stopping) return;
    if (!ec) {
      sock.set_option(tcp::no_delay(true), ec);
      std::shared_ptr<SessionBase> s;
      if (self->tls) {
        auto sess = std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(
            beast::ssl_stream<beast::tcp_stream>(beast::tcp_stream(std::move(sock)), *self->tls), self);
        sess->start();
        s = sess;
      } else {
        auto sess = std::make_shared<Session<beast::tcp_stream>>(beast::tcp_stream(std::move(sock)), self);
        sess->start();
        s = sess;
      }
      std::lock_guard lock(self->mu);
      for (auto it = self->sessions.begin(); it != self->sessions.end();)
        it = it->expired() ? self->sessions.erase(it) : std::next(it);
      self->sessions.insert(s);
    }
    self->accept();
  });
}

void HttpServer::Impl::sweep() {
  sweep_timer.expires_after(std::chrono::seconds(1));
  sweep_timer.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (ec) return;
    auto now = std::chrono::steady_clock::now();
    {
      std::lock_guard lock(self->mu);
      for (auto it = self->sessions.begin(); it != self->sessions.end();) {
        if (auto s = it->lock()) {
          s->expire_if_late(now);
          ++it;
        } else {
          it = self->sessions.erase(it);
        }
      }
    }
    self->sweep();
  });
}

HttpServer::HttpServer(std::vector<net::io_context*> contexts, Pipeline& pipeline, ServerOptions options)
    : impl_(std::make_shared<Impl>(std::move(contexts), pipeline, std::move(options))) {}

HttpServer::~HttpServer() = default;

bool HttpServer::tls() const { return impl_->tls != nullptr; }

Status HttpServer::start() {
  auto& opt = impl_->opt;
  if (!opt.tls_cert.empty() || !opt.tls_key.empty()) {
    if (opt.tls_cert.empty() || opt.tls_key.empty()) return AwsError::internal("--tls-cert and --tls-key go together");
    auto ctx = std::make_unique<ssl::context>(ssl::context::tls_server);
    ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                     ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    beast::error_code ec;
    ctx->use_certificate_chain_file(opt.tls_cert, ec);
    if (ec) return AwsError::internal("cannot load TLS certificate " + opt.tls_cert + ": " + ec.message());
    ctx->use_private_key_file(opt.tls_key, ssl::context::pem, ec);
    if (ec) return AwsError::internal("cannot load TLS key " + opt.tls_key + ": " + ec.message());
    impl_->tls = std::move(ctx);
  }
  beast::error_code ec;
  auto addr = net::ip::make_address(opt.host, ec);
  if (ec) return AwsError::internal("invalid listen address " + opt.host);
  tcp::endpoint ep(addr, opt.port);
  auto& a = impl_->acceptor;
  a.open(ep.protocol(), ec);
  if (!ec) a.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(ep, ec);
  if (!ec) a.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return AwsError::internal("cannot listen on " + opt.host + ":" + std::to_string(opt.port) + ": " + ec.message());
  bound_port_ = a.local_endpoint().port();
  impl_->accept();
  impl_->sweep();
  return Ok{};
}

void HttpServer::begin_shutdown() {
  impl_->stopping = true;
  net::post(impl_->acceptor.get_executor(), [impl = impl_] {
    beast::error_code ec;
    impl->acceptor.close(ec);
    impl->sweep_timer.cancel();
  });
  std::lock_guard lock(impl_->mu);
  for (auto& w : impl_->sessions)
    if (auto s = w.lock()) s->close_if_idle();
}

size_t HttpServer::active_sessions() const {
  std::lock_guard lock(impl_->mu);
  size_t n = 0;
  for (auto& w : impl_->sessions) n += !w.expired();
  return n;
}

}  // namespace citadel::server
