#pragma once
// The web console: sign-in (signin.h), sessions (sessions.h) and the CloudWatch dashboard pages.
//
//   GET  /_citadel/signin              the sign-in form (IAM user or root user)
//   POST /_citadel/signin              signs in; a session cookie and a redirect on success
//   POST /_citadel/signout             ends the session
//   GET  /_citadel/dashboards          the account's dashboards (ListDashboards)
//   GET  /_citadel/dashboards/NAME     one dashboard's page (GetDashboard), drawn live by dashboard.js
//   POST /_citadel/api/cloudwatch/OP   the page's data calls (GetMetricData, DescribeAlarms, ...)
//   GET  /_citadel/assets/FILE         the console's script, style and charting library
//
// Nothing here decides what a signed-in user may see: every dashboard read and data call goes
// through the pipeline as a call of the session's principal (Pipeline::handle_authenticated), so
// it is authorized by the same authorizer and audited like any other call. Pages and data calls
// need the session cookie; every POST needs the session's (or the sign-in form's) CSRF token.
#include <string>
#include <vector>

#include "server/console/signin.h"
#include "server/pipeline.h"

namespace citadel::server::console {

class Console {
 public:
  Console(Pipeline& pipeline, services::Env env, AuditJournal& audit, SignInThrottle::Limits limits = {});
  static std::vector<store::Migration> migrations();
  // Answers requests under /_citadel/ (all of them: an unknown console path is a 404 page).
  bool handle(const protocol::HttpRequest& req, const ClientInfo& client, const Pipeline::Respond& respond);

 private:
  protocol::HttpResponse signin_form(const protocol::HttpRequest& req, const ClientInfo& client);
  protocol::HttpResponse signin(const protocol::HttpRequest& req, const ClientInfo& client);
  protocol::HttpResponse signout(const protocol::HttpRequest& req, const ClientInfo& client);
  protocol::HttpResponse dashboard_list(const protocol::HttpRequest& req, const ClientInfo& client, const ConsoleSession& s);
  protocol::HttpResponse dashboard(const protocol::HttpRequest& req, const ClientInfo& client, const ConsoleSession& s,
                                   const std::string& name);
  protocol::HttpResponse api(const protocol::HttpRequest& req, const ClientInfo& client, const std::string& operation);
  // The live session of the request's cookie, nullopt when there is none; errors from the store.
  Result<std::optional<ConsoleSession>> session_of(const protocol::HttpRequest& req);
  // One call as the session's principal, answered as a JSON client would be answered.
  protocol::HttpResponse call(const protocol::HttpRequest& req, const ClientInfo& client, const ConsoleSession& s,
                              const std::string& operation, const std::string& region, std::string body);

  Pipeline& pipeline_;
  services::Env env_;
  SignIn signin_;
};

}  // namespace citadel::server::console
