// RFC 6238 (TOTP) and RFC 4648 (Base32) published vectors; the ±1 step window and single use;
// Argon2id password hashes.
#include <gtest/gtest.h>

#include "auth/password.h"
#include "auth/totp.h"

using namespace citadel::auth;

TEST(Totp, Rfc6238Sha1Vectors) {
  const std::string seed = "12345678901234567890";
  struct {
    int64_t t;
    const char* code;
  } cases[] = {{59, "94287082"},         {1111111109, "07081804"}, {1111111111, "14050471"},
               {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"}};
  for (auto& c : cases) EXPECT_EQ(totp_code(seed, totp_step(c.t * 1000), 8), c.code) << c.t;
}

TEST(Totp, AcceptsOneStepOfDriftEitherWayAndNeverTheSameCodeTwice) {
  const std::string seed = "a-seed-of-twenty-bts";
  int64_t now = 1700000000000;
  uint64_t step = totp_step(now);
  EXPECT_EQ(totp_verify(seed, totp_code(seed, step), now, std::nullopt), step);
  EXPECT_EQ(totp_verify(seed, totp_code(seed, step - 1), now, std::nullopt), step - 1);
  EXPECT_EQ(totp_verify(seed, totp_code(seed, step + 1), now, std::nullopt), step + 1);
  EXPECT_FALSE(totp_verify(seed, totp_code(seed, step - 2), now, std::nullopt));
  EXPECT_FALSE(totp_verify(seed, totp_code(seed, step + 2), now, std::nullopt));
  // Once a step's code was used, it and earlier steps are refused.
  EXPECT_FALSE(totp_verify(seed, totp_code(seed, step), now, step));
  EXPECT_FALSE(totp_verify(seed, totp_code(seed, step - 1), now, step));
  EXPECT_FALSE(totp_verify(seed, "12345", now, std::nullopt));
  EXPECT_FALSE(totp_verify(seed, "abcdef", now, std::nullopt));
}

TEST(Base32, Rfc4648Vectors) {
  struct {
    const char* in;
    const char* out;
  } cases[] = {{"", ""},           {"f", "MY======"},       {"fo", "MZXQ===="},        {"foo", "MZXW6==="},
               {"foob", "MZXW6YQ="}, {"fooba", "MZXW6YTB"}, {"foobar", "MZXW6YTBOI======"}};
  for (auto& c : cases) {
    EXPECT_EQ(base32_encode(c.in), c.out);
    EXPECT_EQ(base32_decode(c.out).value(), c.in);
  }
  EXPECT_FALSE(base32_decode("MZ1W"));  // '1' is not in the alphabet
}

TEST(Password, Argon2idHashesVerifyOnlyTheirPassword) {
  auto h = hash_password("correct horse battery staple");
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0), 0u);
  EXPECT_TRUE(verify_password("correct horse battery staple", *h));
  EXPECT_FALSE(verify_password("correct horse battery stapler", *h));
  auto again = hash_password("correct horse battery staple");
  EXPECT_NE(*again, *h);  // a fresh salt each time
  EXPECT_FALSE(verify_password("x", "not-a-hash"));
}
