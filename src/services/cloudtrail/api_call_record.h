#pragma once
// The CloudTrail record of an API call as the audit journal keeps it: the call's fields, not its
// JSON. The request's thread copies a few hundred bytes into the journal instead of writing ~1 KB
// of JSON there, and the JSON is written when the record is read (LookupEvents, trail delivery,
// Insights) — the same text, field for field and in CloudTrail's order (eventVersion 1.11).
#include <cstdint>
#include <string>
#include <string_view>

#include "base/error.h"
#include "base/json_writer.h"
#include "services/cloudtrail/event_store.h"

namespace citadel::services::cloudtrail {

// What an API call's record holds beyond StoredEvent's fields (its time, source, name, region,
// event id, read-only flag, error code and account), as views of the call's own state.
struct ApiCallFields {
  // userIdentity
  bool anonymous = false;  // written as CloudTrail writes an unauthenticated caller
  std::string_view identity_type, principal_id, arn, identity_account_id, access_key_id, user_name;
  bool temporary = false, mfa_authenticated = false;  // temporary: a sessionContext
  int64_t session_issued_ms = 0;
  bool assumed_role = false;  // a sessionIssuer
  std::string_view role_id, role_arn, role_name;

  std::string_view source_ip, user_agent;
  bool failed = false;  // errorCode (StoredEvent's) and errorMessage
  std::string_view error_message;
  std::string_view request_parameters, response_elements;  // JSON text; "" for null
  std::string_view request_id;
  std::string_view data_resources;  // a data event's resources, JSON array text
};

// Appends the encoded fields to `out`.
void encode_api_call(const ApiCallFields& f, std::string& out);

// The CloudTrail JSON of the call whose StoredEvent fields are `e` and whose encoded fields are
// `encoded`; an error if they do not decode.
Result<std::string> render_api_call(const StoredEvent& e, std::string_view encoded);

// Writes eventTime, eventSource, eventName and awsRegion (from `e`), sourceIPAddress and
// userAgent: the fields every CloudTrail record has after userIdentity, in CloudTrail's order.
// For records of other kinds too (console sign-ins).
void write_event_origin(JsonWriter& w, const StoredEvent& e, std::string_view source_ip, std::string_view user_agent);

}  // namespace citadel::services::cloudtrail
