#include "services/cloudtrail/api_call_record.h"

#include <cstring>

#include "base/time.h"
#include "services/cloudtrail/data_events.h"

namespace citadel::services::cloudtrail {

namespace {

// Layout: a version byte, a flags byte, the session time (8 bytes), then the strings in the order
// of kStrings, each a LEB128 length and its bytes.
constexpr char kVersion = 1;
enum Flag : uint8_t { kAnonymous = 1, kTemporary = 2, kMfa = 4, kAssumedRole = 8, kFailed = 16 };

void put_varint(std::string& out, size_t n) {
  while (n >= 0x80) {
    out.push_back(static_cast<char>(n | 0x80));
    n >>= 7;
  }
  out.push_back(static_cast<char>(n));
}

void put(std::string& out, std::string_view s) {
  put_varint(out, s.size());
  out.append(s);
}

class Fields {
 public:
  explicit Fields(std::string_view s) : s_(s) {}
  bool byte(uint8_t& v) {
    if (s_.empty()) return false;
    v = static_cast<uint8_t>(s_.front());
    s_.remove_prefix(1);
    return true;
  }
  bool i64(int64_t& v) {
    if (s_.size() < 8) return false;
    std::memcpy(&v, s_.data(), 8);
    s_.remove_prefix(8);
    return true;
  }
  bool str(std::string_view& v) {
    size_t n = 0;
    for (int shift = 0;; shift += 7) {
      uint8_t b;
      if (shift > 28 || !byte(b)) return false;
      n |= static_cast<size_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) break;
    }
    if (n > s_.size()) return false;
    v = s_.substr(0, n);
    s_.remove_prefix(n);
    return true;
  }
  bool done() const { return s_.empty(); }

 private:
  std::string_view s_;
};

}  // namespace

void encode_api_call(const ApiCallFields& f, std::string& out) {
  out.push_back(kVersion);
  out.push_back(static_cast<char>((f.anonymous ? kAnonymous : 0) | (f.temporary ? kTemporary : 0) |
                                  (f.mfa_authenticated ? kMfa : 0) | (f.assumed_role ? kAssumedRole : 0) |
                                  (f.failed ? kFailed : 0)));
  out.append(reinterpret_cast<const char*>(&f.session_issued_ms), 8);
  for (std::string_view s : {f.identity_type, f.principal_id, f.arn, f.identity_account_id, f.access_key_id, f.user_name,
                             f.role_id, f.role_arn, f.role_name, f.source_ip, f.user_agent, f.error_message,
                             f.request_parameters, f.response_elements, f.request_id, f.data_resources})
    put(out, s);
}

Result<std::string> render_api_call(const StoredEvent& e, std::string_view encoded) {
  Fields in(encoded);
  ApiCallFields f;
  uint8_t version = 0, flags = 0;
  bool ok = in.byte(version) && version == kVersion && in.byte(flags) && in.i64(f.session_issued_ms);
  for (std::string_view* s : {&f.identity_type, &f.principal_id, &f.arn, &f.identity_account_id, &f.access_key_id,
                              &f.user_name, &f.role_id, &f.role_arn, &f.role_name, &f.source_ip, &f.user_agent,
                              &f.error_message, &f.request_parameters, &f.response_elements, &f.request_id,
                              &f.data_resources})
    ok = ok && in.str(*s);
  if (!ok || !in.done()) return AwsError::internal("an audit record of " + e.event_name + " does not decode");

  JsonWriter w(1024);
  w.begin_object().field("eventVersion", "1.11");
  w.key("userIdentity").begin_object();
  // CloudTrail's form for an unauthenticated caller.
  if (flags & kAnonymous) w.field("type", "AWSAccount").field("principalId", "").field("accountId", "ANONYMOUS_PRINCIPAL");
  else
    w.field("type", f.identity_type).field("principalId", f.principal_id).field("arn", f.arn).field("accountId", f.identity_account_id);
  if (!f.access_key_id.empty()) w.field("accessKeyId", f.access_key_id);
  if (!f.user_name.empty()) w.field("userName", f.user_name);
  if (flags & kTemporary) {
    w.key("sessionContext").begin_object();
    w.key("attributes").begin_object();
    w.field("creationDate", timeutil::iso8601(f.session_issued_ms)).field("mfaAuthenticated", flags & kMfa ? "true" : "false");
    w.end_object();
    if (flags & kAssumedRole) {
      w.key("sessionIssuer").begin_object();
      w.field("type", "Role").field("principalId", f.role_id).field("arn", f.role_arn).field("accountId", f.identity_account_id);
      w.field("userName", f.role_name).end_object();
    }
    w.end_object();
  }
  w.end_object();
  write_event_origin(w, e, f.source_ip, f.user_agent);
  if (flags & kFailed) w.field("errorCode", e.error_code).field("errorMessage", f.error_message);
  auto json_or_null = [&](std::string_view v) {
    if (v.empty()) w.null();
    else w.raw(v);
  };
  w.key("requestParameters");
  json_or_null(f.request_parameters);
  w.key("responseElements");
  json_or_null(f.response_elements);
  w.field("requestID", f.request_id).field("eventID", e.event_id).field("readOnly", e.read_only);
  bool data_event = is_data_event(e.event_source, e.event_name);
  if (data_event) w.key("resources").raw(f.data_resources);
  w.field("eventType", "AwsApiCall")
      .field("managementEvent", !data_event)
      .field("recipientAccountId", e.account_id)
      .field("eventCategory", data_event ? "Data" : "Management");
  w.end_object();
  return std::move(w.str());
}

void write_event_origin(JsonWriter& w, const StoredEvent& e, std::string_view source_ip, std::string_view user_agent) {
  w.field("eventTime", timeutil::iso8601(e.event_time_ms))
      .field("eventSource", e.event_source)
      .field("eventName", e.event_name)
      .field("awsRegion", e.region)
      .field("sourceIPAddress", source_ip)
      .field("userAgent", user_agent);
}

}  // namespace citadel::services::cloudtrail
