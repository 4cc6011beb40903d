#pragma once
// Which calls CloudTrail records as data events (eventCategory "Data"): operations on or in a
// resource, as opposed to management of it. Data events stay out of LookupEvents (Event history)
// and reach a trail only when its event selectors ask for them.
#include <string_view>

namespace citadel::services::cloudtrail {

bool is_data_event(std::string_view event_source, std::string_view event_name);

}  // namespace citadel::services::cloudtrail
