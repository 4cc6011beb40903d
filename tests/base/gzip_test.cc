#include "base/gzip.h"

#include <gtest/gtest.h>

#include "base/crypto.h"

namespace citadel {
namespace {

TEST(Gzip, DecompressesWhatPythonsGzipWrote) {
  // gzip.compress(b"hello, trail\n", mtime=0)
  const std::string_view python_gzip(
      "\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03\xcb\x48\xcd\xc9\xc9\xd7\x51\x28\x29\x4a\xcc\xcc\xe1\x02\x00\x5c\xe5\x7e"
      "\x66\x0d\x00\x00\x00",
      33);
  EXPECT_EQ(gzip::decompress(python_gzip), "hello, trail\n");
}

TEST(Gzip, RoundTripsLargeIncompressibleAndEmptyInputs) {
  for (size_t n : {size_t{0}, size_t{1}, size_t{70000}, size_t{1} << 20}) {
    std::string data = crypto::random_bytes(n);
    auto packed = gzip::compress(data);
    ASSERT_GE(packed.size(), 18u);  // header and trailer at least
    EXPECT_EQ(static_cast<unsigned char>(packed[0]), 0x1f);
    EXPECT_EQ(static_cast<unsigned char>(packed[1]), 0x8b);
    EXPECT_EQ(gzip::decompress(packed), data) << n;
  }
}

TEST(Gzip, RefusesTruncatedOrCorruptStreams) {
  std::string packed = gzip::compress(std::string(5000, 'a'));
  EXPECT_EQ(gzip::decompress(packed.substr(0, packed.size() - 4)), std::nullopt);
  std::string corrupt = packed;
  corrupt[corrupt.size() - 6] ^= 0x55;  // the CRC-32 in the trailer
  EXPECT_EQ(gzip::decompress(corrupt), std::nullopt);
  EXPECT_EQ(gzip::decompress("not gzip at all"), std::nullopt);
}

}  // namespace
}  // namespace citadel
