// The Insights baseline: an EWMA of per-period counts and the threshold a period must reach.
#include <gtest/gtest.h>

#include <cmath>

#include "services/cloudtrail/insights.h"

namespace citadel::services::cloudtrail {
namespace {

TEST(InsightsBaseline, AQuietApiNeedsTheAbsoluteFloor) {
  Baseline quiet;
  EXPECT_DOUBLE_EQ(insight_threshold(quiet), kMinExcess);
}

TEST(InsightsBaseline, LearnsASteadyRateAndItsSpread) {
  Baseline b;
  // Alternating 90 and 110 calls per period: mean 100, standard deviation 10.
  for (int i = 0; i < 20000; ++i) b = learn(b, i % 2 ? 110 : 90);
  EXPECT_NEAR(b.mean, 100, 1);
  EXPECT_NEAR(std::sqrt(b.variance), 10, 0.5);
  EXPECT_NEAR(insight_threshold(b), 100 + kSigmas * 10, 2);
  // A period at the steady rate is below the threshold; one at twice the rate is above it.
  EXPECT_LT(110, insight_threshold(b));
  EXPECT_GT(200, insight_threshold(b));
}

TEST(InsightsBaseline, OneSpikeMovesTheBaselineOnlyByItsWeight) {
  Baseline b{10, 1};
  Baseline after = learn(b, 1010);
  EXPECT_NEAR(after.mean, 10 + kBaselineAlpha * 1000, 1e-9);
  EXPECT_LT(insight_threshold(after), 1010);
}

}  // namespace
}  // namespace citadel::services::cloudtrail
