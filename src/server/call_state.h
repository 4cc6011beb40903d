#pragma once
// What pipeline.cc and streamed_call.cc share: the state of one call and the steps both take.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "auth/sigv4.h"
#include "server/pipeline.h"

namespace citadel::server {

namespace json = boost::json;

// The state of one call that must outlive the handler while its audit record is written.
struct Pipeline::CallState {
  protocol::Route route;
  auth::Principal principal;
  services::RequestContext ctx;
  json::object input;
  std::optional<json::value> output;
  std::optional<AwsError> error;
  std::vector<std::string> resources;
  std::string resource_account;  // the owner of what the call acted on, when its ARN does not say
  bool read_only = false;
  std::string virtual_host_path;  // "/BUCKET/key" for a virtual-hosted S3 request
  // An aws-chunked body, decoded, and the trailing headers it carried.
  std::string decoded_body;
  std::vector<std::pair<std::string, std::string>> trailers;
  // A body streamed to disk (OperationDef::streamed_body), handed to the handler as Call::body.
  std::unique_ptr<services::RequestBody> body;
  // A response body the handler left to be read while it is sent (Call::response_body).
  std::shared_ptr<protocol::BodySource> response_body;
};

// S3 signs paths as sent and lets presigned URLs leave the payload unsigned.
auth::SigV4Options sigv4_options(const protocol::Route& route);
AwsError incomplete_body();
// An aws-chunked request as the service sees it once decoded: without that content coding, with
// its trailing headers (a checksum) as headers.
void as_decoded(protocol::HttpRequest& req, const std::vector<std::pair<std::string, std::string>>& trailers);

}  // namespace citadel::server
