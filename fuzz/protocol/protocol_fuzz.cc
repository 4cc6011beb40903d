// Arbitrary request bodies, paths and query strings through routing and decoding for every wire
// protocol, and the decoded input back through the encoders: nothing may crash or hang.
#include <cstdint>
#include <string>

#include "protocol/codec.h"

using namespace citadel::protocol;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  // The first byte picks the shape of request; the rest is split into path | query | body.
  uint8_t pick = data[0];
  std::string in(reinterpret_cast<const char*>(data + 1), size - 1);
  size_t a = in.find('\n'), b = a == std::string::npos ? a : in.find('\n', a + 1);
  std::string path = a == std::string::npos ? "/" : "/" + in.substr(0, a);
  std::string query = b == std::string::npos ? "" : in.substr(a + 1, b - a - 1);
  std::string body = b == std::string::npos ? in : in.substr(b + 1);

  static const char* targets[] = {"com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents",
                                  "TrentService.Encrypt", "GraniteServiceVersion20100801.PutMetricData",
                                  "AWSOrganizationsV20161128.CreatePolicy"};
  static const char* scopes[] = {"iam", "sts", "s3", "guardduty", "ec2", "monitoring", "kms", "xray"};
  std::vector<std::pair<std::string_view, std::string_view>> headers;
  std::string method = "POST";
  // Every eighth input is an RPC v2 CBOR request: its path names the operation, its body is CBOR.
  if ((pick & 0xE0) == 0xE0) headers.emplace_back("smithy-protocol", "rpc-v2-cbor");
  switch (pick % 4) {
    case 0: headers.emplace_back("X-Amz-Target", targets[(pick >> 2) % 4]); break;
    case 1: headers.emplace_back("Content-Type", "application/x-www-form-urlencoded"); break;
    case 2: method = "GET"; break;
    default: method = (pick & 16) ? "PUT" : "DELETE";
  }
  HttpRequest req{method, path, query, headers, body};
  Route route;
  auto r = citadel::protocol::route(req, scopes[(pick >> 4) % 8], route);
  if (!r.ok()) {
    encode_error(route, r.error(), "fuzz");
    return 0;
  }
  auto input = decode_input(req, route);
  if (input.ok()) encode_output(route, input.value(), "fuzz");
  else encode_error(route, input.error(), "fuzz");
  return 0;
}
