#pragma once
// What every CloudWatch operation shares: its errors (the query-protocol codes CloudWatch answers
// with on every wire), dimensions in their canonical order, alarm ARNs, and cw_op(), which declares
// an operation's authorization as the Service Authorization Reference lists it.
#include <optional>
#include <string>
#include <vector>

#include "services/service.h"

namespace citadel::services::cloudwatch {

AwsError invalid_value(std::string message);        // InvalidParameterValue, 400
AwsError invalid_combination(std::string message);  // InvalidParameterCombination, 400
AwsError missing_parameter(std::string message);    // MissingParameter, 400
AwsError alarm_not_found(std::string message);      // ResourceNotFound, 404
AwsError invalid_next_token();                      // InvalidNextToken, 400

struct Dimension {
  std::string name, value;
};
// Sorted by name, names unique: two requests that list the same dimensions in another order name
// the same metric.
using Dimensions = std::vector<Dimension>;

// Reads a Dimensions member ([{"Name","Value"}]); `where` names it in errors
// ("MetricData.member.1.Dimensions"). Duplicate names are refused.
Result<Dimensions> read_dimensions(const json::value* v, const std::string& where);
std::string dimensions_key(const Dimensions& d);  // stable text identity, for the store
json::array dimensions_json(const Dimensions& d);
Dimensions dimensions_from_key(const std::string& key);

std::string alarm_arn(const std::string& region, const std::string& account, const std::string& name);
// The alarm name of an alarm ARN of this account and region, or nullopt.
std::optional<std::string> alarm_name_of(const std::string& arn, const std::string& region, const std::string& account);
// Dashboards are global: arn:aws:cloudwatch::ACCOUNT:dashboard/NAME, no region.
std::string dashboard_arn(const std::string& account, const std::string& name);
std::optional<std::string> dashboard_name_of(const std::string& arn, const std::string& account);

// Whose resources an operation acts on, for its authorization.
enum class Resource {
  None,           // "*"
  AlarmName,      // the alarm named by AlarmName
  AlarmNames,     // each alarm of AlarmNames
  AlarmsOrAll,    // each alarm of AlarmNames, or every alarm (alarm:*) when none is named
  ResourceArn,    // ResourceARN (tags)
  DashboardName,  // the dashboard named by DashboardName
  DashboardNames, // each dashboard of DashboardNames
};
// An operation whose IAM action is cloudwatch:<name>.
OperationDef cw_op(const char* name, bool read_only, Resource resource, Handler handler);

// Input helpers.
std::optional<double> number(const json::object& o, std::string_view member);
std::optional<int64_t> integer(const json::object& o, std::string_view member);
const json::array* array(const json::object& o, std::string_view member);
std::string text(const json::object& o, std::string_view member);

// JSON text with numbers as CloudWatch writes them in StateReasonData and HistoryData ("1.5",
// "90.0"; boost::json would write "1.5E0").
std::string json_text(const json::value& v);

// Paging by an opaque token that carries an offset into a stably ordered list.
std::string offset_token(size_t offset);
Result<size_t> token_offset(const std::string& token);

}  // namespace citadel::services::cloudwatch
