#include "server/console/pages.h"

#include "server/console/web.h"

namespace citadel::server::console {

namespace {

std::string layout(const Viewer* v, const std::string& title, const std::string& head, const std::string& content) {
  std::string h = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                  "<title>" + html_escape(title) + " - Citadel</title>"
                  "<link rel=\"stylesheet\" href=\"/_citadel/assets/console.css\">" + head + "</head><body>"
                  "<header class=\"bar\"><a class=\"brand\" href=\"/_citadel/dashboards\">Citadel</a>";
  if (v && v->principal) {
    h += "<span class=\"who\" id=\"signed-in-as\">" + html_escape(v->principal->arn) + "</span>"
         "<form method=\"post\" action=\"/_citadel/signout\" class=\"signout\">"
         "<input type=\"hidden\" name=\"csrf\" value=\"" + html_escape(v->csrf_token) + "\">"
         "<button type=\"submit\" id=\"signout\">Sign out</button></form>";
  }
  return h + "</header><main>" + content + "</main></body></html>\n";
}

std::string hidden(const char* name, const std::string& value) {
  return std::string("<input type=\"hidden\" name=\"") + name + "\" value=\"" + html_escape(value) + "\">";
}

// A labelled input; `form` prefixes its id ("iam-password"), so both forms' fields can share names.
std::string field(const char* form, const char* name, const char* label, const char* type, const std::string& value,
                  const char* extra) {
  std::string id = std::string(form) + "-" + name;
  return "<label for=\"" + id + "\">" + label + "</label><input id=\"" + id + "\" name=\"" + name + "\" type=\"" + type +
         "\" value=\"" + html_escape(value) + "\" " + extra + ">";
}

}  // namespace

std::string signin_page(const SignInForm& f) {
  std::string common = hidden("csrf", f.csrf_token) + hidden("redirect", f.redirect);
  std::string c = "<h1>Sign in</h1>";
  if (!f.message.empty()) c += "<p class=\"error\" role=\"alert\" id=\"signin-message\">" + html_escape(f.message) + "</p>";
  c += "<div class=\"signin\">";
  c += "<form method=\"post\" action=\"/_citadel/signin\" id=\"iam-form\" class=\"card\"><h2>IAM user</h2>" + common +
       hidden("kind", "iam") +
       field("iam", "account", "Account ID (12 digits) or account alias", "text", f.account, "required autocomplete=\"organization\"") +
       field("iam", "username", "IAM user name", "text", f.user_name, "required autocomplete=\"username\"") +
       field("iam", "password", "Password", "password", "", "required autocomplete=\"current-password\"") +
       field("iam", "mfa", "MFA code (when the user has an MFA device)", "text", "",
             "inputmode=\"numeric\" pattern=\"[0-9]{6}\" autocomplete=\"one-time-code\"") +
       "<button type=\"submit\" id=\"iam-signin\">Sign in</button></form>";
  c += "<form method=\"post\" action=\"/_citadel/signin\" id=\"root-form\" class=\"card\"><h2>Root user</h2>" + common +
       hidden("kind", "root") + field("root", "email", "Root user email address", "email", f.email, "required autocomplete=\"email\"") +
       field("root", "password", "Password", "password", "", "required autocomplete=\"current-password\"") +
       field("root", "mfa", "MFA code (when the root user has an MFA device)", "text", "",
             "inputmode=\"numeric\" pattern=\"[0-9]{6}\" autocomplete=\"one-time-code\"") +
       "<button type=\"submit\" id=\"root-signin\">Sign in</button></form>";
  c += "</div>";
  return layout(nullptr, "Sign in", "", c);
}

std::string dashboard_page(const Viewer& v, const std::string& name, const std::string& body_json) {
  std::string head = "<meta name=\"citadel-csrf\" content=\"" + html_escape(v.csrf_token) + "\">"
                     "<link rel=\"stylesheet\" href=\"/_citadel/assets/uPlot.min.css\">"
                     "<script src=\"/_citadel/assets/uPlot.iife.min.js\" defer></script>"
                     "<script src=\"/_citadel/assets/dashboard.js\" defer></script>";
  std::string c = "<h1 id=\"dashboard-name\">" + html_escape(name) + "</h1>"
                  "<p class=\"status\" id=\"dashboard-status\">Loading…</p>"
                  "<div id=\"dashboard\" class=\"grid\" data-dashboard=\"" + html_escape(name) + "\"></div>"
                  "<script type=\"application/json\" id=\"dashboard-body\">" + body_json + "</script>";
  return layout(&v, name, head, c);
}

std::string dashboard_list_page(const Viewer& v, const std::vector<std::pair<std::string, std::string>>& dashboards) {
  std::string c = "<h1>Dashboards</h1>";
  if (dashboards.empty()) c += "<p>No dashboards yet: make one with PutDashboard.</p>";
  c += "<table id=\"dashboards\"><thead><tr><th>Name</th><th>Last modified</th></tr></thead><tbody>";
  for (const auto& [name, modified] : dashboards)
    c += "<tr><td><a href=\"/_citadel/dashboards/" + html_escape(name) + "\">" + html_escape(name) + "</a></td><td>" +
         html_escape(modified) + "</td></tr>";
  return layout(&v, "Dashboards", "", c + "</tbody></table>");
}

std::string error_page(const Viewer* v, const std::string& title, const std::string& message) {
  return layout(v, title, "", "<h1>" + html_escape(title) + "</h1><p class=\"error\" id=\"error-message\">" + html_escape(message) + "</p>");
}

}  // namespace citadel::server::console
