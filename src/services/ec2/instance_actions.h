#pragma once
// What other services may do to an instance without an EC2 call: CloudWatch alarm actions
// (arn:aws:automate:REGION:ec2:stop|terminate|reboot) stop, terminate or reboot the instance of
// the alarm's InstanceId dimension, with the same state rules as StopInstances and friends.
#include <string>
#include <string_view>

#include "base/error.h"
#include "store/store.h"

namespace citadel::services::ec2 {

// `verb` is "stop", "terminate" or "reboot". Returns the state the instance settles in
// ("stopped", "terminated", "running"); InvalidInstanceID.NotFound or IncorrectInstanceState
// errors as EC2 words them.
Result<std::string> alarm_instance_action(store::Tx& tx, const std::string& account, const std::string& region,
                                          const std::string& instance_id, std::string_view verb, int64_t now_ms);

}  // namespace citadel::services::ec2
