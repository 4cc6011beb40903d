// Helpers shared by the policy conformance tables: build a request in the `citadel policy eval`
// JSON format, evaluate it and read the decision back.
#pragma once

#include <string>

#include <boost/json.hpp>

#include "cli/policy_command.h"

namespace policy_test {

struct Outcome {
  std::string decision;  // "Allowed", "ImplicitlyDenied", "ExplicitlyDenied" or "ERROR"
  std::string blocked_by;
  std::string error;
  boost::json::value raw;
};

inline Outcome run(const std::string& request) {
  bool ok = true;
  std::string line = citadel::cli::evaluate_request_json(request, &ok);
  Outcome o;
  o.raw = boost::json::parse(line);
  if (!ok) {
    o.decision = "ERROR";
    o.error = std::string(o.raw.at("error").at("message").as_string());
    return o;
  }
  o.decision = std::string(o.raw.at("decision").as_string());
  if (o.raw.at("blockedBy").is_string()) o.blocked_by = std::string(o.raw.at("blockedBy").as_string());
  return o;
}

// A 2012-10-17 policy with one statement.
inline std::string policy1(const std::string& statement_body, const std::string& version = "2012-10-17") {
  return R"({"Version":")" + version + R"(","Statement":[{)" + statement_body + "}]}";
}

}  // namespace policy_test
