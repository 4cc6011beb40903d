#include "server/s3_access_record.h"

#include <cctype>

namespace citadel::server {

namespace json = boost::json;

namespace {

// REST.GET.OBJECT, REST.PUT.BUCKET, REST.GET.TAGGING...: the method and what it acts on (the
// object, the bucket, or the subresource the query names).
std::string s3_operation(const RequestFacts& f, const json::object& input) {
  std::string what = input.contains("Key") ? "OBJECT" : "BUCKET";
  if (auto q = f.target.find('?'); q != std::string::npos) {
    std::string sub = f.target.substr(q + 1, f.target.find_first_of("=&", q + 1) - q - 1);
    static const char* const kNotSubresources[] = {"versionId", "partNumber", "uploadId", "prefix", "delimiter", "encoding-type",
                                                    "list-type", "max-keys", "marker", "continuation-token", "start-after"};
    bool plain = sub.empty() || sub.rfind("X-Amz", 0) == 0 || sub.rfind("x-", 0) == 0;
    for (const char* n : kNotSubresources) plain = plain || sub == n;
    if (!plain) {
      what.clear();
      for (char c : sub) what += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
  }
  return "REST." + f.method + "." + what;
}

}  // namespace

RequestFacts RequestFacts::of(const protocol::HttpRequest& req, const ClientInfo& client) {
  RequestFacts f{std::string(req.method), std::string(req.path), std::string(req.header("user-agent")),
                 std::string(req.header("host")), client.source_ip, false, false, client.tls};
  if (!req.query.empty()) f.target += "?" + std::string(req.query);
  f.header_signed = !req.header("authorization").empty();
  f.query_signed = req.query.find("X-Amz-Signature=") != std::string_view::npos;
  return f;
}

services::s3::AccessRecord s3_access_record(const RequestFacts& f, const S3CallFacts& c, const protocol::HttpResponse& res,
                                            int64_t micros) {
  services::s3::AccessRecord r;
  std::string bucket = services::input_str(*c.input, "Bucket");
  if (bucket.empty()) {  // a request that failed before its input was decoded: the path names it
    std::string path = c.virtual_host_path.empty() ? f.target.substr(0, f.target.find('?')) : c.virtual_host_path;
    size_t slash = path.find('/', 1);
    bucket = path.size() > 1 ? path.substr(1, slash == std::string::npos ? std::string::npos : slash - 1) : "";
  }
  r.bucket = bucket;
  r.key = services::input_str(*c.input, "Key");
  r.time_ms = c.ctx->now_ms;
  r.remote_ip = f.remote_ip;
  r.requester = c.principal->type == auth::PrincipalType::Anonymous ? "" : c.principal->arn;
  r.request_id = c.ctx->request_id;
  r.operation = s3_operation(f, *c.input);
  r.request_uri = f.method + " " + f.target + " HTTP/1.1";
  r.http_status = res.status;
  if (c.error) r.error_code = c.error->code;
  r.bytes_sent = res.body_size() == 0 ? -1 : res.body_size();
  if (c.output && c.output->is_object())
    if (const auto* len = c.output->as_object().if_contains("ContentLength"); len && len->is_int64()) r.object_size = len->as_int64();
  r.total_ms = micros / 1000;
  r.user_agent = f.user_agent;
  r.version_id = services::input_str(*c.input, "VersionId");
  r.host = f.host;
  r.signature_version = f.header_signed || f.query_signed ? "SigV4" : "";
  r.auth_type = f.header_signed ? "AuthHeader" : f.query_signed ? "QueryString" : "";
  r.tls_version = f.tls ? "TLSv1.3" : "";
  return r;
}

}  // namespace citadel::server
