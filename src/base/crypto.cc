#include "base/crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <cstdlib>
#include <memory>

namespace citadel::crypto {

// OpenSSL 3 looks algorithms up in its provider tables on every one-shot call (EVP_sha256(),
// HMAC()); SigV4 hashes several times per request, so the algorithms are fetched once and each
// thread keeps its own reusable context.
namespace {
EVP_MD* sha256_md() {
  static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}
EVP_MAC* hmac_mac() {
  static EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  return mac;
}
struct DigestCtx {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~DigestCtx() { EVP_MD_CTX_free(ctx); }
};
struct MacCtx {
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(hmac_mac());
  ~MacCtx() { EVP_MAC_CTX_free(ctx); }
};
}  // namespace

Sha256 sha256(std::string_view data) {
  thread_local DigestCtx d;
  Sha256 out;
  unsigned int len = 0;
  if (EVP_DigestInit_ex2(d.ctx, sha256_md(), nullptr) != 1 || EVP_DigestUpdate(d.ctx, data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(d.ctx, out.data(), &len) != 1)
    std::abort();
  return out;
}

Sha256 hmac_sha256(std::string_view key, std::string_view data) {
  thread_local MacCtx m;
  static char digest[] = "SHA256";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("digest", digest, 0), OSSL_PARAM_construct_end()};
  Sha256 out;
  size_t len = 0;
  if (EVP_MAC_init(m.ctx, reinterpret_cast<const unsigned char*>(key.data()), key.size(), params) != 1 ||
      EVP_MAC_update(m.ctx, reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1 ||
      EVP_MAC_final(m.ctx, out.data(), &len, out.size()) != 1)
    std::abort();
  return out;
}

std::string to_hex(const uint8_t* data, size_t n) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string s(n * 2, '\0');
  for (size_t i = 0; i < n; ++i) {
    s[2 * i] = digits[data[i] >> 4];
    s[2 * i + 1] = digits[data[i] & 15];
  }
  return s;
}

std::string sha256_hex(std::string_view data) { return to_hex(sha256(data)); }

namespace {
const EVP_MD* digest_md(IncrementalDigest::Algorithm a) {
  return a == IncrementalDigest::Algorithm::Sha256 ? sha256_md() : EVP_md5();
}
}  // namespace

IncrementalDigest::IncrementalDigest(Algorithm algorithm) : ctx_(EVP_MD_CTX_new()), algorithm_(algorithm) {
  if (!ctx_ || EVP_DigestInit_ex2(static_cast<EVP_MD_CTX*>(ctx_), digest_md(algorithm_), nullptr) != 1) std::abort();
}

IncrementalDigest::~IncrementalDigest() { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_)); }

void IncrementalDigest::update(std::string_view data) {
  if (EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(ctx_), data.data(), data.size()) != 1) std::abort();
}

std::string IncrementalDigest::finish() {
  auto* ctx = static_cast<EVP_MD_CTX*>(ctx_);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (EVP_DigestFinal_ex(ctx, md, &n) != 1 || EVP_DigestInit_ex2(ctx, digest_md(algorithm_), nullptr) != 1) std::abort();
  return std::string(reinterpret_cast<char*>(md), n);
}

std::string md5_hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (EVP_Digest(data.data(), data.size(), md, &n, EVP_md5(), nullptr) != 1) std::abort();
  return to_hex(md, n);
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

void random_bytes(uint8_t* out, size_t n) {
  if (RAND_bytes(out, static_cast<int>(n)) != 1) std::abort();
}

std::string random_bytes(size_t n) {
  std::string s(n, '\0');
  random_bytes(reinterpret_cast<uint8_t*>(s.data()), n);
  return s;
}

std::string base64_encode(std::string_view data) {
  std::string out(4 * ((data.size() + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(data.data()),
                          static_cast<int>(data.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::optional<std::string> base64_decode(std::string_view data) {
  if (data.size() % 4 != 0) return std::nullopt;
  std::string out(3 * data.size() / 4, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(data.data()),
                          static_cast<int>(data.size()));
  if (n < 0) return std::nullopt;
  size_t pad = 0;
  if (!data.empty() && data.back() == '=') ++pad;
  if (data.size() > 1 && data[data.size() - 2] == '=') ++pad;
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

namespace {
struct CtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using Ctx = std::unique_ptr<EVP_CIPHER_CTX, CtxFree>;
constexpr size_t kNonce = 12, kTag = 16;
}  // namespace

std::string aes256gcm_seal(std::string_view key32, std::string_view plaintext, std::string_view aad) {
  std::string out(kNonce + plaintext.size() + kTag, '\0');
  auto* p = reinterpret_cast<unsigned char*>(out.data());
  random_bytes(p, kNonce);
  Ctx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr,
                     reinterpret_cast<const unsigned char*>(key32.data()), p);
  EVP_EncryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(aad.data()),
                    static_cast<int>(aad.size()));
  EVP_EncryptUpdate(ctx.get(), p + kNonce, &len,
                    reinterpret_cast<const unsigned char*>(plaintext.data()),
                    static_cast<int>(plaintext.size()));
  EVP_EncryptFinal_ex(ctx.get(), p + kNonce + len, &len);
  EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTag, p + kNonce + plaintext.size());
  return out;
}

std::optional<std::string> aes256gcm_open(std::string_view key32, std::string_view sealed,
                                          std::string_view aad) {
  if (sealed.size() < kNonce + kTag || key32.size() != 32) return std::nullopt;
  const auto* p = reinterpret_cast<const unsigned char*>(sealed.data());
  size_t n = sealed.size() - kNonce - kTag;
  std::string out(n, '\0');
  Ctx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr,
                     reinterpret_cast<const unsigned char*>(key32.data()), p);
  EVP_DecryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(aad.data()),
                    static_cast<int>(aad.size()));
  EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len, p + kNonce,
                    static_cast<int>(n));
  EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTag,
                      const_cast<unsigned char*>(p + kNonce + n));
  if (EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(out.data()) + len, &len) != 1)
    return std::nullopt;
  return out;
}

}  // namespace citadel::crypto
