#include "server/console/login_event.h"

#include "base/ids.h"
#include "base/json_writer.h"
#include "server/audit_event.h"
#include "services/cloudtrail/api_call_record.h"

namespace citadel::server::console {

namespace {

// AWS's userIdentity for a sign-in: no access key (""), the ARN only once the sign-in succeeded.
void write_identity(JsonWriter& w, const LoginAttempt& a) {
  const auto& p = a.principal;
  bool root = p.type == auth::PrincipalType::Root;
  w.begin_object().field("type", root ? "Root" : "IAMUser");
  if (a.known) w.field("principalId", p.principal_id);
  if (a.known && (a.success || root)) w.field("arn", p.arn);
  w.field("accountId", p.account_id).field("accessKeyId", "");
  if (!root) w.field("userName", a.known ? p.user_name : kHiddenUserName);
  w.end_object();
}

}  // namespace

services::cloudtrail::StoredEvent console_login_event(const LoginAttempt& a) {
  services::cloudtrail::StoredEvent ev;
  const auto& p = a.principal;
  bool root = p.type == auth::PrincipalType::Root;
  ev.account_id = p.account_id;
  ev.event_id = ids::uuid7(a.now_ms);
  ev.event_time_ms = a.now_ms;
  ev.event_name = "ConsoleLogin";
  ev.event_source = "signin.amazonaws.com";
  ev.username = root ? "root" : a.known ? p.user_name : kHiddenUserName;
  ev.region = "us-east-1";  // the sign-in endpoint's region, as for AWS's global sign-in
  ev.read_only = false;

  JsonWriter w(768);
  w.begin_object().field("eventVersion", "1.11");
  w.key("userIdentity");
  write_identity(w, a);
  services::cloudtrail::write_event_origin(w, ev, a.source_ip, a.user_agent);
  if (!a.success) w.field("errorMessage", a.error_message.empty() ? "Failed authentication" : a.error_message);
  w.key("requestParameters").null();
  w.key("responseElements").begin_object().field("ConsoleLogin", a.success ? "Success" : "Failure").end_object();
  w.key("additionalEventData").begin_object();
  w.field("LoginTo", a.login_to).field("MobileVersion", "No").field("MFAUsed", a.mfa_used ? "Yes" : "No");
  if (a.success && !a.mfa_serial.empty()) w.field("MFAIdentifier", a.mfa_serial);
  w.end_object();
  w.field("eventID", ev.event_id)
      .field("readOnly", false)
      .field("eventType", "AwsConsoleSignIn")
      .field("managementEvent", true)
      .field("recipientAccountId", ev.account_id)
      .field("eventCategory", "Management");
  w.end_object();
  ev.event_json = std::move(w.str());
  return ev;
}

}  // namespace citadel::server::console
