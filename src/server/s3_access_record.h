#pragma once
// The S3 server access log record of one answered request (services/s3/access_logging.h keeps and
// delivers them).
#include <string>

#include "auth/principal.h"
#include "protocol/codec.h"
#include "server/pipeline.h"
#include "services/s3/access_logging.h"

namespace citadel::server {

// What a record needs of the HTTP request, copied while it is alive.
struct RequestFacts {
  std::string method, target, user_agent, host, remote_ip;
  bool query_signed = false, header_signed = false, tls = false;
  static RequestFacts of(const protocol::HttpRequest& req, const ClientInfo& client);
};

// What a record needs of the call.
struct S3CallFacts {
  const auth::Principal* principal = nullptr;
  const services::RequestContext* ctx = nullptr;
  const boost::json::object* input = nullptr;
  const boost::json::value* output = nullptr;  // success only
  const AwsError* error = nullptr;             // failure only
  std::string virtual_host_path;               // "/BUCKET/key" for a virtual-hosted request
};

services::s3::AccessRecord s3_access_record(const RequestFacts& request, const S3CallFacts& call,
                                            const protocol::HttpResponse& response, int64_t micros);

}  // namespace citadel::server
