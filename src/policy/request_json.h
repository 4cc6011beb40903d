// Loading an authorization request in the `citadel policy eval` JSON format (docs/policy.md):
// the principal, action, resource, context and every policy of the request, parsed and compiled
// into storage that the Request/PolicySet views point into. Used by the CLI, the benchmark and
// the fuzz targets; the server builds Request/PolicySet directly from its own state instead.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "policy/evaluate.h"

namespace policy {

struct RequestError {
  std::string code;     // "InvalidInput", or the policy's "MalformedPolicyDocument"
  std::string message;  // what is wrong
  std::string path;     // where, e.g. "identityPolicies[0]" or "context.aws:SourceIp"
};

class LoadedRequest {
 public:
  // Parses one request object. Returns nullptr and fills *err when it is malformed.
  // Policies are parsed without the size quota and compiled; their ids are their JSON paths.
  static std::unique_ptr<LoadedRequest> load(std::string_view json, RequestError* err);

  const Request& request() const;
  const PolicySet& policies() const;
  ~LoadedRequest();

  struct Storage;

 private:
  LoadedRequest();
  std::unique_ptr<Storage> s_;
};

// {"decision": ..., "blockedBy": ..., "reason": ..., "statements": [...]} on one line.
std::string decision_to_json(const Decision& d);
// {"error": {"code", "message", "path"}} on one line.
std::string request_error_to_json(const RequestError& e);

}  // namespace policy
