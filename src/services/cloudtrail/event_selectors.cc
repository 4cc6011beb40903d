#include "services/cloudtrail/event_selectors.h"

#include <algorithm>

namespace citadel::services::cloudtrail {

namespace {

constexpr size_t kMaxSelectors = 5;            // basic selectors per trail
constexpr size_t kMaxAdvancedSelectors = 500;  // advanced selectors per trail
constexpr size_t kMaxDataResourceValues = 250;

AwsError invalid_selectors(const std::string& message) {
  return AwsError::sender("InvalidEventSelectorsException", message, 400);
}

std::string text_of(const json::object& o, std::string_view member) {
  const auto* v = o.if_contains(member);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

const std::vector<std::string_view> kDataResourceTypes{"AWS::S3::Object", "AWS::Lambda::Function", "AWS::DynamoDB::Table"};
const std::vector<std::string_view> kAdvancedFields{"eventCategory", "readOnly",       "eventSource",       "eventName",
                                                    "eventType",     "errorCode",      "resources.type",    "resources.ARN",
                                                    "userIdentity.arn", "sessionCredentialFromConsole", "vpcEndpointId"};
const std::vector<std::string_view> kOperators{"Equals", "StartsWith", "EndsWith", "NotEquals", "NotStartsWith", "NotEndsWith"};

Result<json::array> check_basic(const json::array& selectors) {
  if (selectors.size() > kMaxSelectors)
    return invalid_selectors("You can specify at most " + std::to_string(kMaxSelectors) + " event selectors for a trail.");
  json::array out;
  for (const auto& v : selectors) {
    const auto& s = v.as_object();
    std::string rw = text_of(s, "ReadWriteType");
    if (rw.empty()) rw = "All";
    bool management = !s.contains("IncludeManagementEvents") || s.at("IncludeManagementEvents").as_bool();
    json::array resources;
    size_t values = 0;
    if (const auto* dr = s.if_contains("DataResources"); dr && dr->is_array())
      for (const auto& r : dr->as_array()) {
        const auto& ro = r.as_object();
        std::string type = text_of(ro, "Type");
        if (std::find(kDataResourceTypes.begin(), kDataResourceTypes.end(), type) == kDataResourceTypes.end())
          return invalid_selectors("Value " + type + " for DataResources.Type is invalid.");
        json::array vals;
        if (const auto* vs = ro.if_contains("Values"); vs && vs->is_array())
          for (const auto& x : vs->as_array()) {
            std::string val(x.as_string());
            if (val.rfind("arn:", 0) != 0) return invalid_selectors("Value " + val + " for DataResources.Values is invalid.");
            vals.push_back(x);
          }
        values += vals.size();
        resources.push_back(json::object{{"Type", type}, {"Values", std::move(vals)}});
      }
    if (values > kMaxDataResourceValues)
      return invalid_selectors("You can specify at most " + std::to_string(kMaxDataResourceValues) + " data resources for a trail.");
    json::array excluded;
    if (const auto* ex = s.if_contains("ExcludeManagementEventSources"); ex && ex->is_array()) excluded = ex->as_array();
    out.push_back(json::object{{"ReadWriteType", rw},
                               {"IncludeManagementEvents", management},
                               {"DataResources", std::move(resources)},
                               {"ExcludeManagementEventSources", std::move(excluded)}});
  }
  return out;
}

Result<json::array> check_advanced(const json::array& selectors) {
  if (selectors.size() > kMaxAdvancedSelectors)
    return invalid_selectors("You can specify at most " + std::to_string(kMaxAdvancedSelectors) + " advanced event selectors.");
  for (const auto& v : selectors) {
    const auto& s = v.as_object();
    bool has_category = false;
    for (const auto& f : s.at("FieldSelectors").as_array()) {
      const auto& fo = f.as_object();
      std::string field = text_of(fo, "Field");
      if (std::find(kAdvancedFields.begin(), kAdvancedFields.end(), field) == kAdvancedFields.end())
        return invalid_selectors("Invalid field name: " + field + ".");
      if (field == "eventCategory") has_category = true;
      bool any = false;
      for (auto op : kOperators)
        if (const auto* vals = fo.if_contains(op); vals && vals->is_array() && !vals->as_array().empty()) any = true;
      if (!any) return invalid_selectors("Field selector " + field + " must have at least one operator with values.");
    }
    if (!has_category) return invalid_selectors("Each advanced event selector must have an eventCategory field.");
  }
  return selectors;
}

bool read_write_matches(const std::string& rw, bool read_only) {
  return rw == "All" || (rw == "ReadOnly" && read_only) || (rw == "WriteOnly" && !read_only);
}

bool basic_selects(const json::object& s, const EventFacts& e) {
  if (!read_write_matches(text_of(s, "ReadWriteType"), e.read_only)) return false;
  if (e.management) {
    if (!s.at("IncludeManagementEvents").as_bool()) return false;
    for (const auto& x : s.at("ExcludeManagementEventSources").as_array())
      if (x.as_string() == e.event_source) return false;
    return true;
  }
  // A data event: logged when one of the selector's data resources names the resource's ARN or a
  // prefix of it ("arn:aws:s3" for every bucket, "arn:aws:s3:::bucket/" for one bucket).
  for (const auto& r : s.at("DataResources").as_array()) {
    const auto& ro = r.as_object();
    std::string type = text_of(ro, "Type");
    for (const auto& [res_type, arn] : e.resources) {
      if (res_type != type) continue;
      for (const auto& v : ro.at("Values").as_array())
        if (arn.rfind(std::string(v.as_string()), 0) == 0) return true;
    }
  }
  return false;
}

// The values of an advanced selector's field in one event (several for resources.*).
std::vector<std::string> field_values(const std::string& field, const EventFacts& e) {
  if (field == "eventCategory") return {e.management ? "Management" : "Data"};
  if (field == "readOnly") return {e.read_only ? "true" : "false"};
  if (field == "eventSource") return {e.event_source};
  if (field == "eventName") return {e.event_name};
  if (field == "eventType") return {e.event_type};
  if (field == "errorCode") return {e.error_code};
  if (field == "userIdentity.arn") return {e.identity_arn};
  std::vector<std::string> out;
  for (const auto& [type, arn] : e.resources) out.push_back(field == "resources.type" ? type : field == "resources.ARN" ? arn : "");
  if (out.empty()) out.emplace_back();
  return out;
}

bool op_matches(std::string_view op, const std::string& value, const std::string& pattern) {
  if (op.ends_with("Equals")) return value == pattern;
  if (op.ends_with("StartsWith")) return value.starts_with(pattern);
  return value.ends_with(pattern);  // EndsWith
}

// A field selector matches when, for one of the field's values, every positive operator has a
// matching pattern and no negative operator does.
bool field_matches(const json::object& f, const EventFacts& e) {
  for (const auto& value : field_values(text_of(f, "Field"), e)) {
    bool ok = true;
    for (auto op : kOperators) {
      const auto* pats = f.if_contains(op);
      if (!pats || !pats->is_array() || pats->as_array().empty()) continue;
      bool any = std::any_of(pats->as_array().begin(), pats->as_array().end(),
                             [&](const json::value& p) { return op_matches(op, value, std::string(p.as_string())); });
      bool negative = op.starts_with("Not");
      if (negative ? any : !any) ok = false;
    }
    if (ok) return true;
  }
  return false;
}

}  // namespace

EventFacts event_facts(const json::object& record) {
  EventFacts e;
  e.management = text_of(record, "eventCategory") != "Data";
  if (const auto* ro = record.if_contains("readOnly"); ro && ro->is_bool()) e.read_only = ro->as_bool();
  e.event_source = text_of(record, "eventSource");
  e.event_name = text_of(record, "eventName");
  e.event_type = text_of(record, "eventType");
  e.error_code = text_of(record, "errorCode");
  e.region = text_of(record, "awsRegion");
  if (const auto* id = record.if_contains("userIdentity"); id && id->is_object()) e.identity_arn = text_of(id->as_object(), "arn");
  if (const auto* rs = record.if_contains("resources"); rs && rs->is_array())
    for (const auto& r : rs->as_array())
      if (r.is_object()) e.resources.emplace_back(text_of(r.as_object(), "type"), text_of(r.as_object(), "ARN"));
  return e;
}

std::string default_selectors_json() {
  return json::serialize(json::object{
      {"EventSelectors", json::array{json::object{{"ReadWriteType", "All"},
                                                  {"IncludeManagementEvents", true},
                                                  {"DataResources", json::array{}},
                                                  {"ExcludeManagementEventSources", json::array{}}}}}});
}

Result<std::string> selectors_from_input(const json::object& input) {
  const auto* basic = input.if_contains("EventSelectors");
  const auto* advanced = input.if_contains("AdvancedEventSelectors");
  if (basic && advanced)
    return AwsError::sender("InvalidParameterCombinationException",
                            "You cannot use both EventSelectors and AdvancedEventSelectors in a PutEventSelectors request.", 400);
  if (!basic && !advanced) return invalid_selectors("You must specify EventSelectors or AdvancedEventSelectors.");
  if (basic) {
    auto checked = check_basic(basic->as_array());
    if (!checked) return checked.error();
    return json::serialize(json::object{{"EventSelectors", std::move(*checked)}});
  }
  auto checked = check_advanced(advanced->as_array());
  if (!checked) return checked.error();
  return json::serialize(json::object{{"AdvancedEventSelectors", std::move(*checked)}});
}

EventSelection EventSelection::parse(const std::string& selectors_json) {
  EventSelection s;
  auto v = json::parse(selectors_json).as_object();
  if (auto* b = v.if_contains("EventSelectors")) s.basic_ = b->as_array();
  if (auto* a = v.if_contains("AdvancedEventSelectors")) s.advanced_ = a->as_array();
  return s;
}

bool EventSelection::selects(const EventFacts& e) const {
  for (const auto& s : basic_)
    if (basic_selects(s.as_object(), e)) return true;
  for (const auto& s : advanced_) {
    const auto& fields = s.as_object().at("FieldSelectors").as_array();
    if (std::all_of(fields.begin(), fields.end(), [&](const json::value& f) { return field_matches(f.as_object(), e); }))
      return true;
  }
  return false;
}

}  // namespace citadel::services::cloudtrail
