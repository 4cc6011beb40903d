// Typed condition values: numbers, ISO 8601/epoch dates, IPv4/IPv6 CIDRs, and the glob/ARN matchers.
#include <gtest/gtest.h>

#include "policy/text.h"
#include "policy/values.h"

namespace {

TEST(Dates, Iso8601FormsAndEpochAgree) {
  int64_t a, b, c, d;
  ASSERT_TRUE(policy::parse_date_ms("2024-01-01T00:00:00Z", &a));
  ASSERT_TRUE(policy::parse_date_ms("1704067200", &b));
  ASSERT_TRUE(policy::parse_date_ms("2024-01-01", &c));
  ASSERT_TRUE(policy::parse_date_ms("2024-01-01T01:00:00+01:00", &d));
  EXPECT_EQ(a, 1704067200000);
  EXPECT_EQ(a, b);
  EXPECT_EQ(a, c);
  EXPECT_EQ(a, d);
  ASSERT_TRUE(policy::parse_date_ms("2024-01-01T00:00:00.250Z", &a));
  EXPECT_EQ(a, 1704067200250);
  ASSERT_TRUE(policy::parse_date_ms("1969-12-31T23:59:59Z", &a));
  EXPECT_EQ(a, -1000);
}

TEST(Dates, RejectsGarbage) {
  int64_t t;
  for (const char* s : {"", "yesterday", "2024-13-01", "2024-01-01T", "2024-01-01T25:00:00Z", "2024-01-01X",
                        "2024/01/01", "2024-01-01T00:00:00Q"})
    EXPECT_FALSE(policy::parse_date_ms(s, &t)) << s;
}

TEST(Numbers, DecimalForms) {
  double v;
  EXPECT_TRUE(policy::parse_number("10", &v));
  EXPECT_EQ(v, 10);
  EXPECT_TRUE(policy::parse_number("-2.5", &v));
  EXPECT_EQ(v, -2.5);
  EXPECT_TRUE(policy::parse_number("+3", &v));
  EXPECT_FALSE(policy::parse_number("ten", &v));
  EXPECT_FALSE(policy::parse_number("1 ", &v));
  EXPECT_FALSE(policy::parse_number("", &v));
}

bool in(const char* addr, const char* net) {
  policy::detail::IpNet a, n;
  if (!policy::parse_cidr(addr, &a) || !policy::parse_cidr(net, &n)) return false;
  return policy::ip_in_net(a, n);
}

TEST(Ip, Ipv4Ranges) {
  EXPECT_TRUE(in("192.0.2.1", "192.0.2.0/24"));
  EXPECT_FALSE(in("192.0.3.1", "192.0.2.0/24"));
  EXPECT_TRUE(in("10.255.255.255", "10.0.0.0/8"));
  EXPECT_TRUE(in("1.2.3.4", "0.0.0.0/0"));
  EXPECT_TRUE(in("10.0.0.1", "10.0.0.1"));
  EXPECT_TRUE(in("172.16.5.4", "172.16.0.0/12"));
  EXPECT_FALSE(in("172.32.0.1", "172.16.0.0/12"));
}

TEST(Ip, Ipv6RangesAndForms) {
  EXPECT_TRUE(in("2001:db8::1", "2001:db8::/32"));
  EXPECT_TRUE(in("::1", "::1/128"));
  EXPECT_TRUE(in("2001:db8:0:0:0:0:0:1", "2001:db8::1"));
  EXPECT_TRUE(in("::ffff:192.0.2.1", "192.0.2.0/24"));  // IPv4-mapped
  EXPECT_TRUE(in("fe80::1:2", "fe80::/10"));
  EXPECT_FALSE(in("fec0::1", "fe80::/10"));
  EXPECT_TRUE(in("::", "::/0"));
}

TEST(Ip, RejectsGarbage) {
  policy::detail::IpNet n;
  for (const char* s : {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.4/33", "1.2.3.4/", "::1/129", "1:2:3:4:5:6:7:8:9",
                        "1::2::3", "gggg::1", "1.2.3.4/x", "01234.1.1.1"})
    EXPECT_FALSE(policy::parse_cidr(s, &n)) << s;
}

TEST(Glob, MarkersAndCase) {
  using policy::glob_match;
  using policy::to_glob;
  EXPECT_TRUE(glob_match(to_glob("a*c", false), "abbbc", false));
  EXPECT_TRUE(glob_match(to_glob("a*", false), "a", false));
  EXPECT_FALSE(glob_match(to_glob("a?c", false), "ac", false));
  EXPECT_TRUE(glob_match(to_glob("*", false), "", false));
  EXPECT_TRUE(glob_match(to_glob("s3:get*", true), "S3:GETOBJECT", true));
  EXPECT_FALSE(glob_match("a*c", "abc", false));  // a literal '*' is not a wildcard
  EXPECT_TRUE(glob_match(to_glob("*a*b*c*", false), "xxaxxbxxcxx", false));
}

TEST(Arn, SegmentsAreMatchedSeparately) {
  using policy::arn_glob_match;
  using policy::to_glob;
  EXPECT_TRUE(arn_glob_match(to_glob("arn:aws:s3:::b/*", false), "arn:aws:s3:::b/x:y"));
  EXPECT_FALSE(arn_glob_match(to_glob("arn:aws:ec2:*::i/*", false), "arn:aws:ec2:us-east-1:1:i/x"));
  EXPECT_TRUE(arn_glob_match(to_glob("arn:aws:ec2:*:*:i/*", false), "arn:aws:ec2:us-east-1:1:i/x"));
  policy::ArnParts p;
  ASSERT_TRUE(policy::split_arn("arn:aws:logs:us-east-1:1:log-group:a:b", &p));
  EXPECT_EQ(p.service, "logs");
  EXPECT_EQ(p.resource, "log-group:a:b");
  EXPECT_FALSE(policy::split_arn("arn:aws:s3", &p));
}

}  // namespace
