#pragma once
#include <boost/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "base/error.h"
#include "protocol/model.h"

namespace citadel::protocol {

// Builds an operation's input from decoded query/EC2 form parameters, by the input shape.
Result<boost::json::object> decode_query_input(const ServiceModel& svc, const Operation& op,
                                               const std::vector<std::pair<std::string, std::string>>& params,
                                               Wire wire);

}  // namespace citadel::protocol
