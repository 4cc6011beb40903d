#pragma once
// Composite alarms: PutCompositeAlarm, and how a composite alarm takes its state from the alarms
// its rule names (ALARM when the rule is true, OK when false, INSUFFICIENT_DATA when it names an
// alarm that does not exist and that alarm decides).
#include "services/cloudwatch/alarm_store.h"

namespace citadel::services::cloudwatch {

struct CompositeState {
  std::string state, reason;
  json::object data;  // StateReasonData: the named alarms and their states
};
// `alarms`: the alarms the rule may name (others' accounts and regions are passed over).
CompositeState evaluate_composite(const AlarmRow& composite, const std::vector<AlarmRow>& alarms);

// Moves every composite alarm whose rule now says another state, repeating while a move changes
// what another composite sees (bounded, so that cycles of composites settle). Returns the moves.
Result<int> settle_composites(store::Tx& tx, int64_t now_ms);

}  // namespace citadel::services::cloudwatch
