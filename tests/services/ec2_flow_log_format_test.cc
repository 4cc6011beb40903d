#include "services/ec2/flow_log_format.h"

#include <gtest/gtest.h>

namespace citadel::services::ec2::flowlog {
namespace {

const char* kLine = "2 123456789012 eni-0a1b2c3d4e5f60718 10.0.1.5 10.0.2.9 443 49152 6 10 8400 1700000000 1700000060 ACCEPT OK";

TEST(FlowLogFormat, DefaultFormatHasTheVersion2FieldsInOrder) {
  auto f = parse_format(kDefaultFormat);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->size(), 14u);
  EXPECT_EQ(f->front(), "version");
  EXPECT_EQ(f->back(), "log-status");
  EXPECT_EQ(format_version(*f), 2);
  EXPECT_EQ(header(*f), "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status");
}

TEST(FlowLogFormat, CustomFormatsTakeTheVersionOfTheirNewestField) {
  EXPECT_EQ(format_version(*parse_format("${version} ${vpc-id} ${srcaddr}")), 3);
  EXPECT_EQ(format_version(*parse_format("${version} ${az-id}")), 4);
  EXPECT_EQ(format_version(*parse_format("${flow-direction} ${traffic-path}")), 5);
  EXPECT_EQ(format_version(*parse_format("${ecs-task-id}")), 7);
  EXPECT_EQ(format_version(*parse_format("${reject-reason}")), 8);
}

TEST(FlowLogFormat, BadFormatsAreInvalidParameter) {
  for (const char* bad : {"", "${nope}", "${version}  ${srcaddr}", "version", "${srcaddr} ${srcaddr}", "${srcaddr},${dstaddr}", "${}"}) {
    auto f = parse_format(bad);
    ASSERT_FALSE(f) << bad;
    EXPECT_EQ(f.error().code, "InvalidParameter") << bad;
    EXPECT_EQ(f.error().http_status, 400) << bad;
  }
}

TEST(FlowLogFormat, RecordsRoundTripThroughTheirFormat) {
  auto f = *parse_format(kDefaultFormat);
  auto r = parse_record(kLine, f);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->at("srcaddr"), "10.0.1.5");
  EXPECT_EQ(r->at("action"), "ACCEPT");
  EXPECT_EQ(render(*r, f), kLine);
}

TEST(FlowLogFormat, RenderingInAnotherFormatFillsDashesAndItsOwnVersion) {
  auto v2 = *parse_format(kDefaultFormat);
  auto r = *parse_record(kLine, v2);
  r["vpc-id"] = "vpc-0123456789abcdef0";
  auto custom = *parse_format("${version} ${vpc-id} ${srcaddr} ${tcp-flags} ${action}");
  EXPECT_EQ(render(r, custom), "3 vpc-0123456789abcdef0 10.0.1.5 - ACCEPT");
}

TEST(FlowLogFormat, NoDataRecordsKeepTheirDashes) {
  auto f = *parse_format(kDefaultFormat);
  std::string line = "2 123456789012 eni-0a1b2c3d4e5f60718 - - - - - - - 1700000000 1700000060 - NODATA";
  auto r = parse_record(line, f);
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->count("action"));
  EXPECT_EQ(render(*r, f), line);
}

TEST(FlowLogFormat, MalformedRecordsAreInvalidParameterValue) {
  auto f = *parse_format(kDefaultFormat);
  for (const char* bad : {"2 123456789012 eni-1", "2 123456789012 eni-0a1b2c3d4e5f60718 10.0.1.5 10.0.2.9 https 49152 6 10 8400 1 2 ACCEPT OK",
                          "2 123456789012 eni-0a1b2c3d4e5f60718 10.0.1.5 10.0.2.9 443 49152 6 10 8400 1 2 ALLOW OK",
                          "2 123456789012 eni-0a1b2c3d4e5f60718 10.0.1.5 10.0.2.9 443 49152 6 10 8400 1 2 ACCEPT FINE"}) {
    auto r = parse_record(bad, f);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, "InvalidParameterValue") << bad;
  }
}

}  // namespace
}  // namespace citadel::services::ec2::flowlog
