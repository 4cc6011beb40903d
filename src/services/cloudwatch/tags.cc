// TagResource, UntagResource, ListTagsForResource on alarms and dashboards (the taggable CloudWatch
// resources Citadel has).
#include <set>

#include "services/cloudwatch/alarm_store.h"
#include "services/cloudwatch/cloudwatch_operations.h"
#include "services/cloudwatch/dashboard_store.h"

namespace citadel::services::cloudwatch {

namespace {

constexpr size_t kMaxTags = 50;

AwsError resource_not_found(const std::string& arn) {
  return AwsError::sender("ResourceNotFoundException", "The specified resource " + arn + " does not exist.", 404);
}

// Checks that the alarm or dashboard a ResourceARN names exists (ResourceNotFoundException).
Status tagged_resource(Call& call) {
  std::string arn = call.str("ResourceARN");
  if (auto dashboard = dashboard_name_of(arn, call.account())) {
    auto d = load_dashboard(call.tx, call.account(), *dashboard);
    if (!d) return d.error();
    if (!*d) return resource_not_found(arn);
    return Ok{};
  }
  auto name = alarm_name_of(arn, call.ctx.region, call.account());
  if (!name) {
    if (arn.rfind("arn:", 0) != 0) return invalid_value("The value " + arn + " for parameter ResourceARN is not a valid ARN.");
    return resource_not_found(arn);
  }
  auto a = load_alarm(call.tx, call.account(), call.ctx.region, *name);
  if (!a) return a.error();
  if (!*a) return resource_not_found(arn);
  return Ok{};
}

Result<json::value> tag_resource(Call& call) {
  if (auto s = tagged_resource(call); !s) return s.error();
  std::string arn = call.str("ResourceARN");
  auto current = alarm_tags(call.tx, arn);
  if (!current) return current.error();
  std::set<std::string> keys;
  for (auto& [k, v] : *current) keys.insert(k);
  for (const auto& t : *array(call.input, "Tags"))
    if (t.is_object()) keys.insert(text(t.as_object(), "Key"));
  if (keys.size() > kMaxTags) return invalid_value("A resource can have at most " + std::to_string(kMaxTags) + " tags.");
  if (auto s = put_alarm_tags(call.tx, arn, *array(call.input, "Tags")); !s) return s.error();
  return json::object{};
}

Result<json::value> untag_resource(Call& call) {
  if (auto s = tagged_resource(call); !s) return s.error();
  if (auto s = remove_alarm_tags(call.tx, call.str("ResourceARN"), *array(call.input, "TagKeys")); !s) return s.error();
  return json::object{};
}

Result<json::value> list_tags_for_resource(Call& call) {
  if (auto s = tagged_resource(call); !s) return s.error();
  auto tags = alarm_tags(call.tx, call.str("ResourceARN"));
  if (!tags) return tags.error();
  json::array out;
  for (auto& [k, v] : *tags) out.push_back(json::object{{"Key", k}, {"Value", v}});
  return json::object{{"Tags", std::move(out)}};
}

}  // namespace

void add_tag_operations(std::vector<OperationDef>& ops) {
  ops.push_back(cw_op("TagResource", false, Resource::ResourceArn, tag_resource));
  ops.push_back(cw_op("UntagResource", false, Resource::ResourceArn, untag_resource));
  ops.push_back(cw_op("ListTagsForResource", true, Resource::ResourceArn, list_tags_for_resource));
}

}  // namespace citadel::services::cloudwatch
