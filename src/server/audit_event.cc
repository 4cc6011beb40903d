#include "server/audit_event.h"

#include "base/ids.h"
#include "base/json_writer.h"
#include "base/time.h"
#include "protocol/audit_view.h"
#include "services/cloudtrail/api_call_record.h"
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

  // The record keeps the call's fields; its JSON is written when it is read (api_call_record.h).
  services::cloudtrail::ApiCallFields f;
  f.anonymous = p.type == auth::PrincipalType::Anonymous;
  f.identity_type = p.type_name();
  f.principal_id = p.principal_id;
  f.arn = p.arn;
  f.identity_account_id = p.account_id;
  f.access_key_id = p.access_key_id;
  f.user_name = p.user_name;
  f.temporary = p.temporary;
  f.mfa_authenticated = p.mfa_authenticated;
  f.session_issued_ms = p.session_issued_ms;
  f.assumed_role = p.type == auth::PrincipalType::AssumedRole;
  f.role_id = p.role_id;
  f.role_arn = p.role_arn;
  f.role_name = p.role_name;
  f.source_ip = ctx.source_ip;
  f.user_agent = ctx.user_agent;
  if (call.error) {
    ev.error_code = call.error->code;
    f.failed = true;
    f.error_message = call.error->message;
  }
  std::string request_text = request_parameters.is_null() ? std::string() : json::serialize(request_parameters);
  std::string response_text = response_elements.is_null() ? std::string() : json::serialize(response_elements);
  f.request_parameters = request_text;
  f.response_elements = response_text;
  f.request_id = ctx.request_id;
  std::string resources;
  if (services::cloudtrail::is_data_event(ev.event_source, ev.event_name)) {
    JsonWriter w(256);
    write_data_event_resources(w, call, ev.account_id);
    resources = std::move(w.str());
  }
  f.data_resources = resources;
  ev.api_call.reserve(256 + f.user_agent.size() + request_text.size() + response_text.size());
  services::cloudtrail::encode_api_call(f, ev.api_call);
  return ev;
}

}  // namespace citadel::server
