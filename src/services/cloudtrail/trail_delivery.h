#pragma once
// Trail delivery, run in the background (`citadel serve --trail-delivery-interval`): each round
// takes every trail's events since its last round, keeps those its region and event selectors
// select, and writes them as gzipped {"Records":[...]} files to its bucket under
// AWSLogs/ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/, one file per account and region. The file, the
// trail's new position and the list of files awaiting a digest commit in one transaction, so an
// event is delivered exactly once even across kill -9. Trails with log file validation then get
// their digest files when a digest period has passed (trail_digests.h).
#include <cstdint>

#include "services/service.h"

namespace citadel::services::cloudtrail {

struct DeliveryRound {
  int64_t now_ms = 0;
  int64_t digest_interval_ms = 3600 * 1000;
  int64_t insights_period_ms = 60 * 1000;  // insights.h
};

// One round for every trail, each in its own write transaction; a trail whose bucket refuses
// delivery keeps its events for the next round and reports the error in GetTrailStatus.
void deliver_all_trails(const Env& env, const DeliveryRound& round);

}  // namespace citadel::services::cloudtrail
