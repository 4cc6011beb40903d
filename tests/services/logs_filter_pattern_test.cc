// CloudWatch Logs filter patterns, with the examples of AWS's "Filter pattern syntax" page.
#include <gtest/gtest.h>

#include "services/logs/filter_pattern.h"

namespace citadel::services::logs {
namespace {

bool match(const char* pattern, const char* message) {
  auto p = FilterPattern::parse(pattern);
  EXPECT_TRUE(p) << pattern << ": " << (p ? "" : p.error().message);
  return p && p->matches(message);
}

TEST(FilterPattern, TermsPhrasesAlternativesAndExclusions) {
  EXPECT_TRUE(match("", "anything"));
  EXPECT_TRUE(match("ERROR", "[ERROR] 400 BAD REQUEST"));
  EXPECT_FALSE(match("ERROR", "[error] lower case"));
  EXPECT_TRUE(match("ERROR ARGUMENTS", "[ERROR] Missing ARGUMENTS"));
  EXPECT_FALSE(match("ERROR ARGUMENTS", "[ERROR] 400"));
  EXPECT_TRUE(match("\"Failed to process\"", "Job: Failed to process the request"));
  EXPECT_FALSE(match("\"Failed to process\"", "Failed: to process"));
  EXPECT_TRUE(match("?ERROR ?WARN", "[WARN] disk"));
  EXPECT_FALSE(match("?ERROR ?WARN", "[INFO] disk"));
  EXPECT_TRUE(match("ERROR -Exiting", "[ERROR] retrying"));
  EXPECT_FALSE(match("ERROR -Exiting", "[ERROR] Exiting now"));
}

TEST(FilterPattern, JsonSelectorsAndOperators) {
  const char* event = R"({"eventType":"UpdateTrail","sourceIPAddress":"123.123.1.2","bandwidth":80,"ok":true,
                          "nothing":null,"user":{"id":1,"roles":["admin","dev"]},"errorCode":"Client.UnauthorizedOperation"})";
  EXPECT_TRUE(match(R"({ $.eventType = "UpdateTrail" })", event));
  EXPECT_TRUE(match(R"({ $.eventType = UpdateTrail })", event));
  EXPECT_FALSE(match(R"({ $.eventType = "CreateTrail" })", event));
  EXPECT_TRUE(match(R"({ $.sourceIPAddress = 123.123.* })", event));
  EXPECT_FALSE(match(R"({ $.sourceIPAddress != 123.123.* })", event));
  EXPECT_TRUE(match(R"({ $.bandwidth > 75 })", event));
  EXPECT_FALSE(match(R"({ $.bandwidth <= 75 })", event));
  EXPECT_TRUE(match(R"({ $.ok IS TRUE })", event));
  EXPECT_TRUE(match(R"({ $.nothing IS NULL })", event));
  EXPECT_TRUE(match(R"({ $.missing NOT EXISTS })", event));
  EXPECT_TRUE(match(R"({ $.user.roles[1] = "dev" && $.user.id = 1 })", event));
  // The CIS benchmark's unauthorized API calls filter.
  EXPECT_TRUE(match(R"({ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") })", event));
  EXPECT_FALSE(match(R"({ $.eventType = "UpdateTrail" })", "not json"));
}

TEST(FilterPattern, SpaceDelimitedFields) {
  const char* line = R"(127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 404 1534)";
  EXPECT_TRUE(match(R"([ip, user, username, timestamp, request = "*html*", status_code = 4*, bytes])", line));
  EXPECT_FALSE(match(R"([ip, user, username, timestamp, request = "*php*", status_code = 4*, bytes])", line));
  EXPECT_TRUE(match("[..., status_code = 404, bytes]", line));
  EXPECT_TRUE(match("[ip, ..., bytes > 1000]", line));
  EXPECT_TRUE(match("[..., status_code >= 400 && status_code < 500, bytes]", line));
  EXPECT_FALSE(match("[ip, user, bytes]", line));  // seven fields, not three
}

TEST(FilterPattern, BadPatternsAreInvalidParameters) {
  for (const char* bad : {R"({ $.a = "x )", "{ $.a = }", "[a, ..., b, ..., c]", "{ $.a IS MAYBE }", "{ ($.a = 1 }"}) {
    auto p = FilterPattern::parse(bad);
    ASSERT_FALSE(p) << bad;
    EXPECT_EQ(p.error().code, "InvalidParameterException");
  }
}

}  // namespace
}  // namespace citadel::services::logs
