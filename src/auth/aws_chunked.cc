#include "auth/aws_chunked.h"

#include <charconv>

namespace citadel::auth {

namespace {

constexpr std::string_view kSigned = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
constexpr std::string_view kSignedTrailer = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";
constexpr std::string_view kUnsignedTrailer = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";
// A chunk line or a trailer line longer than this is no client's: the body is refused rather
// than buffered.
constexpr size_t kMaxLine = 4096;
const std::string kEmptyHash = crypto::sha256_hex("");

AwsError bad_signature() {
  return AwsError::sender("SignatureDoesNotMatch",
                          "The request signature we calculated does not match the signature you provided. Check your key and "
                          "signing method.",
                          403);
}
AwsError incomplete() {
  return AwsError::sender("IncompleteBody", "The request body terminated unexpectedly", 400);
}

// The signature of one chunk, chained to the previous one.
std::string chunk_signature(const std::string& key, const SigV4Auth& auth, const std::string& previous,
                            const std::string& data_hash_hex) {
  std::string scope = auth.date + "/" + auth.region + "/" + auth.service + "/aws4_request";
  std::string to_sign = "AWS4-HMAC-SHA256-PAYLOAD\n" + auth.amz_date + "\n" + scope + "\n" + previous + "\n" + kEmptyHash + "\n" +
                        data_hash_hex;
  return crypto::to_hex(crypto::hmac_sha256(key, to_sign));
}

}  // namespace

bool is_streaming_payload(std::string_view content_sha256) { return content_sha256.substr(0, 10) == "STREAMING-"; }

Status check_streaming_form(std::string_view form) {
  if (form == kSigned || form == kSignedTrailer || form == kUnsignedTrailer) return Ok{};
  return AwsError::sender("InvalidArgument", "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, "
                                             "STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, or a "
                                             "valid sha256 value.", 400);
}

AwsChunkedDecoder::AwsChunkedDecoder(const SigV4Auth& auth, std::string_view secret)
    : auth_(auth),
      key_(signing_key(secret, auth.date, auth.region, auth.service)),
      signed_chunks_(auth.payload_hash == kSigned || auth.payload_hash == kSignedTrailer),
      trailer_(auth.payload_hash == kSignedTrailer || auth.payload_hash == kUnsignedTrailer),
      previous_(auth.signature) {}

Status AwsChunkedDecoder::fail(AwsError e) {
  state_ = State::Failed;
  line_.clear();
  return e;
}

bool AwsChunkedDecoder::take_line(std::string_view& in) {
  // A CR may have ended the previous piece.
  if (!line_.empty() && line_.back() == '\r' && !in.empty() && in.front() == '\n') {
    line_.pop_back();
    in.remove_prefix(1);
    return true;
  }
  auto eol = in.find("\r\n");
  if (eol == std::string_view::npos) {
    line_.append(in);
    in = {};
    return false;
  }
  line_.append(in.substr(0, eol));
  in.remove_prefix(eol + 2);
  return true;
}

Status AwsChunkedDecoder::chunk_line(std::string_view line) {
  std::string_view size_text = line.substr(0, line.find(';'));
  uint64_t size = 0;
  auto [end, ec] = std::from_chars(size_text.data(), size_text.data() + size_text.size(), size, 16);
  if (ec != std::errc() || end != size_text.data() + size_text.size() || size_text.empty()) return fail(incomplete());
  if (signed_chunks_) {
    constexpr std::string_view kExt = ";chunk-signature=";
    auto ext = line.find(kExt);
    if (ext == std::string_view::npos) return fail(bad_signature());
    chunk_signature_ = std::string(line.substr(ext + kExt.size()));
  }
  remaining_ = size;
  last_chunk_ = size == 0;
  state_ = State::Data;
  return Ok{};
}

Status AwsChunkedDecoder::trailer_line(std::string_view line) {
  if (line.empty()) {
    state_ = State::Done;
    return Ok{};
  }
  auto colon = line.find(':');
  if (colon == std::string_view::npos) return fail(incomplete());
  std::string name(line.substr(0, colon));
  for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  // The signed form signs its trailers too; that signature is not checked yet (docs/s3.md).
  if (name == "x-amz-trailer-signature") return Ok{};
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\r')) value.remove_suffix(1);
  trailers_.emplace_back(std::move(name), std::string(value));
  return Ok{};
}

Status AwsChunkedDecoder::feed(std::string_view in, const Sink& sink) {
  // A chunk's data may be empty (the last chunk): its signature is checked once its line is in.
  while (!in.empty() || (state_ == State::Data && remaining_ == 0)) {
    switch (state_) {
      case State::Failed:
        return incomplete();
      case State::Done:
        return Ok{};  // what follows the last chunk and its trailers is not the object's
      case State::ChunkLine:
      case State::Trailers:
      case State::DataEnd: {
        bool whole = take_line(in);
        if (line_.size() > kMaxLine) return fail(incomplete());
        if (!whole) break;
        std::string line = std::move(line_);
        line_.clear();
        if (state_ == State::DataEnd) {
          if (!line.empty()) return fail(incomplete());
          state_ = State::ChunkLine;
        } else if (state_ == State::ChunkLine) {
          if (auto s = chunk_line(line); !s) return s;
        } else if (auto s = trailer_line(line); !s) {
          return s;
        }
        break;
      }
      case State::Data: {
        size_t take = static_cast<size_t>(std::min<uint64_t>(remaining_, in.size()));
        std::string_view data = in.substr(0, take);
        in.remove_prefix(take);
        remaining_ -= take;
        if (signed_chunks_) chunk_hash_.update(data);
        if (!data.empty())
          if (auto s = sink(data); !s) return fail(s.error());
        if (remaining_ > 0) break;
        if (signed_chunks_) {
          std::string hash = chunk_hash_.finish();
          std::string expected = chunk_signature(key_, auth_, previous_, crypto::to_hex(reinterpret_cast<const uint8_t*>(hash.data()), hash.size()));
          if (!crypto::constant_time_equal(expected, chunk_signature_)) return fail(bad_signature());
          previous_ = std::move(expected);
        }
        // After the last chunk come the trailers (an empty line ends them), else the body's end.
        state_ = !last_chunk_ ? State::DataEnd : trailer_ ? State::Trailers : State::Done;
        break;
      }
    }
  }
  return Ok{};
}

Status AwsChunkedDecoder::finish() const {
  // The trailer forms may end right after the last chunk's line, with no trailers.
  if (state_ == State::Done || (state_ == State::Trailers && line_.empty())) return Ok{};
  return incomplete();
}

Result<DecodedChunks> decode_aws_chunked(std::string_view body, const SigV4Auth& auth, std::string_view secret) {
  if (auto s = check_streaming_form(auth.payload_hash); !s) return s.error();
  AwsChunkedDecoder decoder(auth, secret);
  DecodedChunks out;
  auto s = decoder.feed(body, [&](std::string_view data) -> Status {
    out.payload.append(data);
    return Ok{};
  });
  if (!s) return s.error();
  if (auto f = decoder.finish(); !f) return f.error();
  out.trailers = decoder.trailers();
  return out;
}

}  // namespace citadel::auth
