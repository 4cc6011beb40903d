#pragma once
// The console's HTML pages. Every value from a request or the store is HTML-escaped; pages load
// only this server's own scripts and styles (the Content-Security-Policy of web.h forbids inline
// scripts), and carry the session's CSRF token for the requests they make.
#include <string>
#include <utility>
#include <vector>

#include "auth/principal.h"

namespace citadel::server::console {

struct SignInForm {
  std::string csrf_token;  // the sign-in form's own token (its cookie holds the same)
  std::string redirect;    // where to go once signed in
  std::string message;     // why the last attempt failed, or ""
  std::string kind = "iam";  // the form to show first: "iam" or "root"
  std::string account, user_name, email;  // what the user typed (never the password)
};
std::string signin_page(const SignInForm& f);

// Who is signed in, for the page header with its sign-out button.
struct Viewer {
  const auth::Principal* principal = nullptr;
  std::string csrf_token;
};

// The dashboard's page: its widgets laid out on CloudWatch's 24-column grid and drawn by
// dashboard.js from `body_json` (already serialized, safe inside a <script> data block).
std::string dashboard_page(const Viewer& v, const std::string& name, const std::string& body_json);
// The account's dashboards: (name, last modified as text).
std::string dashboard_list_page(const Viewer& v, const std::vector<std::pair<std::string, std::string>>& dashboards);
std::string error_page(const Viewer* v, const std::string& title, const std::string& message);

}  // namespace citadel::server::console
