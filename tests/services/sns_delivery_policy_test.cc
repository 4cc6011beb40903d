// SNS's HTTP/S delivery policy: AWS's default (3 retries, 20 seconds apart), the four phases, the
// backoff functions' shapes, which answers are retried, the checks SNS makes of a policy, and how
// a subscription's policy stands over its topic's.
#include <gtest/gtest.h>

#include "services/outbound/http_client.h"
#include "services/sns/delivery_policy.h"

using namespace citadel::services::sns;
namespace outbound = citadel::services::outbound;

namespace {

std::vector<int64_t> delays(const RetryPolicy& p) {
  std::vector<int64_t> out;
  for (int n = 1; auto d = retry_delay_ms(p, n); ++n) out.push_back(*d);
  return out;
}

RetryPolicy policy(int min, int max, int retries, int no_delay, int min_delay, int max_delay, std::string backoff) {
  return RetryPolicy{min, max, retries, no_delay, min_delay, max_delay, std::move(backoff)};
}

std::string parse_error(std::string_view text) {
  auto r = parse_subscription_delivery_policy(text);
  return r ? "" : r.error().message;
}

}  // namespace

TEST(DeliveryPolicy, AwsDefaultIsThreeRetriesTwentySecondsApart) {
  EXPECT_EQ(delays(RetryPolicy{}), (std::vector<int64_t>{20000, 20000, 20000}));
  EXPECT_FALSE(retry_delay_ms(RetryPolicy{}, 0));
}

TEST(DeliveryPolicy, PhasesInOrderNoDelayThenMinThenBackoffThenMax) {
  // 2 at once, 1 at the minimum, 2 climbing linearly, 1 at the maximum.
  auto p = policy(10, 30, 6, 2, 1, 1, "linear");
  EXPECT_EQ(delays(p), (std::vector<int64_t>{0, 0, 10000, 20000, 30000, 30000}));
}

TEST(DeliveryPolicy, EveryBackoffFunctionClimbsFromMinToMax) {
  for (const char* f : {"linear", "arithmetic", "geometric", "exponential"}) {
    auto d = delays(policy(1, 64, 6, 0, 0, 0, f));
    ASSERT_EQ(d.size(), 6u) << f;
    EXPECT_EQ(d.back(), 64000) << f;
    for (size_t i = 1; i < d.size(); ++i) EXPECT_GT(d[i], d[i - 1]) << f << " retry " << i;
    EXPECT_GE(d.front(), 1000) << f;
  }
  // Linear steps are equal; exponential ones double; geometric ones keep a ratio.
  EXPECT_EQ(delays(policy(10, 40, 3, 0, 0, 0, "linear")), (std::vector<int64_t>{20000, 30000, 40000}));
  EXPECT_EQ(delays(policy(1, 8, 3, 0, 0, 0, "exponential")), (std::vector<int64_t>{2000, 4000, 8000}));
  EXPECT_EQ(delays(policy(1, 8, 3, 0, 0, 0, "geometric")), (std::vector<int64_t>{2000, 4000, 8000}));
  EXPECT_EQ(delays(policy(0 + 1, 7, 3, 0, 0, 0, "arithmetic")), (std::vector<int64_t>{2000, 4000, 7000}));
}

TEST(DeliveryPolicy, FiveHundredsAndThrottlingAndSilenceAreRetriedOtherAnswersAreNot) {
  for (int s : {0, 429, 500, 502, 503, 504}) EXPECT_TRUE(outbound::retryable_status(s)) << s;
  for (int s : {200, 204, 301, 400, 403, 404}) EXPECT_FALSE(outbound::retryable_status(s)) << s;
  EXPECT_TRUE(outbound::delivered_status(200));
  EXPECT_TRUE(outbound::delivered_status(204));
  EXPECT_FALSE(outbound::delivered_status(404));
}

TEST(DeliveryPolicy, ChecksAsSnsDoes) {
  EXPECT_EQ(parse_error(R"({"healthyRetryPolicy":{"numRetries":5}})"), "");
  EXPECT_EQ(parse_error(R"({"healthyRetryPolicy":{"minDelayTarget":1,"maxDelayTarget":1,"numRetries":3},)"
                        R"("requestPolicy":{"headerContentType":"application/json"},"throttlePolicy":{"maxReceivesPerSecond":5}})"),
            "");
  EXPECT_NE(parse_error("not json"), "");
  EXPECT_NE(parse_error(R"({"healthyRetryPolicy":{"minDelayTarget":30,"maxDelayTarget":20}})"), "");
  EXPECT_NE(parse_error(R"({"healthyRetryPolicy":{"numRetries":101}})"), "");
  EXPECT_NE(parse_error(R"({"healthyRetryPolicy":{"numRetries":2,"numNoDelayRetries":3}})"), "");
  EXPECT_NE(parse_error(R"({"healthyRetryPolicy":{"backoffFunction":"cubic"}})"), "");
  EXPECT_NE(parse_error(R"({"healthyRetryPolicy":{"numRetries":"3"}})"), "");
  EXPECT_NE(parse_error(R"({"healthyRetryPolicy":{"retries":3}})"), "");
  EXPECT_NE(parse_error(R"({"requestPolicy":{"headerContentType":"image/png"}})"), "");
  // 100 retries an hour apart would retry for days: over the 3,600-second limit.
  std::string too_long = parse_error(R"({"healthyRetryPolicy":{"minDelayTarget":3600,"maxDelayTarget":3600,"numRetries":100}})");
  EXPECT_NE(too_long.find("3600 seconds"), std::string::npos) << too_long;
  EXPECT_EQ(parse_error(R"({"healthyRetryPolicy":{"numRetries":3}})").find("Invalid parameter"), std::string::npos);
  EXPECT_EQ(parse_error(R"({"healthyRetryPolicy":{"numRetries":-1}})").rfind("Invalid parameter: DeliveryPolicy: ", 0), 0u);
  auto topic = parse_topic_delivery_policy(R"({"http":{"defaultHealthyRetryPolicy":{"numRetries":1},"disableSubscriptionOverrides":true}})");
  EXPECT_TRUE(topic.ok());
  EXPECT_FALSE(parse_topic_delivery_policy(R"({"sqs":{}})").ok());
}

TEST(DeliveryPolicy, SubscriptionStandsOverTopicUnlessTheTopicForbidsIt) {
  auto topic = *parse_topic_delivery_policy(
      R"({"http":{"defaultHealthyRetryPolicy":{"numRetries":1,"minDelayTarget":5,"maxDelayTarget":5},)"
      R"("defaultRequestPolicy":{"headerContentType":"application/json"}}})");
  auto sub = *parse_subscription_delivery_policy(R"({"healthyRetryPolicy":{"numRetries":7}})");
  EXPECT_EQ(effective_policy(nullptr, nullptr).retry.num_retries, 3);
  EXPECT_EQ(effective_policy(nullptr, nullptr).content_type, "text/plain; charset=UTF-8");
  EXPECT_EQ(effective_policy(&topic, nullptr).retry.num_retries, 1);
  EXPECT_EQ(effective_policy(&topic, nullptr).content_type, "application/json");
  auto both = effective_policy(&topic, &sub);
  EXPECT_EQ(both.retry.num_retries, 7);
  EXPECT_EQ(both.retry.min_delay_s, 20);  // what the subscription leaves out is AWS's default
  EXPECT_EQ(both.content_type, "application/json");
  auto locked = *parse_topic_delivery_policy(R"({"http":{"defaultHealthyRetryPolicy":{"numRetries":1},"disableSubscriptionOverrides":true}})");
  EXPECT_EQ(effective_policy(&locked, &sub).retry.num_retries, 1);
}

TEST(DeliveryPolicy, StoredTextRoundTrips) {
  DeliveryPolicy p;
  p.retry = policy(2, 9, 4, 1, 1, 1, "geometric");
  p.content_type = "application/json";
  auto back = policy_from_text(to_text(p));
  EXPECT_EQ(delays(back.retry), delays(p.retry));
  EXPECT_EQ(back.content_type, "application/json");
  auto shown = topic_policy_json(effective_policy(nullptr, nullptr), false);
  EXPECT_EQ(boost::json::serialize(shown),
            R"({"http":{"defaultHealthyRetryPolicy":{"minDelayTarget":20,"maxDelayTarget":20,"numRetries":3,)"
            R"("numMaxDelayRetries":0,"numNoDelayRetries":0,"numMinDelayRetries":0,"backoffFunction":"linear"},)"
            R"("disableSubscriptionOverrides":false,"defaultRequestPolicy":{"headerContentType":"text/plain; charset=UTF-8"}}})");
}
