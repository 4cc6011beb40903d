#include "services/kms/key_crypto.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <memory>

#include "base/crypto.h"

namespace citadel::services::kms {

Secret& Secret::operator=(Secret&& o) noexcept {
  if (this != &o) {
    wipe();
    bytes_ = std::move(o.bytes_);
    o.wipe();
  }
  return *this;
}

void Secret::wipe() {
  if (!bytes_.empty()) OPENSSL_cleanse(bytes_.data(), bytes_.size());
  bytes_.clear();
}

namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

const unsigned char* bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

const std::vector<KeySpecInfo>& specs() {
  static const std::vector<std::string_view> rsa_enc{"RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"};
  static const std::vector<std::string_view> rsa_sign{"RSASSA_PSS_SHA_256",        "RSASSA_PSS_SHA_384",
                                                      "RSASSA_PSS_SHA_512",        "RSASSA_PKCS1_V1_5_SHA_256",
                                                      "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512"};
  static const std::vector<KeySpecInfo> all = {
      {"SYMMETRIC_DEFAULT", KeyFamily::Symmetric, 256, "", {"SYMMETRIC_DEFAULT"}, {}, {}, {"ENCRYPT_DECRYPT"}},
      {"HMAC_224", KeyFamily::Hmac, 224, "", {}, {}, {"HMAC_SHA_224"}, {"GENERATE_VERIFY_MAC"}},
      {"HMAC_256", KeyFamily::Hmac, 256, "", {}, {}, {"HMAC_SHA_256"}, {"GENERATE_VERIFY_MAC"}},
      {"HMAC_384", KeyFamily::Hmac, 384, "", {}, {}, {"HMAC_SHA_384"}, {"GENERATE_VERIFY_MAC"}},
      {"HMAC_512", KeyFamily::Hmac, 512, "", {}, {}, {"HMAC_SHA_512"}, {"GENERATE_VERIFY_MAC"}},
      {"RSA_2048", KeyFamily::Rsa, 2048, "", rsa_enc, rsa_sign, {}, {"ENCRYPT_DECRYPT", "SIGN_VERIFY"}},
      {"RSA_3072", KeyFamily::Rsa, 3072, "", rsa_enc, rsa_sign, {}, {"ENCRYPT_DECRYPT", "SIGN_VERIFY"}},
      {"RSA_4096", KeyFamily::Rsa, 4096, "", rsa_enc, rsa_sign, {}, {"ENCRYPT_DECRYPT", "SIGN_VERIFY"}},
      {"ECC_NIST_P256", KeyFamily::Ecc, 256, "P-256", {}, {"ECDSA_SHA_256"}, {}, {"SIGN_VERIFY"}},
      {"ECC_NIST_P384", KeyFamily::Ecc, 384, "P-384", {}, {"ECDSA_SHA_384"}, {}, {"SIGN_VERIFY"}},
      {"ECC_NIST_P521", KeyFamily::Ecc, 521, "P-521", {}, {"ECDSA_SHA_512"}, {}, {"SIGN_VERIFY"}},
      {"ECC_SECG_P256K1", KeyFamily::Ecc, 256, "secp256k1", {}, {"ECDSA_SHA_256"}, {}, {"SIGN_VERIFY"}},
  };
  return all;
}

Pkey load_private(std::string_view der) {
  const unsigned char* p = bytes(der);
  PKCS8_PRIV_KEY_INFO* info = d2i_PKCS8_PRIV_KEY_INFO(nullptr, &p, static_cast<long>(der.size()));
  if (!info) return nullptr;
  Pkey key(EVP_PKCS82PKEY(info));
  PKCS8_PRIV_KEY_INFO_free(info);
  return key;
}

Pkey load_public(std::string_view der) {
  const unsigned char* p = bytes(der);
  return Pkey(d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size())));
}

// "SHA256" for "..._SHA_256", "SHA1" for "..._SHA_1".
const char* digest_name(std::string_view algorithm) {
  if (algorithm.ends_with("SHA_1")) return "SHA1";
  if (algorithm.ends_with("SHA_224")) return "SHA224";
  if (algorithm.ends_with("SHA_256")) return "SHA256";
  if (algorithm.ends_with("SHA_384")) return "SHA384";
  if (algorithm.ends_with("SHA_512")) return "SHA512";
  return nullptr;
}

// Pads and salts a signing context for the algorithm's scheme.
bool set_signature_params(EVP_PKEY_CTX* ctx, std::string_view algorithm, const EVP_MD* md) {
  if (EVP_PKEY_CTX_set_signature_md(ctx, md) <= 0) return false;
  if (algorithm.starts_with("RSASSA_PSS_"))
    return EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PSS_PADDING) > 0 &&
           EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, RSA_PSS_SALTLEN_DIGEST) > 0;
  if (algorithm.starts_with("RSASSA_PKCS1_V1_5_")) return EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) > 0;
  return true;
}

bool set_oaep(EVP_PKEY_CTX* ctx, std::string_view algorithm) {
  const char* md_name = digest_name(algorithm);
  if (!md_name || !algorithm.starts_with("RSAES_OAEP_")) return false;
  const EVP_MD* md = EVP_get_digestbyname(md_name);
  return md && EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) > 0 && EVP_PKEY_CTX_set_rsa_oaep_md(ctx, md) > 0 &&
         EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, md) > 0;
}

}  // namespace

const KeySpecInfo* key_spec_info(std::string_view spec) {
  for (const auto& s : specs())
    if (s.name == spec) return &s;
  return nullptr;
}

Secret generate_material(const KeySpecInfo& spec) {
  if (spec.family == KeyFamily::Symmetric || spec.family == KeyFamily::Hmac)
    return Secret(crypto::random_bytes(static_cast<size_t>(spec.bits / 8)));
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, spec.family == KeyFamily::Rsa ? "RSA" : "EC", nullptr));
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) <= 0) std::abort();
  if (spec.family == KeyFamily::Rsa) {
    if (EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), spec.bits) <= 0) std::abort();
  } else if (EVP_PKEY_CTX_set_group_name(ctx.get(), std::string(spec.curve).c_str()) <= 0) {
    std::abort();
  }
  EVP_PKEY* raw = nullptr;
  if (EVP_PKEY_generate(ctx.get(), &raw) <= 0) std::abort();  // the RNG or the library failed: nothing safe remains
  Pkey key(raw);
  PKCS8_PRIV_KEY_INFO* info = EVP_PKEY2PKCS8(key.get());
  if (!info) std::abort();
  unsigned char* der = nullptr;
  int n = i2d_PKCS8_PRIV_KEY_INFO(info, &der);
  PKCS8_PRIV_KEY_INFO_free(info);
  if (n <= 0) std::abort();
  Secret out(std::string(reinterpret_cast<char*>(der), static_cast<size_t>(n)));
  OPENSSL_clear_free(der, static_cast<size_t>(n));
  return out;
}

std::optional<std::string> public_key_der(std::string_view private_pkcs8) {
  Pkey key = load_private(private_pkcs8);
  if (!key) return std::nullopt;
  unsigned char* der = nullptr;
  int n = i2d_PUBKEY(key.get(), &der);
  if (n <= 0) return std::nullopt;
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(n));
  OPENSSL_free(der);
  return out;
}

std::optional<std::string> rsa_public_key_pkcs1(std::string_view private_pkcs8) {
  Pkey key = load_private(private_pkcs8);
  if (!key || EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_RSA) return std::nullopt;
  unsigned char* der = nullptr;
  int n = i2d_PublicKey(key.get(), &der);  // for RSA: the PKCS #1 RSAPublicKey
  if (n <= 0) return std::nullopt;
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(n));
  OPENSSL_free(der);
  return out;
}

std::string aes_gcm_encrypt(const Secret& key, std::string_view plaintext, std::string_view aad) {
  return crypto::aes256gcm_seal(key.view(), plaintext, aad);
}

std::optional<Secret> aes_gcm_decrypt(const Secret& key, std::string_view sealed, std::string_view aad) {
  auto plain = crypto::aes256gcm_open(key.view(), sealed, aad);
  if (!plain) return std::nullopt;
  return Secret(std::move(*plain));
}

namespace {
// RSAES-OAEP in either direction (the EVP calls differ only by name).
std::optional<std::string> oaep(std::string_view private_pkcs8, std::string_view algorithm, std::string_view input, bool encrypt) {
  Pkey key = load_private(private_pkcs8);
  if (!key) return std::nullopt;
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  auto init = encrypt ? EVP_PKEY_encrypt_init : EVP_PKEY_decrypt_init;
  auto run = encrypt ? EVP_PKEY_encrypt : EVP_PKEY_decrypt;
  if (!ctx || init(ctx.get()) <= 0 || !set_oaep(ctx.get(), algorithm)) return std::nullopt;
  size_t n = 0;
  if (run(ctx.get(), nullptr, &n, bytes(input), input.size()) <= 0) return std::nullopt;
  std::string out(n, '\0');
  if (run(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &n, bytes(input), input.size()) <= 0) {
    OPENSSL_cleanse(out.data(), out.size());
    return std::nullopt;
  }
  out.resize(n);
  return out;
}
}  // namespace

std::optional<std::string> rsa_oaep_encrypt(std::string_view private_pkcs8, std::string_view algorithm,
                                            std::string_view plaintext) {
  return oaep(private_pkcs8, algorithm, plaintext, true);
}

std::optional<Secret> rsa_oaep_decrypt(const Secret& private_pkcs8, std::string_view algorithm, std::string_view ciphertext) {
  auto plain = oaep(private_pkcs8.view(), algorithm, ciphertext, false);
  if (!plain) return std::nullopt;
  return Secret(std::move(*plain));
}

size_t signing_digest_size(std::string_view algorithm) {
  const char* name = digest_name(algorithm);
  if (!name) return 0;
  const EVP_MD* md = EVP_get_digestbyname(name);
  return md ? static_cast<size_t>(EVP_MD_get_size(md)) : 0;
}

namespace {
// The digest to sign: the message itself when the caller sent a digest (MessageType DIGEST).
std::optional<std::string> digest_of(const EVP_MD* md, std::string_view message, bool is_digest) {
  if (is_digest) return std::string(message);
  unsigned char buf[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(message.data(), message.size(), buf, &len, md, nullptr) != 1) return std::nullopt;
  return std::string(reinterpret_cast<char*>(buf), len);
}
}  // namespace

std::optional<std::string> sign(const Secret& private_pkcs8, std::string_view algorithm, std::string_view message, bool digest) {
  const char* md_name = digest_name(algorithm);
  const EVP_MD* md = md_name ? EVP_get_digestbyname(md_name) : nullptr;
  Pkey key = load_private(private_pkcs8.view());
  if (!key || !md) return std::nullopt;
  auto d = digest_of(md, message, digest);
  if (!d) return std::nullopt;
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (!ctx || EVP_PKEY_sign_init(ctx.get()) <= 0 || !set_signature_params(ctx.get(), algorithm, md)) return std::nullopt;
  size_t n = 0;
  if (EVP_PKEY_sign(ctx.get(), nullptr, &n, bytes(*d), d->size()) <= 0) return std::nullopt;
  std::string out(n, '\0');
  if (EVP_PKEY_sign(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &n, bytes(*d), d->size()) <= 0) return std::nullopt;
  out.resize(n);
  return out;
}

bool verify(std::string_view key_der, bool is_private, std::string_view algorithm, std::string_view message, bool digest,
            std::string_view signature) {
  const char* md_name = digest_name(algorithm);
  const EVP_MD* md = md_name ? EVP_get_digestbyname(md_name) : nullptr;
  Pkey key = is_private ? load_private(key_der) : load_public(key_der);
  if (!key || !md) return false;
  auto d = digest_of(md, message, digest);
  if (!d) return false;
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (!ctx || EVP_PKEY_verify_init(ctx.get()) <= 0 || !set_signature_params(ctx.get(), algorithm, md)) return false;
  return EVP_PKEY_verify(ctx.get(), bytes(signature), signature.size(), bytes(*d), d->size()) == 1;
}

std::optional<std::string> hmac(const Secret& key, std::string_view algorithm, std::string_view message) {
  const char* md_name = digest_name(algorithm);
  if (!md_name || !algorithm.starts_with("HMAC_")) return std::nullopt;
  unsigned char out[EVP_MAX_MD_SIZE];
  size_t len = 0;
  if (!EVP_Q_mac(nullptr, "HMAC", nullptr, md_name, nullptr, key.bytes().data(), key.bytes().size(), bytes(message),
                 message.size(), out, sizeof(out), &len))
    return std::nullopt;
  return std::string(reinterpret_cast<char*>(out), len);
}

}  // namespace citadel::services::kms
