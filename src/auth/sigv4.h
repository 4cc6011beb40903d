#pragma once
// AWS Signature Version 4 verification, for the Authorization header and presigned query strings.
// Pure: takes the request as received and the secret, returns a verdict. The clock is passed in.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/error.h"

namespace citadel::auth {

// The request as it came off the wire. `path` and `query` are raw (still percent-encoded).
struct SigV4Request {
  std::string_view method;
  std::string_view path;
  std::string_view query;  // without '?'
  std::vector<std::pair<std::string_view, std::string_view>> headers;  // as received, any case
  std::string_view body;
};

struct SigV4Options {
  bool normalize_path = true;   // every service but S3 removes "." and ".." and duplicate slashes
  bool double_encode = true;    // every service but S3 percent-encodes the already-encoded path again
  // S3 presigned URLs sign "UNSIGNED-PAYLOAD"; other services sign the body's hash.
  bool presigned_payload_unsigned = false;
  // The body has not arrived yet (it streams to disk after the headers are verified): the caller
  // checks x-amz-content-sha256 against it once it has.
  bool payload_checked_later = false;
  int64_t max_skew_ms = 15 * 60 * 1000;
};

// What the Authorization header (or the X-Amz-* query parameters) say.
struct SigV4Auth {
  bool presigned = false;
  std::string access_key_id;
  std::string date;     // yyyymmdd of the credential scope
  std::string region;
  std::string service;
  std::vector<std::string> signed_headers;  // lowercase, as listed
  std::string signature;                    // lowercase hex
  std::string amz_date;                     // yyyymmddThhmmssZ
  int64_t expires_s = 0;                    // presigned only
  std::string session_token;                // X-Amz-Security-Token, if any
  std::string payload_hash;                 // x-amz-content-sha256 as sent (may be UNSIGNED-PAYLOAD)
};

// True when the request carries any SigV4 material (header or query).
bool has_sigv4(const SigV4Request& req);

// Parses the Authorization header or presigned query. Errors: IncompleteSignature for a malformed
// header, MissingAuthenticationToken when nothing is there.
Result<SigV4Auth> parse_sigv4(const SigV4Request& req);

std::string canonical_request(const SigV4Request& req, const SigV4Auth& auth, const SigV4Options& opt);
std::string string_to_sign(const SigV4Auth& auth, std::string_view canonical);

// The kSigning key for (secret, date, region, service); cached per thread because the same
// credentials sign request after request on one day.
const std::string& signing_key(std::string_view secret, std::string_view date, std::string_view region,
                               std::string_view service);

// The error of a body whose SHA-256 is not the x-amz-content-sha256 it was signed with
// (S3: XAmzContentSHA256Mismatch).
AwsError payload_hash_mismatch(const SigV4Options& opt);

// Verifies the signature and the time window (±15 minutes for the header form; the X-Amz-Expires
// window for presigned URLs) in constant time.
Status verify_sigv4(const SigV4Request& req, const SigV4Auth& auth, std::string_view secret,
                    int64_t now_ms, const SigV4Options& opt = {});

}  // namespace citadel::auth

namespace citadel::auth {

// Signs a request as an SDK does (the client side, for load generators, benchmarks and tests):
// `scope` gives the key id, date, region, service, signed headers, amz date and payload hash; the
// request's headers must already hold every signed header. Returns the Authorization value.
std::string authorization_header(const SigV4Request& req, const SigV4Auth& scope, std::string_view secret);

}  // namespace citadel::auth
