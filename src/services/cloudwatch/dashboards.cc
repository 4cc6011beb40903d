// PutDashboard, GetDashboard, ListDashboards, DeleteDashboards. Dashboards are global (no region in
// their ARNs); their bodies are checked by dashboard_body.h and stored as given.
#include <set>

#include "services/cloudwatch/alarm_store.h"
#include "services/cloudwatch/cloudwatch_operations.h"
#include "services/cloudwatch/dashboard_body.h"
#include "services/cloudwatch/dashboard_store.h"

namespace citadel::services::cloudwatch {

namespace {

constexpr size_t kMaxNameLength = 255;
constexpr size_t kPageSize = 1000;          // ListDashboards' page, as CloudWatch documents it
constexpr size_t kMaxDeletePerCall = 100;   // DeleteDashboards' limit
constexpr size_t kMaxTags = 50;

// PutDashboard's DashboardInvalidInputError.
AwsError invalid_input(std::string message) { return AwsError::sender("InvalidParameterInput", std::move(message), 400); }
AwsError not_found(const std::string& name) {
  return AwsError::sender("ResourceNotFound", "Dashboard " + name + " does not exist", 404);
}

bool name_char(char c, bool allow_dot) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || (allow_dot && c == '.');
}

// DashboardName: 1 to 255 of A-Z a-z 0-9 - _.
Status check_name(const std::string& name, AwsError (*err)(std::string)) {
  if (name.empty() || name.size() > kMaxNameLength)
    return err("The value for field DashboardName must be between 1 and " + std::to_string(kMaxNameLength) + " characters long.");
  for (char c : name)
    if (!name_char(c, false))
      return err("The value for field DashboardName contains invalid characters. It can only contain alphanumerics, dash (-) and "
                 "underscore (_).");
  return Ok{};
}

// Alarm widgets that name an alarm of this account which does not exist render nothing for it.
Status warn_missing_alarms(Call& call, DashboardCheck& check) {
  for (const auto& ref : check.alarm_arns) {
    // arn:aws:cloudwatch:REGION:ACCOUNT:alarm:NAME
    std::vector<std::string> parts;
    size_t start = 0;
    for (int i = 0; i < 6; ++i) {
      size_t colon = ref.message.find(':', start);
      if (colon == std::string::npos) break;
      parts.push_back(ref.message.substr(start, colon - start));
      start = colon + 1;
    }
    if (parts.size() != 6 || parts[0] != "arn" || parts[2] != "cloudwatch" || parts[5] != "alarm") {
      check.warnings.push_back({ref.data_path, "The value " + ref.message + " is not an alarm ARN"});
      continue;
    }
    if (parts[4] != call.account()) continue;  // another account's alarm: not ours to look up
    std::string name = ref.message.substr(start);
    auto a = load_alarm(call.tx, call.account(), parts[3], name);
    if (!a) return a.error();
    if (!*a) check.warnings.push_back({ref.data_path, "The alarm " + name + " does not exist in " + parts[3]});
  }
  return Ok{};
}

Result<json::value> put_dashboard(Call& call) {
  std::string name = call.str("DashboardName");
  if (auto s = check_name(name, invalid_input); !s) return s.error();
  std::string body = call.str("DashboardBody");
  auto check = check_dashboard_body(body);
  if (!check.errors.empty()) return invalid_input(invalid_body_message(check));
  if (auto s = warn_missing_alarms(call, check); !s) return s.error();

  auto existing = load_dashboard(call.tx, call.account(), name);
  if (!existing) return existing.error();
  // Tags are set when the dashboard is created; on an update CloudWatch ignores them.
  if (!*existing)
    if (const auto* tags = array(call.input, "Tags"); tags && !tags->empty()) {
      std::set<std::string> keys;
      for (const auto& t : *tags)
        if (t.is_object()) keys.insert(text(t.as_object(), "Key"));
      if (keys.size() > kMaxTags) return invalid_value("A resource can have at most " + std::to_string(kMaxTags) + " tags.");
      if (auto s = put_alarm_tags(call.tx, dashboard_arn(call.account(), name), *tags); !s) return s.error();
    }
  if (auto s = save_dashboard(call.tx, DashboardRow{call.account(), name, body, call.ctx.now_ms}); !s) return s.error();
  json::array messages;
  for (const auto& w : check.warnings) messages.push_back(json::object{{"DataPath", w.data_path}, {"Message", w.message}});
  return json::object{{"DashboardValidationMessages", std::move(messages)}};
}

Result<json::value> get_dashboard(Call& call) {
  std::string name = call.str("DashboardName");
  if (auto s = check_name(name, invalid_value); !s) return s.error();
  auto d = load_dashboard(call.tx, call.account(), name);
  if (!d) return d.error();
  if (!*d) return not_found(name);
  return json::object{{"DashboardArn", dashboard_arn(call.account(), name)}, {"DashboardBody", (*d)->body}, {"DashboardName", name}};
}

Result<json::value> list_dashboards_op(Call& call) {
  std::string prefix = call.str("DashboardNamePrefix");
  if (prefix.size() > kMaxNameLength)
    return invalid_value("The value for field DashboardNamePrefix must be at most " + std::to_string(kMaxNameLength) + " characters long.");
  for (char c : prefix)
    if (!name_char(c, true))
      return invalid_value("The value for field DashboardNamePrefix contains invalid characters. It can only contain alphanumerics, "
                           "dot (.), dash (-) and underscore (_).");
  size_t offset = 0;
  if (auto t = call.str("NextToken"); !t.empty()) {
    auto off = token_offset(t);
    if (!off) return off.error();
    offset = *off;
  }
  auto all = list_dashboards(call.tx, call.account(), prefix);
  if (!all) return all.error();
  json::array entries;
  for (size_t i = offset; i < all->size() && i < offset + kPageSize; ++i) {
    const auto& d = (*all)[i];
    entries.push_back(json::object{{"DashboardName", d.name},
                                   {"DashboardArn", dashboard_arn(d.account, d.name)},
                                   {"LastModified", d.modified_ms},
                                   {"Size", static_cast<int64_t>(d.body.size())}});
  }
  json::object out{{"DashboardEntries", std::move(entries)}};
  if (offset + kPageSize < all->size()) out["NextToken"] = offset_token(offset + kPageSize);
  return out;
}

Result<json::value> delete_dashboards(Call& call) {
  const auto* names = array(call.input, "DashboardNames");
  if (!names || names->empty()) return missing_parameter("The parameter DashboardNames is required.");
  if (names->size() > kMaxDeletePerCall)
    return invalid_value("At most " + std::to_string(kMaxDeletePerCall) + " dashboards can be deleted in one call.");
  // Every name must exist before any is deleted: one unknown name deletes nothing, as DeleteAlarms.
  std::vector<std::string> found;
  for (const auto& n : *names) {
    std::string name = n.is_string() ? std::string(n.as_string()) : "";
    auto d = load_dashboard(call.tx, call.account(), name);
    if (!d) return d.error();
    if (!*d) return not_found(name);
    found.push_back(std::move(name));
  }
  for (const auto& name : found)
    if (auto s = delete_dashboard(call.tx, call.account(), name); !s) return s.error();
  return json::object{};
}

}  // namespace

void add_dashboard_operations(std::vector<OperationDef>& ops) {
  ops.push_back(cw_op("PutDashboard", false, Resource::DashboardName, put_dashboard));
  ops.push_back(cw_op("GetDashboard", true, Resource::DashboardName, get_dashboard));
  ops.push_back(cw_op("ListDashboards", true, Resource::None, list_dashboards_op));
  ops.push_back(cw_op("DeleteDashboards", false, Resource::DashboardNames, delete_dashboards));
}

}  // namespace citadel::services::cloudwatch
