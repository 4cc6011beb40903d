#pragma once
// Which events a trail logs: basic event selectors (ReadWriteType, IncludeManagementEvents,
// ExcludeManagementEventSources, DataResources) or advanced event selectors (field selectors with
// Equals/StartsWith/EndsWith and their negations). An event is logged when any selector selects it.
#include <string>
#include <vector>

#include "services/service.h"

namespace citadel::services::cloudtrail {

// What selectors look at in one CloudTrail record.
struct EventFacts {
  bool management = true;
  bool read_only = false;
  std::string event_source, event_name, event_type, error_code, identity_arn, region;
  std::vector<std::pair<std::string, std::string>> resources;  // (type, ARN)
};
EventFacts event_facts(const json::object& record);

// A new trail's selectors: every management event, read and write, no data events.
std::string default_selectors_json();

// PutEventSelectors' input checked and completed with AWS's defaults, as the JSON text a trail
// stores ({"EventSelectors": [...]} or {"AdvancedEventSelectors": [...]}).
Result<std::string> selectors_from_input(const json::object& input);

class EventSelection {
 public:
  static EventSelection parse(const std::string& selectors_json);
  bool selects(const EventFacts& e) const;

 private:
  json::array basic_, advanced_;
};

}  // namespace citadel::services::cloudtrail
