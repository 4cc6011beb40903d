// Subscription filters' pure parts: the message AWS hands a Lambda function, and the retry
// schedule of deliveries.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "base/crypto.h"
#include "base/gzip.h"
#include "services/logs/subscription_message.h"
#include "services/logs/subscription_queue.h"

using namespace citadel;
using namespace citadel::services::logs;
namespace json = boost::json;

namespace {

json::object unpack(const std::string& body) {
  auto outer = json::parse(body).as_object();
  auto gz = crypto::base64_decode(std::string(outer.at("awslogs").as_object().at("data").as_string()));
  EXPECT_TRUE(gz);
  auto text = gzip::decompress(*gz);
  EXPECT_TRUE(text);
  return json::parse(*text).as_object();
}

}  // namespace

TEST(SubscriptionMessage, DataMessageIsWhatLambdaReceives) {
  SubscriptionData d{"123456789012", "/app", "web-1", {"errors"}, {{7, 1000, "ERROR \"quoted\"\n"}, {9, 1001, "ERROR b"}}};
  json::object m = unpack(lambda_event_body(data_message_json(d)));
  EXPECT_EQ(m.at("messageType"), "DATA_MESSAGE");
  EXPECT_EQ(m.at("owner"), "123456789012");
  EXPECT_EQ(m.at("logGroup"), "/app");
  EXPECT_EQ(m.at("logStream"), "web-1");
  EXPECT_EQ(m.at("subscriptionFilters"), json::array{"errors"});
  const auto& events = m.at("logEvents").as_array();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].as_object().at("id"), "7");
  EXPECT_EQ(events[0].as_object().at("timestamp").to_number<int64_t>(), 1000);
  EXPECT_EQ(events[0].as_object().at("message"), "ERROR \"quoted\"\n");
}

TEST(SubscriptionMessage, ControlMessageChecksTheDestination) {
  json::object m = unpack(lambda_event_body(control_message_json(5000)));
  EXPECT_EQ(m.at("messageType"), "CONTROL_MESSAGE");
  EXPECT_EQ(m.at("owner"), "CloudwatchLogs");
  EXPECT_EQ(m.at("logGroup"), "");
  EXPECT_TRUE(m.at("subscriptionFilters").as_array().empty());
  EXPECT_EQ(m.at("logEvents").as_array().at(0).as_object().at("timestamp").to_number<int64_t>(), 5000);
}

TEST(SubscriptionRetry, BacksOffForADayThenGivesUp) {
  SubscriptionDelivery d;
  d.queued_ms = 0;
  EXPECT_FALSE(subscription_retry_at(d, 200, 10));  // delivered
  EXPECT_FALSE(subscription_retry_at(d, 403, 10));  // refused for good
  EXPECT_EQ(subscription_retry_at(d, 503, 10), 1010);
  EXPECT_EQ(subscription_retry_at(d, 0, 10), 1010);  // no answer
  d.attempts = 3;
  EXPECT_EQ(subscription_retry_at(d, 429, 10), 8010);
  d.attempts = 30;
  EXPECT_EQ(subscription_retry_at(d, 500, 10), 10 + 5 * 60 * 1000);  // at most 5 minutes apart
  int64_t day = 24LL * 3600 * 1000;
  EXPECT_FALSE(subscription_retry_at(d, 500, day - 1000));  // the next try would fall after 24 hours
}
