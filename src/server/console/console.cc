#include "server/console/console.h"

#include <boost/json.hpp>

#include "base/crypto.h"
#include "base/time.h"
#include "base/uri.h"
#include "server/console/assets.h"
#include "server/console/pages.h"
#include "server/console/web.h"

namespace citadel::server::console {

namespace json = boost::json;
using protocol::HttpRequest;
using protocol::HttpResponse;

namespace {

constexpr std::string_view kSessionCookie = "citadel-session";
constexpr std::string_view kSignInCookie = "citadel-signin";  // the sign-in form's CSRF token, before any session
constexpr std::string_view kConsolePath = "/_citadel/";
constexpr std::string_view kSignInPath = "/_citadel/signin";
constexpr std::string_view kDashboards = "/_citadel/dashboards";
constexpr std::string_view kDashboardPrefix = "/_citadel/dashboards/";
constexpr std::string_view kApiPrefix = "/_citadel/api/cloudwatch/";
constexpr std::string_view kAssetPrefix = "/_citadel/assets/";
constexpr int64_t kSignInFormSeconds = 3600;

// What a dashboard page may ask for: reads of dashboards, metrics and alarms.
bool api_operation(std::string_view op) {
  return op == "GetDashboard" || op == "ListDashboards" || op == "GetMetricData" || op == "DescribeAlarms";
}

bool valid_region(std::string_view r) {
  if (r.empty() || r.size() > 32) return false;
  for (char c : r)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  return true;
}

std::string random_token() {
  std::string bytes = crypto::random_bytes(32);
  return crypto::to_hex(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
}

std::string query_param(const HttpRequest& req, std::string_view name) {
  for (auto& [k, v] : uri::parse_query(req.query, true))
    if (k == name) return v;
  return "";
}

HttpResponse to_signin(const HttpRequest& req) {
  std::string back(req.path);
  if (!req.query.empty()) {
    back += '?';
    back += req.query;
  }
  std::string location(kSignInPath);
  location += "?redirect=";
  location += uri::encode(back);
  return redirect(location);
}

// The JSON error a console endpoint answers with, in the shape of AWS's JSON errors.
HttpResponse api_error(int status, std::string_view code, std::string_view message) {
  return response(status, "application/json", json::serialize(json::object{{"__type", code}, {"message", message}}));
}

// A JSON body's member as text.
std::string member(const json::value& v, std::string_view name) {
  const auto* o = v.if_object();
  const auto* m = o ? o->if_contains(name) : nullptr;
  return m && m->is_string() ? std::string(m->as_string()) : "";
}

// A failed call's page: AWS's own message, under a title that says what happened.
HttpResponse failed_call_page(const Viewer& v, const HttpResponse& r) {
  boost::system::error_code ec;
  auto body = json::parse(r.body, ec);
  std::string message = ec ? "The request failed." : member(body, "message");
  std::string title = r.status == 403 ? "Access denied" : r.status == 404 ? "Not found" : "Request failed";
  return page(r.status, error_page(&v, title, message));
}

// JSON text that can stand inside a <script> data block: no "<" can close the element early.
std::string script_safe_json(const json::value& v) {
  std::string s = json::serialize(v), out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '<') out += "\\u003c";
    else if (c == '>') out += "\\u003e";
    else if (c == '&') out += "\\u0026";
    else out += c;
  }
  return out;
}

}  // namespace

Console::Console(Pipeline& pipeline, services::Env env, AuditJournal& audit, SignInThrottle::Limits limits)
    : pipeline_(pipeline), env_(env), signin_(*env.store, *env.secrets, audit, limits) {}

std::vector<store::Migration> Console::migrations() { return session_migrations(); }

bool Console::handle(const HttpRequest& req, const ClientInfo& client, const Pipeline::Respond& respond) {
  if (req.path.substr(0, kConsolePath.size()) != kConsolePath) return false;
  std::string path(req.path);
  auto answer = [&](HttpResponse r) {
    respond(std::move(r));
    return true;
  };
  if (path == kSignInPath) {
    if (req.method == "GET") return answer(signin_form(req, client));
    if (req.method == "POST") return answer(signin(req, client));
    return answer(page(405, error_page(nullptr, "Method not allowed", "Use GET or POST.")));
  }
  if (path == "/_citadel/signout" && req.method == "POST") return answer(signout(req, client));
  if (path.rfind(kAssetPrefix, 0) == 0 && req.method == "GET") {
    const Asset* a = find_asset(path.substr(kAssetPrefix.size()));
    if (!a) return answer(page(404, error_page(nullptr, "Not found", "No such console file.")));
    HttpResponse r;
    r.content_type = std::string(a->content_type);
    r.body = std::string(a->bytes);
    r.headers.emplace_back("X-Content-Type-Options", "nosniff");
    r.headers.emplace_back("Cache-Control", "no-cache");
    return answer(std::move(r));
  }
  if (path.rfind(kApiPrefix, 0) == 0) {
    if (req.method != "POST") return answer(api_error(405, "MethodNotAllowed", "Use POST."));
    return answer(api(req, client, path.substr(kApiPrefix.size())));
  }
  if ((path == kDashboards || path.rfind(kDashboardPrefix, 0) == 0) && req.method == "GET") {
    auto s = session_of(req);
    if (!s) return answer(page(500, error_page(nullptr, "Internal error", s.error().message)));
    if (!*s) return answer(to_signin(req));
    if (path == kDashboards) return answer(dashboard_list(req, client, **s));
    return answer(dashboard(req, client, **s, uri::decode(path.substr(kDashboardPrefix.size()))));
  }
  return answer(page(404, error_page(nullptr, "Not found", "There is no console page at " + path + ".")));
}

Result<std::optional<ConsoleSession>> Console::session_of(const HttpRequest& req) {
  auto cookies = request_cookies(req);
  auto it = cookies.find(std::string(kSessionCookie));
  if (it == cookies.end()) return std::optional<ConsoleSession>();
  return find_session(*env_.store, it->second, timeutil::now_ms());
}

HttpResponse Console::signin_form(const HttpRequest& req, const ClientInfo& client) {
  SignInForm f;
  f.csrf_token = random_token();
  f.redirect = safe_redirect(query_param(req, "redirect"), kDashboards);
  HttpResponse r = page(200, signin_page(f));
  r.headers.emplace_back("Set-Cookie", cookie(kSignInCookie, f.csrf_token, kSignInPath, kSignInFormSeconds, client.tls));
  return r;
}

HttpResponse Console::signin(const HttpRequest& req, const ClientInfo& client) {
  auto form = form_fields(req.body);
  auto cookies = request_cookies(req);
  auto token = cookies.find(std::string(kSignInCookie));
  // A sign-in form posted from another site, or without the token its page was served with, is
  // refused before anything is checked (login CSRF).
  if (cross_origin(req, client.tls) || token == cookies.end() || token->second.empty() ||
      !crypto::constant_time_equal(token->second, form["csrf"]))
    return page(403, error_page(nullptr, "Sign-in form expired",
                                "The sign-in form was not the one this server gave out. Open the sign-in page again."));
  SignInRequest r;
  r.kind = form["kind"] == "root" ? "root" : "iam";
  r.account = form["account"];
  r.user_name = form["username"];
  r.email = form["email"];
  r.password = form["password"];
  r.mfa_code = form["mfa"];
  r.source_ip = client.source_ip;
  r.user_agent = std::string(req.header("user-agent"));
  std::string target = safe_redirect(form["redirect"], kDashboards);
  r.login_to = std::string(client.tls ? "https://" : "http://") + std::string(req.header("host")) + target;
  r.now_ms = timeutil::now_ms();
  auto out = signin_.attempt(r);
  if (!out) return page(500, error_page(nullptr, "Sign-in failed", "The sign-in could not be recorded: " + out.error().message));
  if (out->success) {
    HttpResponse res = redirect(target);
    res.headers.emplace_back("Set-Cookie", cookie(kSessionCookie, out->session_id, kConsolePath, kSessionLifetimeMs / 1000, client.tls));
    res.headers.emplace_back("Set-Cookie", cookie(kSignInCookie, "", kSignInPath, 0, client.tls));
    return res;
  }
  SignInForm f;
  f.csrf_token = token->second;
  f.redirect = target;
  f.message = out->message;
  f.kind = r.kind;
  f.account = r.account;
  f.user_name = r.user_name;
  f.email = r.email;
  HttpResponse res = page(out->retry_after_ms > 0 ? 429 : 401, signin_page(f));
  if (out->retry_after_ms > 0) res.headers.emplace_back("Retry-After", std::to_string((out->retry_after_ms + 999) / 1000));
  return res;
}

HttpResponse Console::signout(const HttpRequest& req, const ClientInfo& client) {
  auto s = session_of(req);
  if (!s) return page(500, error_page(nullptr, "Internal error", s.error().message));
  if (*s) {
    auto form = form_fields(req.body);
    if (cross_origin(req, client.tls) || !crypto::constant_time_equal((*s)->csrf_token, form["csrf"]))
      return page(403, error_page(nullptr, "Forbidden", "The sign-out request did not carry this session's token."));
    auto cookies = request_cookies(req);
    if (auto e = end_session(*env_.store, cookies[std::string(kSessionCookie)]); !e)
      return page(500, error_page(nullptr, "Internal error", e.error().message));
  }
  HttpResponse res = redirect(kSignInPath);
  res.headers.emplace_back("Set-Cookie", cookie(kSessionCookie, "", kConsolePath, 0, client.tls));
  return res;
}

HttpResponse Console::call(const HttpRequest& req, const ClientInfo& client, const ConsoleSession& s, const std::string& operation,
                           const std::string& region, std::string body) {
  AuthenticatedCall c{s.principal, "cloudwatch", operation, region, std::move(body)};
  HttpResponse out;
  // The pipeline answers before handle_authenticated returns.
  pipeline_.handle_authenticated(req, client, c, [&out](HttpResponse r) { out = std::move(r); });
  return out;
}

HttpResponse Console::dashboard_list(const HttpRequest& req, const ClientInfo& client, const ConsoleSession& s) {
  Viewer v{&s.principal, s.csrf_token};
  std::vector<std::pair<std::string, std::string>> rows;
  std::string token;
  do {  // every page of ListDashboards
    json::object in;
    if (!token.empty()) in["NextToken"] = token;
    HttpResponse r = call(req, client, s, "ListDashboards", "us-east-1", json::serialize(in));
    if (r.status != 200) return failed_call_page(v, r);
    boost::system::error_code ec;
    auto out = json::parse(r.body, ec);
    if (ec || !out.is_object()) return page(500, error_page(&v, "Internal error", "ListDashboards answered with no JSON."));
    if (const auto* entries = out.as_object().if_contains("DashboardEntries"); entries && entries->is_array())
      for (const auto& e : entries->as_array()) {
        const auto* modified = e.is_object() ? e.as_object().if_contains("LastModified") : nullptr;
        std::string when = modified && modified->is_number() ? timeutil::iso8601(static_cast<int64_t>(modified->to_number<double>() * 1000)) : "";
        rows.emplace_back(member(e, "DashboardName"), when);
      }
    token = member(out, "NextToken");
  } while (!token.empty());
  return page(200, dashboard_list_page(v, rows));
}

HttpResponse Console::dashboard(const HttpRequest& req, const ClientInfo& client, const ConsoleSession& s, const std::string& name) {
  Viewer v{&s.principal, s.csrf_token};
  HttpResponse r = call(req, client, s, "GetDashboard", "us-east-1", json::serialize(json::object{{"DashboardName", name}}));
  if (r.status != 200) return failed_call_page(v, r);
  boost::system::error_code ec;
  auto out = json::parse(r.body, ec);
  json::value body = ec ? json::value() : json::parse(member(out, "DashboardBody"), ec);
  if (ec || !body.is_object()) return page(500, error_page(&v, "Internal error", "The dashboard's body is not JSON."));
  return page(200, dashboard_page(v, member(out, "DashboardName"), script_safe_json(body)));
}

HttpResponse Console::api(const HttpRequest& req, const ClientInfo& client, const std::string& operation) {
  auto s = session_of(req);
  if (!s) return api_error(500, "InternalFailure", s.error().message);
  if (!*s) return api_error(401, "NotSignedIn", "Sign in at /_citadel/signin first.");
  if (cross_origin(req, client.tls) || !crypto::constant_time_equal((*s)->csrf_token, req.header("x-citadel-csrf")))
    return api_error(403, "InvalidCsrfToken", "The request did not carry this session's X-Citadel-CSRF token.");
  if (!api_operation(operation)) return api_error(404, "UnknownOperationException", "The console does not serve " + operation + ".");
  std::string region(req.header("x-citadel-region"));
  if (region.empty()) region = "us-east-1";
  if (!valid_region(region)) return api_error(400, "InvalidParameterValue", "X-Citadel-Region is not a region name.");
  HttpResponse r = call(req, client, **s, operation, region, std::string(req.body));
  return response(r.status, std::move(r.content_type), std::move(r.body));
}

}  // namespace citadel::server::console
