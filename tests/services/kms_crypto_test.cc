// The KMS crypto layer: every key spec makes material that works with its algorithms, ciphertext
// blobs name their key and version and authenticate them, and the primitives refuse what was
// changed.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "base/crypto.h"
#include "services/kms/ciphertext_blob.h"
#include "services/kms/key_crypto.h"

using namespace citadel::services::kms;
namespace crypto = citadel::crypto;

namespace {

const char* kKeyId = "1234abcd-12ab-34cd-56ef-1234567890ab";

// SHA-256 of a message, as a caller of Sign with MessageType DIGEST computes it.
std::string sha256_of(std::string_view message) {
  auto d = crypto::sha256(message);
  return std::string(reinterpret_cast<const char*>(d.data()), d.size());
}

}  // namespace

TEST(KeySpecs, EverySpecMakesMaterialOfItsKind) {
  for (const char* name : {"SYMMETRIC_DEFAULT", "HMAC_224", "HMAC_256", "HMAC_384", "HMAC_512", "RSA_2048", "ECC_NIST_P256",
                           "ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256K1"}) {
    const KeySpecInfo* spec = key_spec_info(name);
    ASSERT_NE(spec, nullptr) << name;
    Secret m = generate_material(*spec);
    if (spec->family == KeyFamily::Symmetric || spec->family == KeyFamily::Hmac) {
      EXPECT_EQ(m.bytes().size(), static_cast<size_t>(spec->bits / 8)) << name;
      EXPECT_FALSE(public_key_der(m.view()).has_value()) << name;
    } else {
      auto pub = public_key_der(m.view());
      ASSERT_TRUE(pub.has_value()) << name;
      EXPECT_EQ(static_cast<uint8_t>((*pub)[0]), 0x30) << name;  // a DER SEQUENCE
    }
  }
  EXPECT_EQ(key_spec_info("SM2"), nullptr);
  EXPECT_EQ(key_spec_info("ML_DSA_44"), nullptr);
  EXPECT_EQ(key_spec_info("RSA_2048")->usages.size(), 2u);
}

TEST(KeySpecs, TwoKeysAreNeverTheSame) {
  const KeySpecInfo* spec = key_spec_info("SYMMETRIC_DEFAULT");
  EXPECT_NE(generate_material(*spec).bytes(), generate_material(*spec).bytes());
}

TEST(CiphertextBlob, HeaderNamesKeyAndVersion) {
  std::string header = blob_header(kKeyId, 7);
  ASSERT_EQ(header.size(), kBlobHeaderSize);
  std::string blob = header + std::string(12 + 16 + 5, 'x');
  auto parsed = parse_blob(blob);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->key_id, kKeyId);
  EXPECT_EQ(parsed->version, 7u);
  EXPECT_EQ(parsed->header, header);
  EXPECT_EQ(parsed->sealed.size(), 33u);
  EXPECT_EQ(blob_header("not-a-uuid", 1), "");
  EXPECT_EQ(blob_header("1234abcd-12ab-34cd-56ef-1234567890aZ", 1), "");
  EXPECT_FALSE(parse_blob(header).has_value());  // too short for an IV and a tag
  std::string other = blob;
  other[0] = 0x02;
  EXPECT_FALSE(parse_blob(other).has_value());
}

TEST(CiphertextBlob, ContextIsCanonicalWhateverTheOrder) {
  auto a = boost::json::parse(R"({"b":"2","a":"1"})").as_object();
  auto b = boost::json::parse(R"({"a":"1","b":"2"})").as_object();
  auto c = boost::json::parse(R"({"a":"1","b":"3"})").as_object();
  auto joined = boost::json::parse(R"({"a":"1b","":"2"})").as_object();
  EXPECT_EQ(canonical_context(&a), canonical_context(&b));
  EXPECT_NE(canonical_context(&a), canonical_context(&c));
  EXPECT_NE(canonical_context(&a), canonical_context(&joined));  // lengths keep pairs apart
  EXPECT_EQ(canonical_context(nullptr), "");
}

TEST(Symmetric, AuthenticatesTheAad) {
  Secret key = generate_material(*key_spec_info("SYMMETRIC_DEFAULT"));
  std::string sealed = aes_gcm_encrypt(key, "attack at dawn", "aad-1");
  EXPECT_EQ(sealed.size(), 12 + 14 + 16u);
  auto opened = aes_gcm_decrypt(key, sealed, "aad-1");
  ASSERT_TRUE(opened.has_value());
  EXPECT_EQ(opened->bytes(), "attack at dawn");
  EXPECT_FALSE(aes_gcm_decrypt(key, sealed, "aad-2").has_value());
  for (size_t i = 0; i < sealed.size(); ++i) {
    std::string t = sealed;
    t[i] ^= 1;
    EXPECT_FALSE(aes_gcm_decrypt(key, t, "aad-1").has_value()) << i;
  }
  Secret other = generate_material(*key_spec_info("SYMMETRIC_DEFAULT"));
  EXPECT_FALSE(aes_gcm_decrypt(other, sealed, "aad-1").has_value());
}

TEST(Rsa, OaepRoundTripsAndRefusesTooLong) {
  Secret key = generate_material(*key_spec_info("RSA_2048"));
  for (const char* alg : {"RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"}) {
    auto ct = rsa_oaep_encrypt(key.view(), alg, "hello rsa");
    ASSERT_TRUE(ct.has_value()) << alg;
    EXPECT_EQ(ct->size(), 256u);
    auto pt = rsa_oaep_decrypt(key, alg, *ct);
    ASSERT_TRUE(pt.has_value()) << alg;
    EXPECT_EQ(pt->bytes(), "hello rsa");
    std::string t = *ct;
    t[10] ^= 1;
    EXPECT_FALSE(rsa_oaep_decrypt(key, alg, t).has_value());
  }
  EXPECT_FALSE(rsa_oaep_encrypt(key.view(), "RSAES_OAEP_SHA_256", std::string(191, 'x')).has_value());
  EXPECT_TRUE(rsa_oaep_encrypt(key.view(), "RSAES_OAEP_SHA_256", std::string(190, 'x')).has_value());
  EXPECT_FALSE(rsa_oaep_encrypt(key.view(), "SYMMETRIC_DEFAULT", "x").has_value());
}

TEST(Signatures, EveryAlgorithmOfEverySpecSignsAndVerifies) {
  for (const char* name : {"RSA_2048", "ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256K1"}) {
    const KeySpecInfo* spec = key_spec_info(name);
    Secret key = generate_material(*spec);
    auto pub = public_key_der(key.view());
    ASSERT_TRUE(pub.has_value());
    for (auto alg_view : spec->signing_algorithms) {
      std::string alg(alg_view);
      auto sig = sign(key, alg, "the message", false);
      ASSERT_TRUE(sig.has_value()) << name << " " << alg;
      EXPECT_TRUE(verify(*pub, false, alg, "the message", false, *sig)) << name << " " << alg;
      EXPECT_TRUE(verify(key.view(), true, alg, "the message", false, *sig)) << name << " " << alg;
      EXPECT_FALSE(verify(*pub, false, alg, "another message", false, *sig)) << name << " " << alg;
      std::string t = *sig;
      t[t.size() / 2] ^= 1;
      EXPECT_FALSE(verify(*pub, false, alg, "the message", false, t)) << name << " " << alg;
    }
  }
}

TEST(Signatures, DigestAndRawAgree) {
  Secret key = generate_material(*key_spec_info("ECC_NIST_P256"));
  auto pub = public_key_der(key.view()).value();
  std::string d = sha256_of("the message");
  EXPECT_EQ(signing_digest_size("ECDSA_SHA_256"), 32u);
  EXPECT_EQ(signing_digest_size("RSASSA_PSS_SHA_512"), 64u);
  auto raw_sig = sign(key, "ECDSA_SHA_256", "the message", false).value();
  EXPECT_TRUE(verify(pub, false, "ECDSA_SHA_256", d, true, raw_sig));
  auto digest_sig = sign(key, "ECDSA_SHA_256", d, true).value();
  EXPECT_TRUE(verify(pub, false, "ECDSA_SHA_256", "the message", false, digest_sig));
}

TEST(Hmac, MatchesRfc4231) {
  // RFC 4231, test case 2.
  Secret key(std::string("Jefe"));
  auto mac = hmac(key, "HMAC_SHA_256", "what do ya want for nothing?");
  ASSERT_TRUE(mac.has_value());
  EXPECT_EQ(crypto::to_hex(reinterpret_cast<const uint8_t*>(mac->data()), mac->size()),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(hmac(key, "HMAC_SHA_224", "x")->size(), 28u);
  EXPECT_EQ(hmac(key, "HMAC_SHA_384", "x")->size(), 48u);
  EXPECT_EQ(hmac(key, "HMAC_SHA_512", "x")->size(), 64u);
  EXPECT_FALSE(hmac(key, "ECDSA_SHA_256", "x").has_value());
}

TEST(Secret, MovesLeaveNothingBehind) {
  Secret a(std::string(32, 'k'));
  Secret b(std::move(a));
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): the point of the test
  EXPECT_EQ(b.bytes(), std::string(32, 'k'));
  Secret c;
  c = std::move(b);
  EXPECT_TRUE(b.empty());  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(c.bytes().size(), 32u);
}
