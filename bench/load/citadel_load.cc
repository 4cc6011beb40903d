// A closed-loop HTTP load generator that signs every request with SigV4 (a fresh X-Amz-Date and
// signature per request, as an SDK does), keeps connections alive, and reports requests/s and
// latency percentiles as one JSON line. The same requests go to nginx for the side-by-side figure.
//
//   citadel_load --host 127.0.0.1 --port 4566 --connections 4 --seconds 10
//                --access-key AKIA... --secret ... [--service sts]
//                [--target TrentService.Encrypt --body '{"KeyId": ...}']   (a JSON 1.1 call instead;
//                 each "{n}" in the body becomes a number that changes with every request)
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "auth/sigv4.h"
#include "base/crypto.h"

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
using namespace citadel;

struct Options {
  std::string host = "127.0.0.1";
  int port = 4566;
  int connections = 4;
  double seconds = 10;
  std::string access_key, secret, service = "sts", region = "us-east-1";
  // Default: STS GetCallerIdentity (query protocol). With a target: that JSON 1.1 operation.
  std::string target, body = "Action=GetCallerIdentity&Version=2011-06-15";
};

std::string amz_now() {
  time_t t = time(nullptr);
  struct tm tm;
  gmtime_r(&t, &tm);
  char buf[20];
  strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

// The body with each "{n}" replaced by `n`: a write that changes state on every request.
std::string numbered_body(const std::string& tmpl, uint64_t n) {
  std::string out = tmpl;
  for (size_t at = out.find("{n}"); at != std::string::npos; at = out.find("{n}", at))
    out.replace(at, 3, std::to_string(n));
  return out;
}

// Builds the signed request, as botocore would.
http::request<http::string_body> signed_request(const Options& o) {
  static std::atomic<uint64_t> sequence{0};
  const std::string body = numbered_body(o.body, sequence++);
  const std::string content_type =
      o.target.empty() ? "application/x-www-form-urlencoded; charset=utf-8" : "application/x-amz-json-1.1";
  std::string host = o.host + ":" + std::to_string(o.port);
  std::string date = amz_now();
  std::string hash = crypto::sha256_hex(body);
  auth::SigV4Auth a;
  a.access_key_id = o.access_key;
  a.date = date.substr(0, 8);
  a.region = o.region;
  a.service = o.service;
  a.signed_headers = {"content-type", "host", "x-amz-content-sha256", "x-amz-date"};
  if (!o.target.empty()) a.signed_headers.push_back("x-amz-target");
  a.amz_date = date;
  a.payload_hash = hash;
  std::vector<std::pair<std::string_view, std::string_view>> hs = {
      {"content-type", content_type}, {"host", host}, {"x-amz-content-sha256", hash}, {"x-amz-date", date}};
  if (!o.target.empty()) hs.emplace_back("x-amz-target", o.target);
  auth::SigV4Request sreq{"POST", "/", "", hs, body};
  http::request<http::string_body> req{http::verb::post, "/", 11};
  req.set(http::field::host, host);
  req.set(http::field::content_type, content_type);
  req.set("X-Amz-Date", date);
  req.set("X-Amz-Content-SHA256", hash);
  if (!o.target.empty()) req.set("X-Amz-Target", o.target);
  req.set(http::field::authorization, auth::authorization_header(sreq, a, o.secret));
  req.keep_alive(true);
  req.body() = body;
  req.prepare_payload();
  return req;
}

struct Stats {
  std::vector<double> latencies_us;
  size_t errors = 0, non_2xx = 0;
};

class Conn : public std::enable_shared_from_this<Conn> {
 public:
  Conn(net::io_context& ioc, const Options& o, Stats& st, Clock::time_point end) : stream_(ioc), o_(o), st_(st), end_(end) {}
  void start(const tcp::endpoint& ep) {
    stream_.async_connect(ep, [self = shared_from_this()](beast::error_code ec) {
      if (ec) {
        self->st_.errors++;
        return;
      }
      self->send();
    });
  }

 private:
  void send() {
    if (Clock::now() >= end_) return;
    req_ = signed_request(o_);
    t0_ = Clock::now();
    http::async_write(stream_, req_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) {
        self->st_.errors++;
        return;
      }
      self->res_ = {};
      http::async_read(self->stream_, self->buf_, self->res_, [self](beast::error_code ec2, size_t) {
        if (ec2) {
          self->st_.errors++;
          return;
        }
        self->st_.latencies_us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - self->t0_).count());
        if (self->res_.result_int() / 100 != 2) self->st_.non_2xx++;
        self->send();
      });
    });
  }
  beast::tcp_stream stream_;
  const Options& o_;
  Stats& st_;
  Clock::time_point end_, t0_;
  http::request<http::string_body> req_;
  http::response<http::string_body> res_;
  beast::flat_buffer buf_;
};

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--host") o.host = v;
    else if (k == "--port") o.port = std::stoi(v);
    else if (k == "--connections") o.connections = std::stoi(v);
    else if (k == "--seconds") o.seconds = std::stod(v);
    else if (k == "--access-key") o.access_key = v;
    else if (k == "--secret") o.secret = v;
    else if (k == "--service") o.service = v;
    else if (k == "--region") o.region = v;
    else if (k == "--target") o.target = v;
    else if (k == "--body") o.body = v;
  }
  net::io_context ioc;
  Stats st;
  auto start = Clock::now();
  auto end = start + std::chrono::microseconds(static_cast<int64_t>(o.seconds * 1e6));
  tcp::endpoint ep(net::ip::make_address(o.host), static_cast<unsigned short>(o.port));
  std::vector<std::shared_ptr<Conn>> conns;
  for (int i = 0; i < o.connections; ++i) {
    conns.push_back(std::make_shared<Conn>(ioc, o, st, end));
    conns.back()->start(ep);
  }
  ioc.run();
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  auto& l = st.latencies_us;
  std::sort(l.begin(), l.end());
  auto pct = [&](double p) { return l.empty() ? 0.0 : l[std::min(l.size() - 1, static_cast<size_t>(p * l.size()))]; };
  std::printf("{\"requests\": %zu, \"seconds\": %.2f, \"rps\": %.0f, \"p50_us\": %.0f, \"p99_us\": %.0f, \"errors\": %zu, \"non_2xx\": %zu}\n",
              l.size(), elapsed, l.size() / elapsed, pct(0.50), pct(0.99), st.errors, st.non_2xx);
  return st.errors || st.non_2xx ? 1 : 0;
}
