#include "auth/aws_chunked.h"

#include <charconv>

#include "base/crypto.h"

namespace citadel::auth {

namespace {

constexpr std::string_view kSigned = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
constexpr std::string_view kSignedTrailer = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";
constexpr std::string_view kUnsignedTrailer = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";
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
std::string chunk_signature(const std::string& key, const SigV4Auth& auth, const std::string& previous, std::string_view data) {
  std::string scope = auth.date + "/" + auth.region + "/" + auth.service + "/aws4_request";
  std::string to_sign = "AWS4-HMAC-SHA256-PAYLOAD\n" + auth.amz_date + "\n" + scope + "\n" + previous + "\n" + kEmptyHash + "\n" +
                        crypto::sha256_hex(data);
  return crypto::to_hex(crypto::hmac_sha256(key, to_sign));
}

}  // namespace

bool is_streaming_payload(std::string_view content_sha256) { return content_sha256.substr(0, 10) == "STREAMING-"; }

Result<DecodedChunks> decode_aws_chunked(std::string_view body, const SigV4Auth& auth, std::string_view secret) {
  const std::string_view form = auth.payload_hash;
  const bool signed_chunks = form == kSigned || form == kSignedTrailer;
  const bool trailer = form == kSignedTrailer || form == kUnsignedTrailer;
  if (!signed_chunks && !trailer)
    return AwsError::sender("InvalidArgument", "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, "
                                               "STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, or a "
                                               "valid sha256 value.", 400);
  const std::string& key = signing_key(secret, auth.date, auth.region, auth.service);
  std::string previous = auth.signature;
  DecodedChunks out;
  size_t pos = 0;
  for (;;) {
    size_t eol = body.find("\r\n", pos);
    if (eol == std::string_view::npos) return incomplete();
    std::string_view line = body.substr(pos, eol - pos);
    pos = eol + 2;
    std::string_view size_text = line.substr(0, line.find(';'));
    size_t size = 0;
    auto [end, ec] = std::from_chars(size_text.data(), size_text.data() + size_text.size(), size, 16);
    if (ec != std::errc() || end != size_text.data() + size_text.size()) return incomplete();
    if (size > body.size() - pos) return incomplete();
    std::string_view data = body.substr(pos, size);
    if (signed_chunks) {
      constexpr std::string_view kExt = ";chunk-signature=";
      auto ext = line.find(kExt);
      if (ext == std::string_view::npos) return bad_signature();
      std::string expected = chunk_signature(key, auth, previous, data);
      if (!crypto::constant_time_equal(expected, line.substr(ext + kExt.size()))) return bad_signature();
      previous = std::move(expected);
    }
    pos += size;
    if (size == 0) break;
    if (body.substr(pos, 2) != "\r\n") return incomplete();
    pos += 2;
    out.payload.append(data);
  }
  // Trailing headers, one per line, then an empty line (the signed form also signs them; their
  // checksum is checked against the stored bytes by the service).
  while (trailer && pos < body.size()) {
    size_t eol = body.find("\r\n", pos);
    std::string_view line = body.substr(pos, eol == std::string_view::npos ? std::string_view::npos : eol - pos);
    pos = eol == std::string_view::npos ? body.size() : eol + 2;
    if (line.empty()) break;
    auto colon = line.find(':');
    if (colon == std::string_view::npos) return incomplete();
    std::string name(line.substr(0, colon));
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (name == "x-amz-trailer-signature") continue;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\r')) value.remove_suffix(1);
    out.trailers.emplace_back(std::move(name), std::string(value));
  }
  return out;
}

}  // namespace citadel::auth
