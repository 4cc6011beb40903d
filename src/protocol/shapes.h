#pragma once
// Walking model shapes: resolving member references, converting scalars, validating inputs.
// Internal to the protocol layer.
#include <boost/json.hpp>
#include <string>
#include <string_view>

#include "base/error.h"
#include "protocol/model.h"

namespace citadel::protocol::shapes {

namespace json = boost::json;

// The shape a member reference ({"shape": "X", ...}) points to, or nullptr.
const json::object* resolve(const ServiceModel& svc, const json::value& member_ref);
std::string_view type_of(const json::object* shape);
std::string_view str_field(const json::object& o, std::string_view key);
bool flag(const json::object& o, std::string_view key);

// Converts a wire text (query parameter, header, XML text) to the JSON value of a scalar shape.
// Timestamps become integer milliseconds. Returns nullopt when the text is not of that type.
std::optional<json::value> scalar_from_text(const json::object* shape, std::string_view text);

// Timestamps in a JSON body (epoch seconds or ISO text) become integer milliseconds, recursively.
// Returns an error message when a value has the wrong JSON type for its shape.
Status normalize_json_input(const ServiceModel& svc, const json::object* shape, json::value& v,
                            const std::string& path);

// Checks required members, lengths and ranges; the message is AWS's "N validation error(s)
// detected: ..." text. `code` is ValidationError (query) or ValidationException (JSON/REST).
Status validate(const ServiceModel& svc, const json::object* shape, const json::value& v, std::string_view code);

// The member's name on the wire: locationName when the model gives one.
std::string wire_name(const json::object& member_ref, std::string_view member_name);

}  // namespace citadel::protocol::shapes
