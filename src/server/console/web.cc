#include "server/console/web.h"

#include "base/uri.h"

namespace citadel::server::console {

std::map<std::string, std::string> request_cookies(const protocol::HttpRequest& req) {
  std::map<std::string, std::string> out;
  std::string_view rest = req.header("cookie");  // browsers send one Cookie header over HTTP/1.1
  while (!rest.empty()) {
    size_t semi = rest.find(';');
    std::string_view pair = rest.substr(0, semi);
    rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    size_t eq = pair.find('=');
    if (eq == std::string_view::npos || eq == 0) continue;
    out.emplace(std::string(pair.substr(0, eq)), std::string(pair.substr(eq + 1)));
  }
  return out;
}

std::string cookie(std::string_view name, std::string_view value, std::string_view path, int64_t max_age_s, bool secure) {
  std::string c = std::string(name) + "=" + std::string(value) + "; Path=" + std::string(path) + "; Max-Age=" +
                  std::to_string(max_age_s) + "; HttpOnly; SameSite=Strict";
  if (secure) c += "; Secure";
  return c;
}

std::map<std::string, std::string> form_fields(std::string_view body) {
  std::map<std::string, std::string> out;
  for (auto& [k, v] : uri::parse_query(body, true)) out.emplace(std::move(k), std::move(v));
  return out;
}

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

protocol::HttpResponse response(int status, std::string content_type, std::string body) {
  protocol::HttpResponse r;
  r.status = status;
  r.content_type = std::move(content_type);
  r.body = std::move(body);
  r.headers.emplace_back("Content-Security-Policy",
                         "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
                         "form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
  r.headers.emplace_back("X-Frame-Options", "DENY");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  // same-origin, not no-referrer: under no-referrer a browser sends "Origin: null" with its form posts.
  r.headers.emplace_back("Referrer-Policy", "same-origin");
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

protocol::HttpResponse page(int status, std::string html) { return response(status, "text/html; charset=utf-8", std::move(html)); }

protocol::HttpResponse redirect(std::string_view location) {
  protocol::HttpResponse r = page(303, "");
  r.headers.emplace_back("Location", std::string(location));
  return r;
}

std::string safe_redirect(std::string_view target, std::string_view fallback) {
  constexpr std::string_view kConsole = "/_citadel/";
  bool ok = target.substr(0, kConsole.size()) == kConsole && target.find("//") == std::string_view::npos &&
            target.find('\\') == std::string_view::npos && target.find("/..") == std::string_view::npos;
  for (char c : target) ok = ok && static_cast<unsigned char>(c) > ' ' && c != 0x7f;
  return std::string(ok ? target : fallback);
}

bool cross_origin(const protocol::HttpRequest& req, bool tls) {
  auto origin = req.header("origin");
  if (origin.empty()) return false;
  return origin != std::string(tls ? "https://" : "http://") + std::string(req.header("host"));
}

}  // namespace citadel::server::console
