// The usage meter counts calls per account, region and operation between drains.
#include <gtest/gtest.h>

#include <algorithm>

#include "server/usage_meter.h"

using namespace citadel;

TEST(UsageMeter, CountsPerAccountRegionAndOperationUntilDrained) {
  server::UsageMeter m;
  m.record("111111111111", "us-east-1", "kms", "Encrypt", 200, 1000);
  m.record("111111111111", "us-east-1", "kms", "Encrypt", 400, 3000);
  m.record("111111111111", "eu-west-1", "kms", "Encrypt", 200, 2000);
  m.record("222222222222", "us-east-1", "kms", "Encrypt", 500, 500);
  m.record("", "us-east-1", "sts", "GetCallerIdentity", 403, 100);  // no account: not counted
  auto usage = m.drain();
  ASSERT_EQ(usage.size(), 3u);
  auto it = std::find_if(usage.begin(), usage.end(), [](const auto& u) { return u.account == "111111111111" && u.region == "us-east-1"; });
  ASSERT_NE(it, usage.end());
  EXPECT_EQ(it->calls, 2u);
  EXPECT_EQ(it->errors, 1u);
  EXPECT_DOUBLE_EQ(it->latency_ms_sum, 4.0);
  EXPECT_DOUBLE_EQ(it->latency_ms_min, 1.0);
  EXPECT_DOUBLE_EQ(it->latency_ms_max, 3.0);
  EXPECT_TRUE(m.drain().empty());
  m.record("111111111111", "us-east-1", "kms", "Encrypt", 200, 1000);
  EXPECT_EQ(m.drain().front().calls, 1u);
}
