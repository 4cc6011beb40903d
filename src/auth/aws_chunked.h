#pragma once
// aws-chunked request bodies (SigV4 "streaming" uploads, as the AWS SDKs send S3 objects): the body
// is a series of "SIZE[;chunk-signature=SIG]\r\nDATA\r\n" chunks ending with a zero-size chunk and,
// for the *-TRAILER forms, trailing headers (a checksum). Signed forms chain each chunk's signature
// to the previous one, starting from the request's own signature, so a chunk cannot be changed,
// dropped or reordered.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/sigv4.h"
#include "base/crypto.h"
#include "base/error.h"

namespace citadel::auth {

// Whether x-amz-content-sha256 names a streaming payload.
bool is_streaming_payload(std::string_view content_sha256);
// InvalidArgument unless `content_sha256` is one of the streaming forms this decoder reads.
Status check_streaming_form(std::string_view content_sha256);

// Decodes an aws-chunked body as it arrives, in pieces of any size: the chunks' data go to a sink
// and no chunk is held whole (a chunk's signature is over the SHA-256 of its data, computed as the
// data pass). SignatureDoesNotMatch or IncompleteBody in S3's words on failure; after a failure the
// decoder takes nothing more.
class AwsChunkedDecoder {
 public:
  using Sink = std::function<Status(std::string_view data)>;
  // `auth` (its payload_hash names the form, checked by check_streaming_form) and `secret` must
  // outlive the decoder.
  AwsChunkedDecoder(const SigV4Auth& auth, std::string_view secret);
  // The next bytes of the body, as received; chunk data go to `sink` (an error it returns stops
  // the decoding and is returned).
  Status feed(std::string_view bytes, const Sink& sink);
  // After the last byte: IncompleteBody unless the final chunk (and its trailers) arrived.
  Status finish() const;
  // The trailing headers (lowercase names), complete once finish() succeeds.
  const std::vector<std::pair<std::string, std::string>>& trailers() const { return trailers_; }

 private:
  enum class State { ChunkLine, Data, DataEnd, Trailers, Done, Failed };
  Status fail(AwsError e);
  Status chunk_line(std::string_view line);
  Status trailer_line(std::string_view line);
  // Takes bytes of `in` into line_ up to a CRLF; true when a whole line is there.
  bool take_line(std::string_view& in);

  const SigV4Auth& auth_;
  std::string key_;  // a copy: the signing key cache may be cleared while a body streams
  bool signed_chunks_, trailer_;
  State state_ = State::ChunkLine;
  std::string line_, previous_, chunk_signature_;
  uint64_t remaining_ = 0;
  bool last_chunk_ = false;
  crypto::IncrementalDigest chunk_hash_{crypto::IncrementalDigest::Algorithm::Sha256};
  std::vector<std::pair<std::string, std::string>> trailers_;
};

struct DecodedChunks {
  std::string payload;
  std::vector<std::pair<std::string, std::string>> trailers;  // lowercase names
};

// Decodes a whole body held in memory (the same decoder, fed once).
Result<DecodedChunks> decode_aws_chunked(std::string_view body, const SigV4Auth& auth, std::string_view secret);

}  // namespace citadel::auth
