#pragma once
// Serialising a JSON value to XML as its model shape says (query, ec2 and rest-xml outputs).
#include <boost/json.hpp>
#include <string_view>

#include "base/xml_writer.h"
#include "protocol/model.h"

namespace citadel::protocol {

// Writes the members of a structure value (without an enclosing element).
void write_members_xml(XmlWriter& w, const ServiceModel& svc, const boost::json::object* shape,
                       const boost::json::value& v, Wire wire);
// Writes <name>value</name> for a value of any shape.
void write_value_xml(XmlWriter& w, const ServiceModel& svc, const boost::json::object* shape,
                     const boost::json::value& v, std::string_view name, Wire wire);

}  // namespace citadel::protocol
