#pragma once
// CloudTrail Insights: unusual write-call rates (ApiCallRateInsight) and error rates
// (ApiErrorRateInsight) per API of the trail's account.
//
// AWS publishes no algorithm, so Citadel uses a documented, conventional one: time is cut into
// periods (`citadel serve --insights-period`, default 60 s, as AWS counts per minute); for each API
// an exponentially weighted moving average and variance of its per-period count (weight
// kBaselineAlpha, about a day of minutes) is the baseline. After kWarmupPeriods periods of history,
// a period whose count reaches mean + max(kSigmas * stddev, kMinExcess) starts an insight (a
// "Start" event); the baseline does not learn from the insight's periods, and the first period
// whose count falls below the threshold the insight started with ends it (an "End" event with the
// same sharedEventID, the insight's average and duration in periods, and attributions by
// userIdentityArn, userAgent and errorCode). EWMA control charts are the textbook tool for a
// shifting, noisy rate; the absolute floor keeps a quiet API (mean 0, variance 0) from raising an
// insight on its second call.
#include "services/cloudtrail/trail_store.h"

namespace citadel::services::cloudtrail {

constexpr double kBaselineAlpha = 1.0 / 1440;
constexpr int64_t kWarmupPeriods = 10;
constexpr double kSigmas = 3.0;
constexpr double kMinExcess = 5.0;

std::vector<store::Migration> insight_migrations();

// Evaluates the periods that ended since the last round for a trail with insight selectors,
// recording Insights events in Event history and delivering them to the trail's bucket under
// CloudTrail-Insight/. In the caller's transaction.
Status evaluate_insights(Call& call, const TrailRow& trail, int64_t period_ms);

// The decision for one period, pure: does `count` start an insight over this baseline?
struct Baseline {
  double mean = 0, variance = 0;
};
double insight_threshold(const Baseline& b);
// The baseline after one more period with `count` calls.
Baseline learn(const Baseline& b, double count);

}  // namespace citadel::services::cloudtrail
