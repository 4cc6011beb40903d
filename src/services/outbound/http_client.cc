#include "services/outbound/http_client.h"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "base/crypto.h"
#include "base/uri.h"

namespace citadel::services::outbound {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct HttpClient::Impl {
  asio::ssl::context tls{asio::ssl::context::tls_client};
};

namespace {

// One request's connection and its watchdog. Shared by the coroutine and the watchdog's handler,
// so that whichever finishes last frees it.
struct Connection {
  Connection(asio::io_context& io, asio::ssl::context& tls_context)
      : resolver(io), plain(io), tls(io, tls_context), watchdog(io) {}
  tcp::resolver resolver;
  beast::tcp_stream plain;
  beast::ssl_stream<beast::tcp_stream> tls;
  asio::steady_timer watchdog;
  bool timed_out = false;

  void abort() {
    timed_out = true;
    resolver.cancel();
    boost::system::error_code ignored;
    plain.socket().close(ignored);
    beast::get_lowest_layer(tls).socket().close(ignored);
  }
};

http::request<http::string_body> make_request(const HttpPost& p) {
  http::request<http::string_body> req{http::verb::post, p.url.target, 11};
  req.set(http::field::host, p.url.host_header());
  for (const auto& [name, value] : p.headers) req.set(name, value);
  // Credentials in the URL become HTTP Basic authentication, as SNS sends them.
  if (!p.url.userinfo.empty()) req.set(http::field::authorization, "Basic " + crypto::base64_encode(uri::decode(p.url.userinfo)));
  req.set(http::field::connection, "close");
  req.body() = p.body;
  req.prepare_payload();
  return req;
}

template <typename Stream>
asio::awaitable<int> exchange(Stream& stream, const HttpPost& p) {
  auto req = make_request(p);
  co_await http::async_write(stream, req, asio::use_awaitable);
  beast::flat_buffer buffer;
  http::response_parser<http::empty_body> parser;
  co_await http::async_read_header(stream, buffer, parser, asio::use_awaitable);
  co_return parser.get().result_int();
}

// GCC 12 mishandles temporaries around a co_await (in a braced initializer, or as an argument), so
// each awaited value and each argument is named first.
asio::awaitable<HttpOutcome> post_one(std::shared_ptr<Connection> c, const HttpPost& p) {
  std::string error;
  try {
    const std::string port = std::to_string(p.url.port);
    auto addresses = co_await c->resolver.async_resolve(p.url.host, port, asio::use_awaitable);
    if (!p.url.https) {
      co_await c->plain.async_connect(addresses, asio::use_awaitable);
      int status = co_await exchange(c->plain, p);
      co_return HttpOutcome{status, ""};
    }
    boost::system::error_code ec;
    asio::ip::make_address(p.url.host, ec);
    // Server Name Indication for host names (not for addresses, as RFC 6066 says).
    if (ec && !SSL_set_tlsext_host_name(c->tls.native_handle(), p.url.host.c_str()))
      co_return HttpOutcome{0, "could not set the TLS server name"};
    c->tls.set_verify_mode(asio::ssl::verify_peer);
    c->tls.set_verify_callback(asio::ssl::host_name_verification(p.url.host));
    co_await beast::get_lowest_layer(c->tls).async_connect(addresses, asio::use_awaitable);
    co_await c->tls.async_handshake(asio::ssl::stream_base::client, asio::use_awaitable);
    int status = co_await exchange(c->tls, p);
    co_return HttpOutcome{status, ""};
  } catch (const boost::system::system_error& e) {
    error = c->timed_out ? "timed out" : e.code().message();
  } catch (const std::exception& e) {
    error = e.what();
  }
  co_return HttpOutcome{0, error};
}

}  // namespace

HttpClient::HttpClient(const std::string& extra_ca_file) : impl_(std::make_unique<Impl>()) {
  impl_->tls.set_default_verify_paths();
  if (!extra_ca_file.empty()) {
    boost::system::error_code ec;
    impl_->tls.load_verify_file(extra_ca_file, ec);  // an unreadable file trusts nothing more
  }
}

HttpClient::~HttpClient() = default;

std::vector<HttpOutcome> HttpClient::post_all(const std::vector<HttpPost>& posts, std::chrono::milliseconds timeout) {
  asio::io_context io(1);
  std::vector<HttpOutcome> out(posts.size());
  for (size_t i = 0; i < posts.size(); ++i) {
    auto c = std::make_shared<Connection>(io, impl_->tls);
    c->watchdog.expires_after(timeout);
    c->watchdog.async_wait([c](boost::system::error_code ec) {
      if (!ec) c->abort();
    });
    asio::co_spawn(io, post_one(c, posts[i]), [c, &out, i](std::exception_ptr e, HttpOutcome r) {
      out[i] = e ? HttpOutcome{0, "internal error"} : std::move(r);
      c->watchdog.cancel();
    });
  }
  io.run();
  return out;
}

}  // namespace citadel::services::outbound
