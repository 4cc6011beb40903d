#pragma once
// What the console's pages and endpoints share about HTTP: cookies with the settings every
// console cookie gets, form bodies, HTML escaping, the security headers on every answer, and
// where a redirect may go.
#include <map>
#include <string>
#include <string_view>

#include "protocol/codec.h"

namespace citadel::server::console {

// The cookies of a request by name (the first of each name).
std::map<std::string, std::string> request_cookies(const protocol::HttpRequest& req);
// A Set-Cookie value: HttpOnly, SameSite=Strict, Path=`path`, Secure over TLS; max_age_s 0 deletes it.
std::string cookie(std::string_view name, std::string_view value, std::string_view path, int64_t max_age_s, bool secure);

// An application/x-www-form-urlencoded body by field name (the first of each name).
std::map<std::string, std::string> form_fields(std::string_view body);

std::string html_escape(std::string_view s);

// A response with the console's security headers: a Content-Security-Policy that allows only
// this server's own scripts, styles and connections, no framing, no sniffing, no referrer, no caching.
protocol::HttpResponse response(int status, std::string content_type, std::string body);
protocol::HttpResponse page(int status, std::string html);  // text/html
protocol::HttpResponse redirect(std::string_view location);

// Where the browser may be sent after signing in: a path of this console ("/_citadel/..."), never
// another site. Anything else gives `fallback`.
std::string safe_redirect(std::string_view target, std::string_view fallback);

// A POST whose Origin header (browsers send it on every POST) names another site is refused: a
// second line of defence after SameSite cookies and CSRF tokens.
bool cross_origin(const protocol::HttpRequest& req, bool tls);

}  // namespace citadel::server::console
