// SEARCH's metric search: schemas, partial and exact terms, designators and Boolean operators.
#include <gtest/gtest.h>

#include "services/cloudwatch/metric_search.h"

using namespace citadel::services::cloudwatch;

namespace {

Dimensions dims(std::initializer_list<std::pair<const char*, const char*>> d) {
  Dimensions out;
  for (auto& [n, v] : d) out.push_back({n, v});
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return out;
}

bool finds(const char* search, const std::string& ns, const std::string& name, const Dimensions& d) {
  auto s = MetricSearch::parse(search);
  EXPECT_TRUE(s) << search << ": " << (s ? "" : s.error().message);
  return s && s->matches(ns, name, d);
}

const Dimensions kInstance = dims({{"InstanceId", "i-0abc123"}});
const Dimensions kType = dims({{"InstanceType", "t2.micro"}});

}  // namespace

TEST(MetricSearch, SchemaKeepsTheNamespaceAndExactlyItsDimensionNames) {
  EXPECT_TRUE(finds("{AWS/EC2,InstanceId} MetricName=\"CPUUtilization\"", "AWS/EC2", "CPUUtilization", kInstance));
  EXPECT_FALSE(finds("{AWS/EC2,InstanceId} MetricName=\"CPUUtilization\"", "AWS/EC2", "CPUUtilization", kType));
  EXPECT_FALSE(finds("{AWS/EC2,InstanceId}", "AWS/EC2", "CPUUtilization",
                     dims({{"InstanceId", "i-1"}, {"AutoScalingGroupName", "g"}})));
  EXPECT_FALSE(finds("{AWS/EBS,InstanceId}", "AWS/EC2", "CPUUtilization", kInstance));
  EXPECT_TRUE(finds(" { \"My App\" , \"Service Name\" } ", "My App", "Errors", dims({{"Service Name", "checkout"}})));
}

TEST(MetricSearch, UnquotedWordsMatchTokensQuotedPhrasesWholeNames) {
  EXPECT_TRUE(finds("CPU", "AWS/EC2", "CPUUtilization", kInstance));
  EXPECT_TRUE(finds("utilization", "AWS/EC2", "CPUUtilization", kInstance));
  EXPECT_TRUE(finds("CPUUtilization", "AWS/EC2", "CPUUtilization", kInstance));
  EXPECT_FALSE(finds("Util", "AWS/EC2", "CPUUtilization", kInstance));
  EXPECT_TRUE(finds("micro", "AWS/EC2", "CPUUtilization", kType));
  EXPECT_TRUE(finds("EC2", "AWS/EC2", "NetworkIn", kType));
  EXPECT_TRUE(finds("\"t2.micro\"", "AWS/EC2", "CPUUtilization", kType));
  EXPECT_FALSE(finds("\"micro\"", "AWS/EC2", "CPUUtilization", kType));
  EXPECT_FALSE(finds("\"cpuutilization\"", "AWS/EC2", "CPUUtilization", kType));  // exact is case-sensitive
}

TEST(MetricSearch, DesignatorsLookAtOneProperty) {
  EXPECT_TRUE(finds("InstanceType=micro", "AWS/EC2", "CPUUtilization", kType));
  EXPECT_FALSE(finds("InstanceType=micro", "AWS/EC2", "CPUUtilization", kInstance));
  EXPECT_FALSE(finds("MetricName=micro", "AWS/EC2", "CPUUtilization", kType));
  EXPECT_TRUE(finds("Namespace=\"AWS/EC2\" MetricName=CPU", "AWS/EC2", "CPUUtilization", kType));
  EXPECT_FALSE(finds("Namespace=\"AWS/EC\"", "AWS/EC2", "CPUUtilization", kType));
}

TEST(MetricSearch, BooleanOperators) {
  EXPECT_TRUE(finds("NetworkIn OR CPUUtilization", "AWS/EC2", "CPUUtilization", kType));
  EXPECT_FALSE(finds("NetworkIn AND CPUUtilization", "AWS/EC2", "CPUUtilization", kType));
  EXPECT_FALSE(finds("NetworkIn CPUUtilization", "AWS/EC2", "CPUUtilization", kType));  // AND implied
  EXPECT_FALSE(finds("CPU NOT micro", "AWS/EC2", "CPUUtilization", kType));
  EXPECT_TRUE(finds("CPU NOT micro", "AWS/EC2", "CPUUtilization", kInstance));
  EXPECT_TRUE(finds("(NetworkIn OR CPU) AND NOT \"t3.large\"", "AWS/EC2", "CPUUtilization", kType));
}

TEST(MetricSearch, BadSearchesAreRefused) {
  for (const char* bad : {"", "   ", "{", "{}", "{AWS/EC2,}", "\"open", "(CPU", "CPU)", "NOT", "a OR", "MetricName=", "---"})
    EXPECT_FALSE(MetricSearch::parse(bad)) << bad;
}
