#pragma once
// Decoding AWS requests into operation inputs and encoding outputs and errors, for every wire
// protocol, driven by the service models. Inputs and outputs are JSON values keyed by the model's
// member names; timestamps inside them are integers of milliseconds since the epoch.
#include <boost/json.hpp>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/error.h"
#include "protocol/body_source.h"
#include "protocol/model.h"

namespace citadel::protocol {

struct HttpRequest {
  std::string_view method;
  std::string_view path;   // raw, percent-encoded
  std::string_view query;  // raw, without '?'
  std::vector<std::pair<std::string_view, std::string_view>> headers;
  std::string_view body;
  std::string_view header(std::string_view name) const;  // case-insensitive, first match
};

struct HttpResponse {
  int status = 200;
  std::string content_type;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // Set instead of `body` for a body read while it is sent (BodySource).
  std::shared_ptr<BodySource> body_source;
  int64_t body_size() const { return body_source ? body_source->size() : static_cast<int64_t>(body.size()); }
};

// Which service and operation a request is for, and on which wire it came.
struct Route {
  const ServiceModel* service = nullptr;
  const Operation* operation = nullptr;
  Wire wire = Wire::Query;
  std::string operation_name;  // as the client named it, even when unknown
};

// Finds the service and operation: by X-Amz-Target (JSON), by the Action parameter and the SigV4
// scope's service (query), or by method and path within the scope's service (REST).
// `scope_service` is the service of the SigV4 credential scope ("" if unsigned).
// On failure the error still says which wire to answer on (through `route`).
Result<Route> route(const HttpRequest& req, std::string_view scope_service, Route& partial);

// S3 Control signs as "s3" and names the account in a host prefix ("ACCOUNT.host"), so neither
// the scope nor the host tells it from S3: its paths start with its API version.
inline bool is_s3_control_path(std::string_view path) { return path.rfind("/v20180820/", 0) == 0; }

// Decodes and validates the operation's input (required members, lengths, types).
Result<json::object> decode_input(const HttpRequest& req, const Route& route);

HttpResponse encode_output(const Route& route, const json::value& output, std::string_view request_id);
HttpResponse encode_error(const Route& route, const AwsError& error, std::string_view request_id);

}  // namespace citadel::protocol
