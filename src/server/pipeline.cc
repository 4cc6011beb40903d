#include "server/pipeline.h"

#include <boost/algorithm/string/predicate.hpp>
#include <memory>

#include "auth/aws_chunked.h"
#include "auth/session_token.h"
#include "auth/sigv4.h"
#include "base/ids.h"
#include "base/uri.h"
#include "base/time.h"
#include "server/audit_event.h"
#include "server/call_state.h"
#include "server/s3_access_record.h"
#include "services/s3/access_logging.h"
#include "services/sns/signing_key.h"
#include "services/sns/sns_common.h"
#include "server/authorizer.h"

namespace citadel::server {

namespace json = boost::json;
using protocol::HttpResponse;
using protocol::Wire;

namespace {

// Whether errors carry the JSON protocols' codes (AccessDeniedException, UnrecognizedClientException).
// Query-compatible services (CloudWatch) keep their query codes on every wire: botocore reads the
// code from x-amzn-query-error, which carries the query code there.
bool json_wire(const protocol::Route& r) {
  bool json = r.wire == Wire::Json || r.wire == Wire::RestJson || r.wire == Wire::RpcV2Cbor;
  return json && !(r.service && r.service->query_compatible);
}

// Authentication errors carry different codes on JSON and REST-XML services than on query ones.
AwsError for_wire(AwsError e, const protocol::Route& r) {
  Wire w = r.wire;
  if (json_wire(r)) {
    if (e.code == "InvalidClientTokenId") e.code = "UnrecognizedClientException";
    else if (e.code == "SignatureDoesNotMatch") e.code = "InvalidSignatureException";
  } else if (w == Wire::RestXml) {
    if (e.code == "InvalidClientTokenId") {
      e.code = "InvalidAccessKeyId";
      e.message = "The AWS Access Key Id you provided does not exist in our records.";
    } else if (e.code == "MissingAuthenticationToken") {
      e.code = "AccessDenied";
      e.message = "Access Denied";
    }
  }
  return e;
}

}  // namespace

auth::SigV4Options sigv4_options(const protocol::Route& route) {
  auth::SigV4Options opt;
  if (route.service->id == "s3") opt.normalize_path = opt.double_encode = false, opt.presigned_payload_unsigned = true;
  return opt;
}

AwsError incomplete_body() {
  return AwsError::sender("IncompleteBody", "You did not provide the number of bytes specified by the Content-Length HTTP header", 400);
}

void as_decoded(protocol::HttpRequest& req, const std::vector<std::pair<std::string, std::string>>& trailers) {
  std::erase_if(req.headers, [](const auto& h) {
    return boost::algorithm::iequals(h.first, "content-encoding") && boost::algorithm::iequals(h.second, "aws-chunked");
  });
  for (const auto& [name, value] : trailers) req.headers.emplace_back(name, value);
}

namespace {

AwsError invalid_token() {
  return AwsError::sender("InvalidClientTokenId", "The security token included in the request is invalid.", 403);
}


// S3's virtual-hosted style: "BUCKET.localhost:4566" or "BUCKET.s3.REGION.amazonaws.com" name the
// bucket in the Host header; "" when the host is an address or names no bucket.
std::string virtual_host_bucket(std::string_view host) {
  if (auto colon = host.rfind(':'); colon != std::string_view::npos && host.find(']') == std::string_view::npos) host = host.substr(0, colon);
  if (host.empty() || host.front() == '[' || (host.back() >= '0' && host.back() <= '9')) return "";
  constexpr std::string_view kLocal = ".localhost";
  if (host.size() > kLocal.size() && host.substr(host.size() - kLocal.size()) == kLocal)
    return std::string(host.substr(0, host.size() - kLocal.size()));
  if (auto s3 = host.find(".s3."); s3 != std::string_view::npos && s3 > 0) return std::string(host.substr(0, s3));
  if (auto s3 = host.find(".s3-"); s3 != std::string_view::npos && s3 > 0) return std::string(host.substr(0, s3));
  return "";
}

// An unsigned REST request: only S3 serves those, to anonymous callers its bucket policies allow.
bool unsigned_rest(const protocol::HttpRequest& req) {
  return req.header("authorization").empty() && req.header("x-amz-target").empty() &&
         req.header("content-type").substr(0, 33) != "application/x-www-form-urlencoded";
}

// SNS's SubscribeURL and UnsubscribeURL: an unsigned "GET /?Action=ConfirmSubscription&TopicArn=..&Token=.."
// or "GET /?Action=Unsubscribe&SubscriptionArn=..", which AWS takes without a signature (the
// token, or the subscription ARN, is the credential). Returns the region of the ARN it names
// ("" when the request is not one of those); the handler decides whether the proof holds.
std::string unsigned_sns_region(const protocol::HttpRequest& req) {
  if (req.method != "GET" || req.path != "/" || !req.header("authorization").empty()) return "";
  std::string action, arn;
  for (auto& [k, v] : uri::parse_query(req.query)) {
    if (k == "Action") action = v;
    else if (k == "TopicArn" || k == "SubscriptionArn") arn = v;
    else if (k == "X-Amz-Algorithm" || k == "X-Amz-Signature") return "";  // a presigned request: signed after all
  }
  if (action != "ConfirmSubscription" && action != "Unsubscribe") return "";
  auto topic = action == "Unsubscribe" ? services::sns::topic_of_subscription(arn) : services::sns::parse_topic_arn(arn);
  return topic ? topic->region : "";
}

// Signature Version 2 (Authorization "AWS KEY:SIG", or AWSAccessKeyId and Signature in a
// presigned URL) is not accepted, as in every S3 region opened since 2014.
bool signature_v2(const protocol::HttpRequest& req) {
  return req.header("authorization").substr(0, 4) == "AWS " || req.query.find("AWSAccessKeyId=") != std::string_view::npos;
}

}  // namespace

Pipeline::Pipeline(const services::Registry& registry, services::Env env, AuditJournal& audit, std::string version)
    : registry_(registry), env_(env), audit_(audit), metrics_(registry), version_(std::move(version)) {}

int64_t Pipeline::now_ms() const { return fixed_now_ms_ ? fixed_now_ms_ : timeutil::now_ms(); }

HttpResponse Pipeline::sns_certificate() const {
  HttpResponse res;
  auto key = services::sns::load_signing_key(*env_.store, *env_.secrets, now_ms());
  if (!key) {
    res.status = 500;
    res.content_type = "text/plain";
    res.body = "the SNS signing certificate is not available: " + key.error().message + "\n";
    return res;
  }
  res.content_type = "application/x-pem-file";
  res.body = std::move(key->certificate_pem);
  return res;
}

HttpResponse Pipeline::health() const {
  json::array services;
  for (auto& id : registry_.service_ids()) services.push_back(json::string(id));
  HttpResponse res;
  res.content_type = "application/json";
  res.body = json::serialize(json::object{{"status", "ok"}, {"version", version_}, {"services", std::move(services)}});
  return res;
}

void Pipeline::handle(const protocol::HttpRequest& req, const ClientInfo& client, Respond respond_to_client) {
  if (req.path == "/_citadel/health" && (req.method == "GET" || req.method == "HEAD")) return respond_to_client(health());
  // The certificate SNS messages are signed under (their SigningCertURL).
  if (req.path == "/_citadel/sns/cert.pem" && req.method == "GET") return respond_to_client(sns_certificate());
  if (front_ && req.path.substr(0, 10) == "/_citadel/" && front_(req, client, respond_to_client)) return;
  // Prometheus scrapes without signing; a signed GET /metrics stays S3's (a bucket named "metrics").
  if (req.path == "/metrics" && req.method == "GET" && req.query.empty() && req.header("authorization").empty()) {
    HttpResponse res;
    res.content_type = "text/plain; version=0.0.4";
    res.body = metrics_.prometheus_text(version_, audit_.appended_count());
    return respond_to_client(std::move(res));
  }

  auto st = start_call(req, client);
  Respond respond = counted(st, req, client, std::move(respond_to_client));
  auto fail = [&](const AwsError& e) { respond(error_response(*st, e)); };
  Admission a;
  if (auto s = route_call(req, *st, a); !s) return fail(s.error());
  if (auto s = authenticate(req, *st, a, false); !s) return fail(s.error());
  // A streamed (aws-chunked) body reaches the service as the bytes it carries, its trailing
  // checksum as the header it stands for, and without the aws-chunked content coding.
  if (a.sig && auth::is_streaming_payload(a.sig->payload_hash)) {
    auto decoded = auth::decode_aws_chunked(req.body, *a.sig, a.secret);
    if (!decoded) return fail(decoded.error());
    st->decoded_body = std::move(decoded->payload);
    if (auto declared = req.header("x-amz-decoded-content-length");
        !declared.empty() && declared != std::to_string(st->decoded_body.size()))
      return fail(incomplete_body());
    st->trailers = std::move(decoded->trailers);
    if (!a.rewritten) a.rewritten = req;
    a.rewritten->body = st->decoded_body;
    as_decoded(*a.rewritten, st->trailers);
  }
  run(st, a.rewritten ? *a.rewritten : req, respond);
}

HttpResponse Pipeline::error_response(const CallState& st, const AwsError& e) const {
  return protocol::encode_error(st.route, for_wire(e, st.route), st.ctx.request_id);
}

Status Pipeline::route_call(const protocol::HttpRequest& req, CallState& st, Admission& a) {
  auth::SigV4Request sreq{req.method, req.path, req.query, req.headers, req.body};
  AwsError auth_error = AwsError::sender("MissingAuthenticationToken", "Request is missing Authentication Token", 403);
  if (auth::has_sigv4(sreq)) {
    auto parsed = auth::parse_sigv4(sreq);
    if (parsed) a.sig = std::move(parsed.value());
    else auth_error = parsed.error();
  }
  const auto& sig = a.sig;
  bool v2 = !sig && signature_v2(req);
  if (v2)
    auth_error = AwsError::sender("InvalidRequest", "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.", 400);
  std::string sns_region = sig || v2 ? "" : unsigned_sns_region(req);
  bool anonymous = !sig && !v2 && !auth::has_sigv4(sreq) && (unsigned_rest(req) || !sns_region.empty());
  std::string_view scope = sig                    ? std::string_view(sig->service)
                           : !sns_region.empty()  ? std::string_view("sns")
                           : anonymous || v2      ? std::string_view("s3")
                                                  : std::string_view();
  // S3 routes a virtual-hosted request as its path-style twin; the signature covers the request as sent.
  // The request as services see it: S3's rewrites (virtual-hosted path, aws-chunked body) work on
  // a copy, made only when one is needed.
  if (scope == "s3" && !protocol::is_s3_control_path(req.path))
    if (auto bucket = virtual_host_bucket(req.header("host")); !bucket.empty()) {
      st.virtual_host_path = "/" + bucket + std::string(req.path);
      a.rewritten = req;
      a.rewritten->path = st.virtual_host_path;
    }
  // Route first so that even authentication errors are answered in the service's own wire shape.
  auto routed = protocol::route(a.rewritten ? *a.rewritten : req, scope, st.route);
  if (!sig && !(anonymous && routed)) return auth_error;
  if (!routed) return routed.error();
  st.ctx.region = sig ? sig->region : !sns_region.empty() ? sns_region : "us-east-1";
  return Ok{};
}

Status Pipeline::authenticate(const protocol::HttpRequest& req, CallState& st, Admission& a, bool body_streamed) {
  // A long-term key (AKIA) is looked up; a temporary one (ASIA) travels in its sealed session
  // token. An unsigned S3 request (route_call let it through) is the anonymous principal.
  const auto& sig = a.sig;
  if (!sig) {
    st.principal.type = auth::PrincipalType::Anonymous;
    st.principal.arn = "anonymous";
    st.principal.principal_id = "anonymous";
    return Ok{};
  }
  if (sig->access_key_id.rfind("ASIA", 0) == 0) {
    auto session = auth::open_session_token(*env_.secrets, sig->session_token);
    if (!session || session->access_key_id != sig->access_key_id) return invalid_token();
    if (st.ctx.now_ms >= session->expires_ms)
      return AwsError::sender("ExpiredToken", "The security token included in the request is expired", 403);
    a.secret = std::move(session->secret_access_key);
    st.principal = std::move(session->principal);
  } else {
    auto cred = env_.credentials->resolve(sig->access_key_id);
    if (!cred) return cred.error();
    if (!cred.value() || !cred.value()->active) return invalid_token();
    // Session tokens belong to temporary credentials, which long-term keys never carry.
    if (!sig->session_token.empty()) return invalid_token();
    a.secret = cred.value()->secret;
    st.principal = cred.value()->principal;
  }
  auto opt = sigv4_options(st.route);
  opt.payload_checked_later = body_streamed;
  auth::SigV4Request sreq{req.method, req.path, req.query, req.headers, req.body};
  return auth::verify_sigv4(sreq, *sig, a.secret, st.ctx.now_ms, opt);
}

std::shared_ptr<Pipeline::CallState> Pipeline::start_call(const protocol::HttpRequest& req, const ClientInfo& client) {
  auto st = std::make_shared<CallState>();
  st->ctx.request_id = ids::uuid4();
  st->ctx.now_ms = now_ms();
  st->ctx.secrets = env_.secrets;
  st->ctx.source_ip = client.source_ip;
  st->ctx.secure_transport = client.tls;
  st->ctx.user_agent = std::string(req.header("user-agent"));
  st->ctx.principal = &st->principal;
  return st;
}

// Every answer is counted by the operation it was routed to; S3's go to its access logs too.
Pipeline::Respond Pipeline::counted(std::shared_ptr<CallState> st, const protocol::HttpRequest& req, const ClientInfo& client,
                                    Respond out) {
  // The pipeline answers before handle() returns, so the request and client outlive every call
  // of the returned function: S3's log facts are read from them only for an S3 call.
  return [this, st, started = std::chrono::steady_clock::now(), &req, &client, out = std::move(out)](HttpResponse res) {
    auto micros = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started).count();
    bool s3 = st->route.service && st->route.service->id == "s3";
    metrics_.record(st->route.service ? std::string_view(st->route.service->id) : std::string_view("other"),
                    st->route.operation_name, res.status, micros);
    if (st->route.service)
      usage_.record(st->principal.account_id, st->ctx.region, st->route.service->id, st->route.operation_name, res.status, micros);
    if (s3)
      services::s3::access_log_buffer().add(s3_access_record(
          RequestFacts::of(req, client), S3CallFacts{&st->principal, &st->ctx, &st->input, st->output ? &*st->output : nullptr,
                             st->error ? &*st->error : nullptr, st->virtual_host_path},
          res, micros));
    out(std::move(res));
  };
}

void Pipeline::handle_authenticated(const protocol::HttpRequest& req, const ClientInfo& client, const AuthenticatedCall& call,
                                    Respond respond_to_client) {
  auto st = start_call(req, client);
  Respond respond = counted(st, req, client, std::move(respond_to_client));
  st->principal = call.principal;
  st->ctx.region = call.region;
  st->route.wire = Wire::Json;
  st->route.operation_name = call.operation;
  st->route.service = protocol::Models::instance().by_id(call.service);
  auto fail = [&](const AwsError& e) { respond(protocol::encode_error(st->route, e, st->ctx.request_id)); };
  if (!st->route.service || !st->route.service->speaks(Wire::Json))
    return fail(AwsError::sender("UnknownOperationException", "The service " + call.service + " is not reachable this way.", 400));
  auto it = st->route.service->operations.find(call.operation);
  if (it == st->route.service->operations.end())
    return fail(AwsError::sender("UnknownOperationException", "Unknown operation " + call.operation, 400));
  st->route.operation = &it->second;
  // The input is decoded as a JSON request body would be: the same types, shapes and constraints.
  protocol::HttpRequest routed_req;
  routed_req.method = "POST";
  routed_req.path = "/";
  routed_req.body = call.body;
  run(st, routed_req, respond);
}

// From authentication on: decode, authorize, run the handler, audit and answer.
void Pipeline::run(std::shared_ptr<CallState> st, const protocol::HttpRequest& routed_req, const Respond& respond) {
  // From here on the call has reached a service: whatever happens is audited.
  const services::Service* service = registry_.service(st->route.service->id);
  const services::OperationDef* op = registry_.operation(st->route.service->id, st->route.operation_name);
  st->read_only = op ? op->read_only : false;

  // Calls that changed nothing are recorded in the audit journal before the response leaves.
  auto finish = [this, st, service, &respond](bool audited) {
    if (!audited && audit_enabled_) {
      CallRecord rec{&st->route, service, &st->ctx, &st->input, st->output ? &*st->output : nullptr,
                     st->error ? &*st->error : nullptr, st->read_only, st->resources, st->resource_account};
      if (auto s = audit_.append(make_event(rec)); !s) {
        st->error = AwsError::internal("The request could not be recorded in the audit trail.");
        st->output.reset();
      }
    }
    if (st->error) return respond(protocol::encode_error(st->route, st->error.value(), st->ctx.request_id));
    auto res = protocol::encode_output(st->route, st->output.value(), st->ctx.request_id);
    res.body_source = std::move(st->response_body);
    respond(std::move(res));
  };

  auto input = protocol::decode_input(routed_req, st->route);
  if (!input) {
    st->error = input.error();
    return finish(false);
  }
  st->input = std::move(input.value());
  if (!op) {
    st->error = AwsError::not_implemented(st->route.service->id + ":" + st->route.operation_name);
    return finish(false);
  }

  // Authorize and run the handler in one transaction; a mutating call's audit record is appended
  // from inside that transaction (AuditJournal::append_in_transaction), so a change and its
  // record are committed together or not at all.
  std::vector<std::function<void()>> after_commit;
  bool audited_in_tx = false;
  auto body = [&](store::Tx& tx) -> Status {
    services::Call c{st->ctx, st->input, tx, env_, {}};
    c.body = st->body.get();
    auto authz = op->authz(st->ctx, st->input, tx);
    st->resources = authz.resources;
    st->resource_account = authz.resource_account;
    auto decision = authorizer_.decide(tx, st->ctx, *op, authz);
    if (!decision) return decision.error();
    // EC2-style services tell a denied caller of a mutating call only an encoded message, which
    // sts:DecodeAuthorizationMessage reads; a denied read is UnauthorizedOperation in plain words.
    auto denied = [&](const services::AuthzRequest& r, const AuthzDecision& d) {
      if (st->route.wire == Wire::Ec2 && !op->read_only) return encoded_access_denied(*env_.secrets, st->principal, r, d);
      auto e = service->denied(access_denied(st->principal, r, d, json_wire(st->route)));
      // AWS's common errors: the JSON protocols' AccessDeniedException is a 400, not a 403.
      if (st->route.wire == Wire::Json && e.code == "AccessDeniedException") e.http_status = 400;
      if (st->route.wire == Wire::Ec2) {
        e.code = "UnauthorizedOperation";
        e.message = "You are not authorized to perform this operation. " + e.message;
      }
      return e;
    };
    if (!decision->allowed) return denied(authz, decision.value());
    auto out = op->handler(c);
    if (!out) return out.error();
    st->output = std::move(out.value());
    after_commit = std::move(c.after_commit);
    st->response_body = std::move(c.response_body);
    if (op->read_only || !audit_enabled_ || !op->uses_store) return Ok{};
    // A call that changed no row (a tag set to the value it has) has no change for its record to
    // stand or fall with: the record is appended once the outcome is known, as a read's is
    // (finish), and the commit stays empty (from inside, it would need a marker row: an empty
    // commit leaves no trace for the journal's commit point, see audit_journal.h).
    if (!tx.changed_rows()) return Ok{};
    CallRecord rec{&st->route, service, &st->ctx, &st->input, &*st->output, nullptr, false, st->resources, st->resource_account};
    if (auto s = audit_.append_in_transaction(tx, make_event(rec)); !s) return s;
    audited_in_tx = true;
    return Ok{};
  };
  if (op->reads_audit_trail) env_.wait_for_audit();
  store::NoTx no_tx;
  Status s = !op->uses_store                         ? body(no_tx)
             : op->read_only && !op->writes_store ? env_.store->read(body)
                                                  : env_.store->write(body);
  if (!s) {
    st->error = s.error();
    st->output.reset();
    audited_in_tx = false;
  } else {
    for (auto& f : after_commit) f();
    // Any IAM or Organizations write may change what some principal is allowed: recompile on the
    // next request.
    if (!op->read_only && (st->route.service->id == "iam" || st->route.service->id == "organizations"))
      authorizer_.invalidate();
  }
  finish(audited_in_tx);
}

}  // namespace citadel::server
