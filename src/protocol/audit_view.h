#pragma once
// How an operation's input and output appear in a CloudTrail record: member names in lowerCamel
// case, timestamps as ISO 8601 text, and the model's sensitive values hidden (requests) or left
// out (responses), so no secret ever reaches the audit trail.
#include <boost/json.hpp>

#include "protocol/model.h"

namespace citadel::protocol {

enum class SensitiveValues { Hide, Drop };

boost::json::value audit_view(const ServiceModel& svc, const boost::json::object* shape, const boost::json::value& v,
                              SensitiveValues mode);

inline constexpr const char* kHiddenValue = "HIDDEN_DUE_TO_SECURITY_REASONS";

}  // namespace citadel::protocol
