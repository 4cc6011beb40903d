#pragma once
// VPC flow log records and the LogFormat strings that choose their fields. Pure: values in,
// values out (tests/services/ec2_flow_log_format_test.cc).
//
// A format is fields as ${name} separated by single spaces, each a field of VPC flow logs
// (versions 2 to 8). A record is a line of values in a format's order, "-" where a value does not
// apply; ${version} renders as the highest version any field of the format needs, as AWS's does.
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace citadel::services::ec2::flowlog {

// The version 2 ("default") format.
inline constexpr std::string_view kDefaultFormat =
    "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} "
    "${bytes} ${start} ${end} ${action} ${log-status}";

using Fields = std::vector<std::string>;   // field names in order ("srcaddr")
using Record = std::map<std::string, std::string>;  // field name -> value; absent = "-"

// The fields of `format`: InvalidParameter (400) when it is empty, not ${name} words separated by
// single spaces, names a field twice, or names a field flow logs do not have.
Result<Fields> parse_format(std::string_view format);

// The highest record version `fields` need (2 for the default format).
int format_version(const Fields& fields);

// One line in `fields`: the values by name ("-" values are left out). InvalidParameterValue (400)
// when the number of values differs from the number of fields, or a value is malformed (a number
// field that is not a number, an action other than ACCEPT/REJECT, a log-status other than
// OK/NODATA/SKIPDATA).
Result<Record> parse_record(std::string_view line, const Fields& fields);

// The record as a line in `fields` ("-" for what it lacks; ${version} from format_version).
std::string render(const Record& record, const Fields& fields);

// The header line of delivered files: the field names separated by spaces.
std::string header(const Fields& fields);

}  // namespace citadel::services::ec2::flowlog
