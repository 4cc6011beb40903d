// aws-chunked bodies: the chunk signature chain of AWS's published streaming example (S3 API
// reference, "Signature Calculations for the Authorization Header: Transferring Payload in
// Multiple Chunks"), changed chunks refused, and the unsigned form with a trailing checksum.
#include <gtest/gtest.h>

#include "auth/aws_chunked.h"

using namespace citadel;

namespace {

auth::SigV4Auth example_auth() {
  auth::SigV4Auth a;
  a.access_key_id = "AKIAIOSFODNN7EXAMPLE";
  a.date = "20130524";
  a.region = "us-east-1";
  a.service = "s3";
  a.amz_date = "20130524T000000Z";
  a.signature = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";  // the seed
  a.payload_hash = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
  return a;
}
constexpr const char* kSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

std::string example_body() {
  return "10000;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\n" + std::string(65536, 'a') +
         "\r\n400;chunk-signature=0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497\r\n" + std::string(1024, 'a') +
         "\r\n0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\r\n\r\n";
}

TEST(AwsChunked, AwsExampleDecodesAndVerifies) {
  auto d = auth::decode_aws_chunked(example_body(), example_auth(), kSecret);
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ(d->payload, std::string(66560, 'a'));
}

TEST(AwsChunked, ChangedDataOrSignatureIsRefused) {
  std::string body = example_body();
  body[200] = 'b';
  auto d = auth::decode_aws_chunked(body, example_auth(), kSecret);
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().code, "SignatureDoesNotMatch");
  auto wrong_secret = auth::decode_aws_chunked(example_body(), example_auth(), "not-the-secret");
  EXPECT_FALSE(wrong_secret);
  // A body cut short is incomplete.
  auto cut = auth::decode_aws_chunked(example_body().substr(0, example_body().size() - 300), example_auth(), kSecret);
  ASSERT_FALSE(cut);
  EXPECT_EQ(cut.error().code, "IncompleteBody");
}

TEST(AwsChunked, UnsignedChunksWithTrailingChecksum) {
  auto a = example_auth();
  a.payload_hash = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";
  auto d = auth::decode_aws_chunked("5\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n", a, kSecret);
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ(d->payload, "hello world");
  ASSERT_EQ(d->trailers.size(), 1u);
  EXPECT_EQ(d->trailers[0].first, "x-amz-checksum-crc32");
  EXPECT_EQ(d->trailers[0].second, "DUoRhQ==");
  EXPECT_FALSE(auth::decode_aws_chunked("zz\r\nhello\r\n0\r\n\r\n", a, kSecret));
}

// A streamed body arrives in pieces that cut chunk lines, data, CRLFs and trailers anywhere: the
// incremental decoder gives the same bytes and checks the same signatures whatever the cuts.
Result<std::string> decode_in_pieces(std::string_view body, const auth::SigV4Auth& a, size_t piece,
                                     std::vector<std::pair<std::string, std::string>>* trailers = nullptr) {
  auth::AwsChunkedDecoder decoder(a, kSecret);
  std::string out;
  for (size_t at = 0; at < body.size(); at += piece) {
    auto s = decoder.feed(body.substr(at, piece), [&](std::string_view data) -> Status {
      out.append(data);
      return Ok{};
    });
    if (!s) return s.error();
  }
  if (auto s = decoder.finish(); !s) return s.error();
  if (trailers) *trailers = decoder.trailers();
  return out;
}

TEST(AwsChunked, PiecesOfAnySizeDecodeAlike) {
  for (size_t piece : {1, 2, 3, 7, 100, 65537, 1 << 20}) {
    auto d = decode_in_pieces(example_body(), example_auth(), piece);
    ASSERT_TRUE(d) << piece << ": " << d.error().message;
    EXPECT_EQ(*d, std::string(66560, 'a')) << piece;
  }
  std::string changed = example_body();
  changed[changed.size() - 200] = 'b';  // in the second chunk's data
  auto bad = decode_in_pieces(changed, example_auth(), 4096);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, "SignatureDoesNotMatch");
  auto cut = decode_in_pieces(example_body().substr(0, 65600), example_auth(), 1000);
  ASSERT_FALSE(cut);
  EXPECT_EQ(cut.error().code, "IncompleteBody");

  auto a = example_auth();
  a.payload_hash = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";
  std::vector<std::pair<std::string, std::string>> trailers;
  auto t = decode_in_pieces("5\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n", a, 1, &trailers);
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(*t, "hello world");
  ASSERT_EQ(trailers.size(), 1u);
  EXPECT_EQ(trailers[0].second, "DUoRhQ==");
}

TEST(AwsChunked, OverlongChunkLineIsRefused) {
  auto a = example_auth();
  a.payload_hash = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";
  auto d = decode_in_pieces(std::string(10000, '1'), a, 512);
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().code, "IncompleteBody");
}

}  // namespace
