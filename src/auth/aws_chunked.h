#pragma once
// aws-chunked request bodies (SigV4 "streaming" uploads, as the AWS SDKs send S3 objects): the body
// is a series of "SIZE[;chunk-signature=SIG]\r\nDATA\r\n" chunks ending with a zero-size chunk and,
// for the *-TRAILER forms, trailing headers (a checksum). Signed forms chain each chunk's signature
// to the previous one, starting from the request's own signature, so a chunk cannot be changed,
// dropped or reordered.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/sigv4.h"
#include "base/error.h"

namespace citadel::auth {

// Whether x-amz-content-sha256 names a streaming payload.
bool is_streaming_payload(std::string_view content_sha256);

struct DecodedChunks {
  std::string payload;
  std::vector<std::pair<std::string, std::string>> trailers;  // lowercase names
};

// Decodes `body` for the request `auth` describes (its payload_hash names the form), checking
// every chunk signature with `secret` for the signed forms. SignatureDoesNotMatch or
// IncompleteBody in S3's words on failure.
Result<DecodedChunks> decode_aws_chunked(std::string_view body, const SigV4Auth& auth, std::string_view secret);

}  // namespace citadel::auth
