// An API call's record kept as its fields renders CloudTrail's JSON, field for field and in order:
// for a root caller, an assumed-role session, an anonymous caller, a failed call and a data event.
#include <gtest/gtest.h>

#include "services/cloudtrail/api_call_record.h"
#include "services/cloudtrail/journal_records.h"

namespace citadel::services::cloudtrail {
namespace {

StoredEvent index_fields(const std::string& source, const std::string& name) {
  StoredEvent e;
  e.account_id = "123456789012";
  e.event_id = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";
  e.event_time_ms = 1764670000123;  // 2025-12-02T10:06:40Z
  e.event_source = source;
  e.event_name = name;
  e.region = "us-east-1";
  return e;
}

std::string render(const StoredEvent& e, const ApiCallFields& f) {
  std::string encoded;
  encode_api_call(f, encoded);
  auto json = render_api_call(e, encoded);
  EXPECT_TRUE(json.ok());
  return json.ok() ? json.value() : "";
}

TEST(ApiCallRecord, RootCallerReadingRendersAsCloudTrailWritesIt) {
  auto e = index_fields("sts.amazonaws.com", "GetCallerIdentity");
  e.read_only = true;
  ApiCallFields f;
  f.identity_type = "Root";
  f.principal_id = "123456789012";
  f.arn = "arn:aws:iam::123456789012:root";
  f.identity_account_id = "123456789012";
  f.access_key_id = "AKIAEXAMPLE";
  f.source_ip = "127.0.0.1";
  f.user_agent = "aws-cli/2 \"quoted\"";
  f.request_id = "req-1";
  EXPECT_EQ(render(e, f),
            R"({"eventVersion":"1.11","userIdentity":{"type":"Root","principalId":"123456789012","arn":"arn:aws:iam::123456789012:root",)"
            R"("accountId":"123456789012","accessKeyId":"AKIAEXAMPLE"},"eventTime":"2025-12-02T10:06:40Z","eventSource":"sts.amazonaws.com",)"
            R"("eventName":"GetCallerIdentity","awsRegion":"us-east-1","sourceIPAddress":"127.0.0.1","userAgent":"aws-cli/2 \"quoted\"",)"
            R"("requestParameters":null,"responseElements":null,"requestID":"req-1","eventID":"0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",)"
            R"("readOnly":true,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"123456789012","eventCategory":"Management"})");
}

TEST(ApiCallRecord, AssumedRoleSessionFailingRendersSessionContextAndError) {
  auto e = index_fields("iam.amazonaws.com", "CreateUser");
  e.error_code = "AccessDenied";
  ApiCallFields f;
  f.identity_type = "AssumedRole";
  f.principal_id = "AROAEXAMPLE:s1";
  f.arn = "arn:aws:sts::123456789012:assumed-role/admin/s1";
  f.identity_account_id = "123456789012";
  f.access_key_id = "ASIAEXAMPLE";
  f.temporary = true;
  f.mfa_authenticated = true;
  f.session_issued_ms = 1764669000000;
  f.assumed_role = true;
  f.role_id = "AROAEXAMPLE";
  f.role_arn = "arn:aws:iam::123456789012:role/admin";
  f.role_name = "admin";
  f.source_ip = "10.0.0.1";
  f.failed = true;
  f.error_message = "not allowed";
  f.request_parameters = R"({"userName":"bob"})";
  f.request_id = "req-2";
  EXPECT_EQ(render(e, f),
            R"({"eventVersion":"1.11","userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLE:s1",)"
            R"("arn":"arn:aws:sts::123456789012:assumed-role/admin/s1","accountId":"123456789012","accessKeyId":"ASIAEXAMPLE",)"
            R"("sessionContext":{"attributes":{"creationDate":"2025-12-02T09:50:00Z","mfaAuthenticated":"true"},)"
            R"("sessionIssuer":{"type":"Role","principalId":"AROAEXAMPLE","arn":"arn:aws:iam::123456789012:role/admin",)"
            R"("accountId":"123456789012","userName":"admin"}}},"eventTime":"2025-12-02T10:06:40Z","eventSource":"iam.amazonaws.com",)"
            R"("eventName":"CreateUser","awsRegion":"us-east-1","sourceIPAddress":"10.0.0.1","userAgent":"",)"
            R"("errorCode":"AccessDenied","errorMessage":"not allowed","requestParameters":{"userName":"bob"},"responseElements":null,)"
            R"("requestID":"req-2","eventID":"0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b","readOnly":false,"eventType":"AwsApiCall",)"
            R"("managementEvent":true,"recipientAccountId":"123456789012","eventCategory":"Management"})");
}

TEST(ApiCallRecord, AnonymousDataEventRendersItsResources) {
  auto e = index_fields("s3.amazonaws.com", "GetObject");
  e.read_only = true;
  ApiCallFields f;
  f.anonymous = true;
  f.identity_type = "AWSAccount";
  f.request_id = "req-3";
  f.data_resources = R"([{"type":"AWS::S3::Object","ARN":"arn:aws:s3:::b/k"}])";
  std::string json = render(e, f);
  EXPECT_NE(json.find(R"("userIdentity":{"type":"AWSAccount","principalId":"","accountId":"ANONYMOUS_PRINCIPAL"},)"), std::string::npos);
  EXPECT_NE(json.find(R"("readOnly":true,"resources":[{"type":"AWS::S3::Object","ARN":"arn:aws:s3:::b/k"}],)"
                      R"("eventType":"AwsApiCall","managementEvent":false,"recipientAccountId":"123456789012","eventCategory":"Data"})"),
            std::string::npos);
}

// Through the journal's format: the record's readable part (what an index points at) turns into
// the JSON, and a record kept as JSON stays as it is.
TEST(ApiCallRecord, JournalRecordsOfEitherKindReadBackAsJson) {
  auto e = index_fields("sts.amazonaws.com", "GetCallerIdentity");
  ApiCallFields f;
  f.identity_type = "Root";
  f.request_id = "req-4";
  encode_api_call(f, e.api_call);
  std::string payload;
  size_t readable = journal::encode(e, {}, payload);
  EXPECT_EQ(readable, payload.size());
  auto json = journal::record_json(payload);
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(json.value(), render_api_call(e, e.api_call).value());

  StoredEvent decoded;
  journal::RecordCommit commit;
  commit.kind = journal::RecordCommit::kMarker;
  ASSERT_TRUE(journal::decode(payload, decoded, commit));
  EXPECT_EQ(decoded.event_name, "GetCallerIdentity");
  EXPECT_EQ(decoded.json_length, static_cast<int64_t>(payload.size()));
  EXPECT_EQ(commit.kind, journal::RecordCommit::kNone);

  StoredEvent as_json = index_fields("sts.amazonaws.com", "GetCallerIdentity");
  as_json.event_json = R"({"eventID":"x"})";
  std::string old_payload;
  EXPECT_EQ(journal::encode(as_json, {}, old_payload), as_json.event_json.size());
  EXPECT_EQ(journal::record_json(as_json.event_json).value(), as_json.event_json);
  EXPECT_FALSE(journal::record_json("\x06garbage").ok());
}

}  // namespace
}  // namespace citadel::services::cloudtrail
