// The model-driven codecs: routing, decoding each wire protocol into an operation input, encoding
// outputs and errors in each protocol's shape.
#include <gtest/gtest.h>

#include "protocol/codec.h"

using namespace citadel;
using namespace citadel::protocol;
namespace json = boost::json;

namespace {

struct Req {
  std::string method = "POST", path = "/", query, body;
  std::vector<std::pair<std::string, std::string>> headers;
  HttpRequest view() const {
    HttpRequest r{method, path, query, {}, body};
    for (auto& [k, v] : headers) r.headers.emplace_back(k, v);
    return r;
  }
};

Req form(std::string body) {
  Req r;
  r.body = std::move(body);
  r.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  return r;
}

Route must_route(const Req& r, std::string_view scope) {
  Route route;
  auto v = r.view();
  auto res = protocol::route(v, scope, route);
  EXPECT_TRUE(res.ok()) << (res.ok() ? "" : res.error().code + ": " + res.error().message);
  return route;
}

}  // namespace

TEST(Routing, QueryActionWithScopeService) {
  auto r = must_route(form("Action=CreateUser&Version=2010-05-08&UserName=bob"), "iam");
  EXPECT_EQ(r.service->id, "iam");
  EXPECT_EQ(r.operation->name, "CreateUser");
  EXPECT_EQ(r.wire, Wire::Query);
}

TEST(Routing, JsonTarget) {
  Req r;
  r.body = "{}";
  r.headers = {{"X-Amz-Target", "TrentService.ListKeys"}, {"Content-Type", "application/x-amz-json-1.1"}};
  auto route = must_route(r, "kms");
  EXPECT_EQ(route.service->id, "kms");
  EXPECT_EQ(route.operation->name, "ListKeys");
  EXPECT_EQ(route.wire, Wire::Json);
}

TEST(Routing, RestJsonPicksTheMostSpecificTemplate) {
  Req list;
  list.method = "GET";
  list.path = "/detector";
  EXPECT_EQ(must_route(list, "guardduty").operation->name, "ListDetectors");
  Req get = list;
  get.path = "/detector/abc123";
  EXPECT_EQ(must_route(get, "guardduty").operation->name, "GetDetector");
  Req findings;
  findings.method = "POST";
  findings.path = "/detector/abc123/findings/get";
  EXPECT_EQ(must_route(findings, "guardduty").operation->name, "GetFindings");
}

TEST(Routing, RestXmlUsesQueryMarkers) {
  Req r;
  r.method = "GET";
  r.path = "/";
  EXPECT_EQ(must_route(r, "s3").operation->name, "ListBuckets");
  r.path = "/bucket";
  r.query = "location";
  EXPECT_EQ(must_route(r, "s3").operation->name, "GetBucketLocation");
  r.query = "";
  r.path = "/bucket/some/deep/key.txt";
  auto route = must_route(r, "s3");
  EXPECT_EQ(route.operation->name, "GetObject");
  auto in = decode_input(r.view(), route);
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(in->at("Bucket").as_string(), "bucket");
  EXPECT_EQ(in->at("Key").as_string(), "some/deep/key.txt");
}

TEST(Routing, UnknownQueryActionIsInvalidAction) {
  Route route;
  auto req = form("Action=Nope&Version=2010-05-08");
  auto v = req.view();
  auto r = protocol::route(v, "iam", route);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "InvalidAction");
  EXPECT_EQ(route.wire, Wire::Query);
}

TEST(Routing, CloudWatchSpeaksQueryAndJson) {
  auto q = must_route(form("Action=ListMetrics&Version=2010-08-01"), "monitoring");
  EXPECT_EQ(q.wire, Wire::Query);
  Req j;
  j.body = "{}";
  j.headers = {{"X-Amz-Target", "GraniteServiceVersion20100801.ListMetrics"}};
  auto jr = must_route(j, "monitoring");
  EXPECT_EQ(jr.wire, Wire::Json);
  EXPECT_TRUE(jr.service->query_compatible);
}

TEST(QueryDecode, NestedListsOfStructures) {
  auto req = form("Action=CreateUser&Version=2010-05-08&UserName=bob&Path=%2Fops%2F&Tags.member.1.Key=a&Tags.member.1.Value=1"
                  "&Tags.member.2.Key=b&Tags.member.2.Value=2");
  auto route = must_route(req, "iam");
  auto in = decode_input(req.view(), route);
  ASSERT_TRUE(in.ok()) << in.error().message;
  EXPECT_EQ(in->at("UserName").as_string(), "bob");
  EXPECT_EQ(in->at("Path").as_string(), "/ops/");
  ASSERT_EQ(in->at("Tags").as_array().size(), 2u);
  EXPECT_EQ(in->at("Tags").as_array()[1].at("Key").as_string(), "b");
}

TEST(QueryDecode, NumbersAndBooleansAreTyped) {
  auto req = form("Action=ListUsers&Version=2010-05-08&MaxItems=5");
  auto route = must_route(req, "iam");
  auto in = decode_input(req.view(), route);
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(in->at("MaxItems").as_int64(), 5);
  auto bad = form("Action=ListUsers&Version=2010-05-08&MaxItems=five");
  EXPECT_FALSE(decode_input(bad.view(), route).ok());
}

TEST(QueryDecode, ValidationNamesTheMemberAsAwsDoes) {
  auto req = form("Action=CreateUser&Version=2010-05-08");
  auto route = must_route(req, "iam");
  auto in = decode_input(req.view(), route);
  ASSERT_FALSE(in.ok());
  EXPECT_EQ(in.error().code, "ValidationError");
  EXPECT_EQ(in.error().message,
            "1 validation error detected: Value null at 'userName' failed to satisfy constraint: Member must not be null");
  auto too_long = form("Action=CreateUser&Version=2010-05-08&UserName=" + std::string(65, 'a'));
  auto e = decode_input(too_long.view(), route);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.error().message.find("Member must have length less than or equal to 64"), std::string::npos);
}

TEST(JsonDecode, TimestampsBecomeMilliseconds) {
  Req r;
  r.body = R"({"StartTime": 1700000000.5, "EndTime": "2023-11-14T22:13:21Z", "MaxResults": 5})";
  r.headers = {{"X-Amz-Target", "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents"}};
  auto route = must_route(r, "cloudtrail");
  auto in = decode_input(r.view(), route);
  ASSERT_TRUE(in.ok()) << in.error().message;
  EXPECT_EQ(in->at("StartTime").as_int64(), 1700000000500);
  EXPECT_EQ(in->at("EndTime").as_int64(), 1700000001000);
}

TEST(JsonDecode, WrongTypesAndBrokenBodies) {
  Req r;
  r.headers = {{"X-Amz-Target", "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents"}};
  auto route = must_route(r, "cloudtrail");
  for (const char* body : {"{", "[]", "\"x\"", R"({"MaxResults": "5"})", R"({"StartTime": true})", "\xff\xfe"}) {
    r.body = body;
    auto in = decode_input(r.view(), route);
    EXPECT_FALSE(in.ok()) << body;
    if (!in.ok()) {
      EXPECT_EQ(in.error().code, "SerializationException") << body;
    }
  }
}

TEST(RestJsonDecode, LabelsQueryAndBody) {
  Req r;
  r.method = "POST";
  r.path = "/detector/d1/findings/get";
  r.body = R"({"FindingIds": ["f1", "f2"]})";
  auto route = must_route(r, "guardduty");
  auto in = decode_input(r.view(), route);
  ASSERT_TRUE(in.ok()) << in.error().message;
  EXPECT_EQ(in->at("DetectorId").as_string(), "d1");
  EXPECT_EQ(in->at("FindingIds").as_array().size(), 2u);
  Req list;
  list.method = "GET";
  list.path = "/detector";
  list.query = "maxResults=7&nextToken=abc";
  auto lr = must_route(list, "guardduty");
  auto lin = decode_input(list.view(), lr);
  ASSERT_TRUE(lin.ok());
  EXPECT_EQ(lin->at("MaxResults").as_int64(), 7);
  EXPECT_EQ(lin->at("NextToken").as_string(), "abc");
}

TEST(RestXmlDecode, BodyMembersFromXml) {
  Req r;
  r.method = "PUT";
  r.path = "/bucket";
  r.query = "tagging";
  r.body = "<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>";
  auto route = must_route(r, "s3");
  EXPECT_EQ(route.operation->name, "PutBucketTagging");
  auto in = decode_input(r.view(), route);
  ASSERT_TRUE(in.ok()) << in.error().message;
  auto& set = in->at("Tagging").at("TagSet").as_array();
  ASSERT_EQ(set.size(), 1u);
  EXPECT_EQ(set[0].at("Key").as_string(), "k");
  r.body = "<Tagging><TagSet>";
  auto bad = decode_input(r.view(), route);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, "MalformedXML");
}

TEST(Encode, QueryOutputWrapsResultAndFormatsTimestamps) {
  auto route = must_route(form("Action=GetUser&Version=2010-05-08"), "iam");
  json::object out{{"User", json::object{{"UserName", "bob"}, {"Path", "/"}, {"UserId", "AIDA"}, {"Arn", "arn"},
                                         {"CreateDate", int64_t{1700000000000}},
                                         {"Tags", json::array{json::object{{"Key", "k"}, {"Value", "<v&>"}}}}}}};
  auto res = encode_output(route, out, "req-1");
  EXPECT_EQ(res.status, 200);
  EXPECT_NE(res.body.find("<GetUserResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><GetUserResult><User>"),
            std::string::npos);
  EXPECT_NE(res.body.find("<CreateDate>2023-11-14T22:13:20.000Z</CreateDate>"), std::string::npos);
  EXPECT_NE(res.body.find("<Tags><member><Key>k</Key><Value>&lt;v&amp;&gt;</Value></member></Tags>"), std::string::npos);
  EXPECT_NE(res.body.find("<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata>"), std::string::npos);
}

TEST(Encode, JsonOutputUsesEpochSeconds) {
  Req r;
  r.headers = {{"X-Amz-Target", "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents"}};
  auto route = must_route(r, "cloudtrail");
  json::object out{{"Events", json::array{json::object{{"EventId", "e"}, {"EventTime", int64_t{1700000000250}}}}}};
  auto res = encode_output(route, out, "r");
  EXPECT_EQ(res.content_type, "application/x-amz-json-1.1");
  auto v = json::parse(res.body);
  EXPECT_DOUBLE_EQ(v.at("Events").at(0).at("EventTime").to_number<double>(), 1700000000.25);
}

TEST(Encode, ErrorShapesPerProtocol) {
  AwsError e = AwsError::sender("NoSuchEntity", "gone", 404);
  auto q = encode_error(must_route(form("Action=GetUser&Version=2010-05-08"), "iam"), e, "r1");
  EXPECT_EQ(q.status, 404);
  EXPECT_NE(q.body.find("<ErrorResponse"), std::string::npos);
  EXPECT_NE(q.body.find("<Type>Sender</Type><Code>NoSuchEntity</Code><Message>gone</Message>"), std::string::npos);

  Req j;
  j.headers = {{"X-Amz-Target", "GraniteServiceVersion20100801.ListMetrics"}};
  auto jr = encode_error(must_route(j, "monitoring"), e, "r2");
  EXPECT_EQ(json::parse(jr.body).at("__type").as_string(), "NoSuchEntity");
  bool query_error_header = false;
  for (auto& [k, v] : jr.headers) query_error_header |= (k == "x-amzn-query-error" && v == "NoSuchEntity;Sender");
  EXPECT_TRUE(query_error_header);

  Req rj;
  rj.method = "GET";
  rj.path = "/detector";
  auto rjr = encode_error(must_route(rj, "guardduty"), e, "r3");
  bool type_header = false;
  for (auto& [k, v] : rjr.headers) type_header |= (k == "x-amzn-ErrorType" && v == "NoSuchEntity");
  EXPECT_TRUE(type_header);

  Req rx;
  rx.method = "GET";
  auto rxr = encode_error(must_route(rx, "s3"), e, "r4");
  EXPECT_NE(rxr.body.find("<Error><Code>NoSuchEntity</Code><Message>gone</Message><RequestId>r4</RequestId></Error>"),
            std::string::npos);

  Req ec2 = form("Action=DescribeInstances&Version=2016-11-15");
  auto er = encode_error(must_route(ec2, "ec2"), e, "r5");
  EXPECT_NE(er.body.find("<Response><Errors><Error><Code>NoSuchEntity</Code>"), std::string::npos);
}

// RPC v2 CBOR: the operation is in the path, the body and the answer are CBOR, and a
// query-compatible service's errors carry x-amzn-query-error.
Req cbor_request(const std::string& op, std::string body) {
  Req r;
  r.path = "/service/GraniteServiceVersion20100801/operation/" + op;
  r.body = std::move(body);
  r.headers = {{"smithy-protocol", "rpc-v2-cbor"}, {"Content-Type", "application/cbor"}};
  return r;
}

std::string cbor_bytes(std::initializer_list<int> bytes) {
  std::string s;
  for (int b : bytes) s.push_back(static_cast<char>(b));
  return s;
}

TEST(RpcV2Cbor, RoutesByPathAndHeader) {
  auto r = must_route(cbor_request("ListMetrics", ""), "monitoring");
  EXPECT_EQ(r.wire, Wire::RpcV2Cbor);
  EXPECT_EQ(r.operation->name, "ListMetrics");
  Route partial;
  auto unknown = cbor_request("NoSuchOperation", "");
  auto v = unknown.view();
  auto res = protocol::route(v, "monitoring", partial);
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.error().code, "UnknownOperationException");
  EXPECT_EQ(res.error().http_status, 404);
  EXPECT_EQ(partial.wire, Wire::RpcV2Cbor);  // the error is answered in CBOR
  auto other = cbor_request("ListMetrics", "");
  other.path = "/service/TrentService/operation/ListKeys";  // KMS speaks no CBOR
  v = other.view();
  EXPECT_FALSE(protocol::route(v, "kms", partial).ok());
}

TEST(RpcV2Cbor, DecodesTimestampsAndValidates) {
  // {"Namespace": "N", "MetricName": "M", "StartTime": 1(1700000000), "EndTime": 1(1700000060.5), "Period": 60}
  std::string body = cbor_bytes({0xa5, 0x69}) + "Namespace" + cbor_bytes({0x61}) + "N" + cbor_bytes({0x6a}) + "MetricName" +
                     cbor_bytes({0x61}) + "M" + cbor_bytes({0x69}) + "StartTime" + cbor_bytes({0xc1, 0x1a, 0x65, 0x53, 0xf1, 0x00}) +
                     cbor_bytes({0x67}) + "EndTime" + cbor_bytes({0xc1, 0xfb, 0x41, 0xd9, 0x54, 0xfc, 0x4f, 0x20, 0x00, 0x00}) +
                     cbor_bytes({0x66}) + "Period" + cbor_bytes({0x18, 0x3c});
  auto req = cbor_request("GetMetricStatistics", body);
  auto route = must_route(req, "monitoring");
  auto v = req.view();
  auto in = decode_input(v, route);
  ASSERT_TRUE(in.ok()) << in.error().message;
  EXPECT_EQ(in->at("StartTime").as_int64(), 1700000000000);
  EXPECT_EQ(in->at("EndTime").as_int64(), 1700000060500);
  EXPECT_EQ(in->at("Period").as_int64(), 60);

  auto missing = cbor_request("GetMetricStatistics", cbor_bytes({0xa0}));
  v = missing.view();
  auto bad = decode_input(v, must_route(missing, "monitoring"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, "ValidationError");  // query-compatible: the query code
  auto broken = cbor_request("GetMetricStatistics", cbor_bytes({0xa1, 0x61}));
  v = broken.view();
  EXPECT_EQ(decode_input(v, must_route(broken, "monitoring")).error().code, "SerializationException");
  auto not_a_map = cbor_request("GetMetricStatistics", cbor_bytes({0x01}));
  v = not_a_map.view();
  EXPECT_EQ(decode_input(v, must_route(not_a_map, "monitoring")).error().code, "SerializationException");
}

TEST(RpcV2Cbor, EncodesOutputsAndErrors) {
  auto route = must_route(cbor_request("GetMetricStatistics", ""), "monitoring");
  json::object out{{"Label", "M"}, {"Datapoints", json::array{json::object{{"Timestamp", int64_t{1700000000000}}, {"Sum", 3}}}}};
  auto res = encode_output(route, out, "r");
  EXPECT_EQ(res.content_type, "application/cbor");
  // {"Label": "M", "Datapoints": [{"Timestamp": 1(1700000000), "Sum": 3.0 as float32}]}
  std::string expected = cbor_bytes({0xa2, 0x65}) + "Label" + cbor_bytes({0x61}) + "M" + cbor_bytes({0x6a}) + "Datapoints" +
                         cbor_bytes({0x81, 0xa2, 0x69}) + "Timestamp" + cbor_bytes({0xc1, 0x1a, 0x65, 0x53, 0xf1, 0x00, 0x63}) + "Sum" +
                         cbor_bytes({0xfa, 0x40, 0x40, 0x00, 0x00});
  EXPECT_EQ(res.body, expected);
  auto err = encode_error(route, AwsError::sender("InvalidParameterValue", "bad", 400), "r");
  EXPECT_EQ(err.status, 400);
  EXPECT_EQ(err.body, cbor_bytes({0xa2, 0x66}) + "__type" + cbor_bytes({0x75}) + "InvalidParameterValue" + cbor_bytes({0x67}) +
                          "message" + cbor_bytes({0x63}) + "bad");
  bool query_error = false, protocol_header = false;
  for (auto& [k, v] : err.headers) {
    query_error |= k == "x-amzn-query-error" && v == "InvalidParameterValue;Sender";
    protocol_header |= k == "smithy-protocol" && v == "rpc-v2-cbor";
  }
  EXPECT_TRUE(query_error);
  EXPECT_TRUE(protocol_header);
}

TEST(Models, EveryServiceCitadelServesIsLoaded) {
  for (const char* id : {"iam", "sts", "organizations", "kms", "s3", "ec2", "cloudtrail", "cloudwatch", "logs", "wafv2",
                         "shield", "guardduty", "inspector2", "macie2", "support", "trustedadvisor", "xray", "artifact"}) {
    auto* m = Models::instance().by_id(id);
    ASSERT_NE(m, nullptr) << id;
    EXPECT_FALSE(m->operations.empty()) << id;
  }
}
