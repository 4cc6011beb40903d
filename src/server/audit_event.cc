#include "server/audit_event.h"

#include "base/ids.h"
#include "base/json_writer.h"
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
void write_data_event_resources(JsonWriter& w, const CallRecord& call, const std::string& owner) {
  w.begin_array();
  std::string bucket_arn;
  for (const auto& arn : call.resources) {
    if (arn.rfind("arn:aws:s3:::", 0) != 0) continue;
    size_t slash = arn.find('/');
    if (slash == std::string::npos) {
      bucket_arn = arn;
      continue;
    }
    w.begin_object().field("type", "AWS::S3::Object").field("ARN", arn).end_object();
    bucket_arn = arn.substr(0, slash);
  }
  if (!bucket_arn.empty())
    w.begin_object().field("accountId", owner).field("type", "AWS::S3::Bucket").field("ARN", bucket_arn).end_object();
  w.end_array();
}

void write_user_identity(JsonWriter& w, const auth::Principal& p) {
  w.begin_object();
  // CloudTrail's form for an unauthenticated caller.
  if (p.type == auth::PrincipalType::Anonymous)
    w.field("type", "AWSAccount").field("principalId", "").field("accountId", "ANONYMOUS_PRINCIPAL");
  else
    w.field("type", p.type_name()).field("principalId", p.principal_id).field("arn", p.arn).field("accountId", p.account_id);
  if (!p.access_key_id.empty()) w.field("accessKeyId", p.access_key_id);
  if (!p.user_name.empty()) w.field("userName", p.user_name);
  if (p.temporary) {
    w.key("sessionContext").begin_object();
    w.key("attributes").begin_object();
    w.field("creationDate", timeutil::iso8601(p.session_issued_ms)).field("mfaAuthenticated", p.mfa_authenticated ? "true" : "false");
    w.end_object();
    if (p.type == auth::PrincipalType::AssumedRole) {
      w.key("sessionIssuer").begin_object();
      w.field("type", "Role").field("principalId", p.role_id).field("arn", p.role_arn).field("accountId", p.account_id);
      w.field("userName", p.role_name).end_object();
    }
    w.end_object();
  }
  w.end_object();
}

void write_value(JsonWriter& w, const json::value& v) {
  if (v.is_null()) w.null();
  else w.raw(json::serialize(v));
}

}  // namespace

services::cloudtrail::StoredEvent make_event(const CallRecord& call) {
  const auto& ctx = *call.ctx;
  const auto& p = *ctx.principal;
  const auto& route = *call.route;
  services::cloudtrail::StoredEvent ev;
  ev.account_id = p.account_id.empty() ? call.resource_account : p.account_id;
  ev.event_id = ids::uuid7(ctx.now_ms);
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

  // The record is written field by field, in CloudTrail's order, straight into its text.
  JsonWriter w(1024);
  w.begin_object().field("eventVersion", "1.11");
  w.key("userIdentity");
  write_user_identity(w, p);
  write_event_origin(w, ev, ctx.source_ip, ctx.user_agent);
  if (call.error) {
    ev.error_code = call.error->code;
    w.field("errorCode", call.error->code).field("errorMessage", call.error->message);
  }
  w.key("requestParameters");
  write_value(w, request_parameters);
  w.key("responseElements");
  write_value(w, response_elements);
  w.field("requestID", ctx.request_id).field("eventID", ev.event_id).field("readOnly", call.read_only);
  bool data_event = services::cloudtrail::is_data_event(ev.event_source, ev.event_name);
  if (data_event) {
    w.key("resources");
    write_data_event_resources(w, call, ev.account_id);
  }
  w.field("eventType", "AwsApiCall")
      .field("managementEvent", !data_event)
      .field("recipientAccountId", ev.account_id)
      .field("eventCategory", data_event ? "Data" : "Management");
  w.end_object();
  ev.event_json = std::move(w.str());
  return ev;
}

void write_event_origin(JsonWriter& w, const services::cloudtrail::StoredEvent& ev, std::string_view source_ip,
                        std::string_view user_agent) {
  w.field("eventTime", timeutil::iso8601(ev.event_time_ms))
      .field("eventSource", ev.event_source)
      .field("eventName", ev.event_name)
      .field("awsRegion", ev.region)
      .field("sourceIPAddress", source_ip)
      .field("userAgent", user_agent);
}

}  // namespace citadel::server
