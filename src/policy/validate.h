// Policy validation in the style of IAM Access Analyzer's ValidatePolicy: findings with a
// type, a stable issue code, a human explanation and a path into the document.
//
//   for (const auto& f : policy::validate(json, policy::PolicyKind::Identity)) ...
//
// Errors are what IAM would refuse (the MalformedPolicyDocument problems, the size quota) and
// references to services, actions or condition keys that do not exist (judged against the
// embedded service reference data; services absent from the data are not judged).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "policy/policy.h"
#include "policy/service_data.h"

namespace policy {

enum class FindingType { Error, SecurityWarning, Warning, Suggestion };
// "ERROR", "SECURITY_WARNING", "WARNING", "SUGGESTION".
std::string_view finding_type_name(FindingType t);

// One step of a path: a member name, or an array index when index >= 0.
struct PathElement {
  std::string value;
  long index = -1;
};

struct Finding {
  FindingType type = FindingType::Error;
  std::string issue_code;  // e.g. "PASS_ROLE_WITH_STAR_IN_RESOURCE"
  std::string details;     // one sentence
  std::vector<PathElement> path;
};

// Validates with the embedded service reference data.
std::vector<Finding> validate(std::string_view json, PolicyKind kind);
// Validates with the given data (nullptr: no action/condition-key existence checks).
std::vector<Finding> validate(std::string_view json, PolicyKind kind, const ServiceData* data);

// Renders findings as a JSON array of {findingType, issueCode, findingDetails, locations:[{path}]}.
std::string findings_to_json(const std::vector<Finding>& findings);

}  // namespace policy
