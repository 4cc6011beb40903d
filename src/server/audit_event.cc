#include "server/audit_event.h"

#include "base/ids.h"
#include "base/time.h"
#include "protocol/audit_view.h"
#include "services/cloudtrail/data_events.h"

namespace citadel::server {

namespace json = boost::json;

namespace {

// CloudTrail's Resources of a lookup result, from the ARNs a call acted on.
void add_resources(const CallRecord& call, services::cloudtrail::StoredEvent& ev) {
  for (const auto& arn : call.resources) {
    // arn:aws:iam::123456789012:user/path/name
    if (arn.rfind("arn:aws:iam::", 0) == 0) {
      size_t colon = arn.find(':', 13);
      if (colon == std::string::npos) continue;
      std::string res = arn.substr(colon + 1);
      if (res.rfind("user/", 0) == 0 && res.back() != '*') ev.resources.emplace_back("AWS::IAM::User", res.substr(res.rfind('/') + 1));
    }
  }
  if (const auto* id = call.input ? call.input->if_contains("AccessKeyId") : nullptr; id && id->is_string())
    ev.resources.emplace_back("AWS::IAM::AccessKey", std::string(id->as_string()));
  if (call.output && call.output->is_object())
    if (const auto* key = call.output->as_object().if_contains("AccessKey"); key && key->is_object())
      if (const auto* id = key->as_object().if_contains("AccessKeyId"); id && id->is_string())
        ev.resources.emplace_back("AWS::IAM::AccessKey", std::string(id->as_string()));
}

// A data event's resources as CloudTrail lists them: the object (or objects) and its bucket with
// the bucket owner's account. Event selectors match these ARNs.
json::array data_event_resources(const CallRecord& call, const std::string& owner) {
  json::array out;
  std::string bucket_arn;
  for (const auto& arn : call.resources) {
    if (arn.rfind("arn:aws:s3:::", 0) != 0) continue;
    size_t slash = arn.find('/');
    if (slash == std::string::npos) {
      bucket_arn = arn;
      continue;
    }
    out.push_back(json::object{{"type", "AWS::S3::Object"}, {"ARN", arn}});
    bucket_arn = arn.substr(0, slash);
  }
  if (!bucket_arn.empty()) out.push_back(json::object{{"accountId", owner}, {"type", "AWS::S3::Bucket"}, {"ARN", bucket_arn}});
  return out;
}

}  // namespace

services::cloudtrail::StoredEvent make_event(const CallRecord& call) {
  const auto& ctx = *call.ctx;
  const auto& p = *ctx.principal;
  const auto& route = *call.route;
  services::cloudtrail::StoredEvent ev;
  ev.account_id = p.account_id.empty() ? call.resource_account : p.account_id;
  ev.event_id = ids::uuid4();
  ev.event_time_ms = ctx.now_ms;
  ev.event_name = route.operation_name;
  ev.event_source = call.service ? call.service->event_source()
                                 : (route.service ? route.service->endpoint_prefix : std::string("unknown")) + ".amazonaws.com";
  ev.access_key_id = p.access_key_id;
  ev.username = p.type == auth::PrincipalType::Root          ? "root"
                : p.type == auth::PrincipalType::AssumedRole ? p.session_name
                                                             : p.user_name;
  ev.entity_arn = p.type == auth::PrincipalType::IAMUser ? p.arn : p.type == auth::PrincipalType::AssumedRole ? p.role_arn : "";
  ev.read_only = call.read_only;
  ev.region = ctx.region;
  add_resources(call, ev);

  json::object identity{{"type", p.type_name()}, {"principalId", p.principal_id}, {"arn", p.arn}, {"accountId", p.account_id}};
  // CloudTrail's form for an unauthenticated caller.
  if (p.type == auth::PrincipalType::Anonymous)
    identity = json::object{{"type", "AWSAccount"}, {"principalId", ""}, {"accountId", "ANONYMOUS_PRINCIPAL"}};
  if (!p.access_key_id.empty()) identity["accessKeyId"] = p.access_key_id;
  if (!p.user_name.empty()) identity["userName"] = p.user_name;
  if (p.temporary) {
    json::object session{{"attributes", json::object{{"creationDate", timeutil::iso8601(p.session_issued_ms)},
                                                     {"mfaAuthenticated", p.mfa_authenticated ? "true" : "false"}}}};
    if (p.type == auth::PrincipalType::AssumedRole)
      session["sessionIssuer"] = json::object{{"type", "Role"},
                                              {"principalId", p.role_id},
                                              {"arn", p.role_arn},
                                              {"accountId", p.account_id},
                                              {"userName", p.role_name}};
    identity["sessionContext"] = std::move(session);
  }

  const auto* svc = route.service;
  json::value request_parameters = nullptr;
  if (call.input && !call.input->empty() && svc && route.operation)
    request_parameters = protocol::audit_view(*svc, svc->shape(route.operation->input_shape), *call.input,
                                              protocol::SensitiveValues::Hide);
  // S3's data events name the bucket bucketName.
  if (request_parameters.is_object() && svc && svc->id == "s3")
    if (auto* bucket = request_parameters.as_object().if_contains("bucket")) {
      json::value name = std::move(*bucket);
      request_parameters.as_object().erase("bucket");
      request_parameters.as_object()["bucketName"] = std::move(name);
    }
  json::value response_elements = nullptr;
  if (call.output && !call.read_only && svc && route.operation && call.output->is_object() && !call.output->as_object().empty())
    response_elements = protocol::audit_view(*svc, svc->shape(route.operation->output_shape), *call.output,
                                             protocol::SensitiveValues::Drop);

  json::object rec{{"eventVersion", "1.11"},
                   {"userIdentity", std::move(identity)},
                   {"eventTime", timeutil::iso8601(ctx.now_ms)},
                   {"eventSource", ev.event_source},
                   {"eventName", ev.event_name},
                   {"awsRegion", ctx.region},
                   {"sourceIPAddress", ctx.source_ip},
                   {"userAgent", ctx.user_agent}};
  if (call.error) {
    ev.error_code = call.error->code;
    rec["errorCode"] = call.error->code;
    rec["errorMessage"] = call.error->message;
  }
  rec["requestParameters"] = std::move(request_parameters);
  rec["responseElements"] = std::move(response_elements);
  rec["requestID"] = ctx.request_id;
  rec["eventID"] = ev.event_id;
  rec["readOnly"] = call.read_only;
  bool data_event = services::cloudtrail::is_data_event(ev.event_source, ev.event_name);
  if (data_event) rec["resources"] = data_event_resources(call, ev.account_id);
  rec["eventType"] = "AwsApiCall";
  rec["managementEvent"] = !data_event;
  rec["recipientAccountId"] = ev.account_id;
  rec["eventCategory"] = data_event ? "Data" : "Management";
  ev.event_json = json::serialize(rec);
  return ev;
}

}  // namespace citadel::server
