// Composite alarms: the rule language (precedence, names and ARNs, errors) and how a composite
// alarm follows the alarms it names through the evaluator.
#include <gtest/gtest.h>

#include "services/cloudwatch/composite_rule.h"

using namespace citadel;
using namespace citadel::services::cloudwatch;

namespace {

std::optional<bool> eval(const std::string& rule, std::map<std::string, std::string> states) {
  auto r = parse_alarm_rule(rule);
  EXPECT_TRUE(r.ok()) << rule << ": " << (r.ok() ? "" : r.error().message);
  if (!r) return std::nullopt;
  return evaluate_rule(**r, [&](const std::string& a) -> std::optional<std::string> {
    auto it = states.find(a);
    return it == states.end() ? std::nullopt : std::optional<std::string>(it->second);
  });
}

}  // namespace

TEST(CompositeRule, StatesOfNamedAlarms) {
  std::map<std::string, std::string> s{{"cpu", "ALARM"}, {"disk", "OK"}, {"net", "INSUFFICIENT_DATA"}};
  EXPECT_EQ(eval("ALARM(cpu)", s), true);
  EXPECT_EQ(eval("ALARM(\"disk\")", s), false);
  EXPECT_EQ(eval("OK('disk') AND INSUFFICIENT_DATA(net)", s), true);
  EXPECT_EQ(eval("ALARM(cpu) AND NOT OK(disk)", s), false);
  EXPECT_EQ(eval("(ALARM(cpu) OR ALARM(disk)) AND NOT ALARM(net)", s), true);
}

TEST(CompositeRule, NotBindsTightestThenAndThenOr) {
  EXPECT_EQ(eval("TRUE OR FALSE AND FALSE", {}), true);
  EXPECT_EQ(eval("(TRUE OR FALSE) AND FALSE", {}), false);
  EXPECT_EQ(eval("NOT TRUE OR TRUE", {}), true);
  EXPECT_EQ(eval("NOT (TRUE OR TRUE)", {}), false);
  EXPECT_EQ(eval("NOT NOT TRUE", {}), true);
}

TEST(CompositeRule, AnUnknownAlarmMattersOnlyWhenItDecides) {
  EXPECT_EQ(eval("ALARM(gone) OR TRUE", {}), true);
  EXPECT_EQ(eval("ALARM(gone) AND FALSE", {}), false);
  EXPECT_EQ(eval("ALARM(gone) AND TRUE", {}), std::nullopt);
  EXPECT_EQ(eval("NOT ALARM(gone)", {}), std::nullopt);
}

TEST(CompositeRule, NamedAlarmsAreListedOnce) {
  auto r = parse_alarm_rule("ALARM(a) OR OK(a) OR ALARM(\"arn:aws:cloudwatch:us-east-1:111122223333:alarm:b c\")");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(rule_alarms(**r), (std::vector<std::string>{"a", "arn:aws:cloudwatch:us-east-1:111122223333:alarm:b c"}));
}

TEST(CompositeRule, MalformedRulesAreInvalidParameterValue) {
  std::string deep;
  for (int i = 0; i < 200; ++i) deep += "NOT (";
  deep += "TRUE" + std::string(200, ')');
  for (const std::string& bad : std::vector<std::string>{"", "ALARM(a", "ALARM()", "ALARM a", "FOO(a)", "ALARM(a) AND", "ALARM(a) XOR ALARM(b)",
                                "TRUEISH", "(TRUE", "ALARM(\"a)", "TRUE FALSE", deep}) {
    auto r = parse_alarm_rule(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, "InvalidParameterValue") << bad;
  }
}
