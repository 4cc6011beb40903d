#pragma once
// A DashboardBody checked as CloudWatch checks it: the structure AWS documents in "Dashboard Body
// Structure and Syntax" (a widgets array of 0 to 500 widgets; each widget's type, position, size
// and type-specific properties). Pure: no store, no clock.
//
// Errors refuse the body (PutDashboard's InvalidParameterInput, worded as CloudWatch's JSON
// schema validator words them: "Should be array", "Should be <= 23"); warnings are returned in
// DashboardValidationMessages while the dashboard is stored (parts that will not render).
#include <string>
#include <string_view>
#include <vector>

namespace citadel::services::cloudwatch {

struct DashboardMessage {
  std::string data_path;  // JSON pointer into the body: "/widgets/0/properties/metrics/1"
  std::string message;
};

struct DashboardCheck {
  bool json_object = true;  // false: the body is not a JSON object at all
  std::vector<DashboardMessage> errors;
  std::vector<DashboardMessage> warnings;
  // Alarm ARNs the body names (alarm widgets, alarm annotations) with where, so that the caller
  // can warn about alarms that do not exist.
  std::vector<DashboardMessage> alarm_arns;  // data_path, message = the ARN
};

DashboardCheck check_dashboard_body(std::string_view body);

// CloudWatch's text for a refused body: "The dashboard body is invalid, there are N validation
// errors:" and the errors as an indented JSON array of {"dataPath", "message"}.
std::string invalid_body_message(const DashboardCheck& check);

}  // namespace citadel::services::cloudwatch
