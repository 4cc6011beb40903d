#include "services/ec2/key_material.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <functional>
#include <memory>
#include <vector>

#include "base/crypto.h"

namespace citadel::services::ec2 {

namespace {

using Pkey = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

std::string colon_hex(const unsigned char* d, size_t n) {
  std::string hex = crypto::to_hex(d, n), out;
  for (size_t i = 0; i < hex.size(); i += 2) out += (i ? ":" : "") + hex.substr(i, 2);
  return out;
}

std::string digest(const EVP_MD* md, const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), out, &n, md, nullptr);
  return std::string(reinterpret_cast<char*>(out), n);
}

// SSH wire encoding (RFC 4251): uint32 lengths, strings, mpints.
void put_u32(std::string& out, uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) out += static_cast<char>((v >> s) & 0xff);
}
void put_string(std::string& out, const std::string& s) {
  put_u32(out, static_cast<uint32_t>(s.size()));
  out += s;
}
void put_mpint(std::string& out, const BIGNUM* bn) {
  std::string b(BN_num_bytes(bn), '\0');
  BN_bn2bin(bn, reinterpret_cast<unsigned char*>(b.data()));
  if (!b.empty() && (static_cast<unsigned char>(b[0]) & 0x80)) b.insert(b.begin(), '\0');
  put_string(out, b);
}
struct Reader {
  std::string_view s;
  std::optional<std::string> string() {
    if (s.size() < 4) return std::nullopt;
    uint32_t n = (uint32_t(uint8_t(s[0])) << 24) | (uint32_t(uint8_t(s[1])) << 16) | (uint32_t(uint8_t(s[2])) << 8) | uint8_t(s[3]);
    if (s.size() - 4 < n) return std::nullopt;
    std::string out(s.substr(4, n));
    s.remove_prefix(4 + n);
    return out;
  }
};

// The OpenSSH public key blob of an RSA or ED25519 key.
std::optional<std::string> ssh_blob(EVP_PKEY* pkey) {
  std::string blob;
  if (EVP_PKEY_is_a(pkey, "RSA")) {
    BIGNUM *n = nullptr, *e = nullptr;
    if (!EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_N, &n) || !EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_E, &e)) {
      BN_free(n), BN_free(e);
      return std::nullopt;
    }
    put_string(blob, "ssh-rsa");
    put_mpint(blob, e);
    put_mpint(blob, n);
    BN_free(n), BN_free(e);
    return blob;
  }
  if (EVP_PKEY_is_a(pkey, "ED25519")) {
    std::string pub(32, '\0');
    size_t len = pub.size();
    if (!EVP_PKEY_get_raw_public_key(pkey, reinterpret_cast<unsigned char*>(pub.data()), &len)) return std::nullopt;
    put_string(blob, "ssh-ed25519");
    put_string(blob, pub);
    return blob;
  }
  return std::nullopt;
}

std::string ssh_line(const std::string& blob) {
  Reader r{blob};
  return *r.string() + " " + crypto::base64_encode(blob);
}

std::string ed25519_fingerprint(const std::string& blob) { return crypto::base64_encode(digest(EVP_sha256(), blob)); }

std::string wrap_pem(const std::string& label, const std::string& der, size_t width) {
  std::string b64 = crypto::base64_encode(der), out = "-----BEGIN " + label + "-----\n";
  for (size_t i = 0; i < b64.size(); i += width) out += b64.substr(i, width) + "\n";
  return out + "-----END " + label + "-----\n";
}

// OpenSSH's private key format ("openssh-key-v1", unencrypted), which EC2 returns for ED25519.
std::optional<std::string> openssh_private(EVP_PKEY* pkey, const std::string& blob) {
  std::string seed(32, '\0'), pub(32, '\0');
  size_t sl = 32, pl = 32;
  if (!EVP_PKEY_get_raw_private_key(pkey, reinterpret_cast<unsigned char*>(seed.data()), &sl) ||
      !EVP_PKEY_get_raw_public_key(pkey, reinterpret_cast<unsigned char*>(pub.data()), &pl))
    return std::nullopt;
  std::string check = crypto::random_bytes(4), priv = check + check;
  put_string(priv, "ssh-ed25519");
  put_string(priv, pub);
  put_string(priv, seed + pub);
  put_string(priv, "");  // comment
  for (char pad = 1; priv.size() % 8; ++pad) priv += pad;
  std::string out("openssh-key-v1\0", 15);
  put_string(out, "none");
  put_string(out, "none");
  put_string(out, "");
  put_u32(out, 1);
  put_string(out, blob);
  put_string(out, priv);
  return wrap_pem("OPENSSH PRIVATE KEY", out, 70);
}

std::optional<std::string> bio_text(const std::function<int(BIO*)>& write) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  if (!bio || write(bio.get()) != 1) return std::nullopt;
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, n);
}

}  // namespace

std::optional<KeyMaterial> generate_key(const std::string& key_type) {
  Pkey pkey(key_type == "ed25519" ? EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519") : EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048}),
            EVP_PKEY_free);
  if (!pkey) return std::nullopt;
  auto blob = ssh_blob(pkey.get());
  if (!blob) return std::nullopt;
  KeyMaterial k;
  k.public_ssh = ssh_line(*blob);
  if (key_type == "ed25519") {
    auto pem = openssh_private(pkey.get(), *blob);
    if (!pem) return std::nullopt;
    k.private_pem = *pem;
    k.fingerprint = ed25519_fingerprint(*blob);
    return k;
  }
  auto pem = bio_text([&](BIO* b) { return PEM_write_bio_PrivateKey_traditional(b, pkey.get(), nullptr, nullptr, 0, nullptr, nullptr); });
  if (!pem) return std::nullopt;
  k.private_pem = *pem;
  std::unique_ptr<PKCS8_PRIV_KEY_INFO, decltype(&PKCS8_PRIV_KEY_INFO_free)> p8(EVP_PKEY2PKCS8(pkey.get()), PKCS8_PRIV_KEY_INFO_free);
  unsigned char* der = nullptr;
  int n = p8 ? i2d_PKCS8_PRIV_KEY_INFO(p8.get(), &der) : -1;
  if (n <= 0) return std::nullopt;
  std::string sha1 = digest(EVP_sha1(), std::string(reinterpret_cast<char*>(der), n));
  OPENSSL_clear_free(der, n);
  k.fingerprint = colon_hex(reinterpret_cast<const unsigned char*>(sha1.data()), sha1.size());
  return k;
}

std::optional<ImportedKey> import_public_key(const std::string& material) {
  Pkey pkey(nullptr, EVP_PKEY_free);
  std::string text = material;
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  if (text.rfind("-----BEGIN PUBLIC KEY-----", 0) == 0) {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())), BIO_free);
    pkey.reset(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  } else {
    size_t sp = text.find(' ');
    if (sp == std::string::npos) return std::nullopt;
    size_t end = text.find(' ', sp + 1);
    auto blob = crypto::base64_decode(text.substr(sp + 1, end == std::string::npos ? std::string::npos : end - sp - 1));
    if (!blob) return std::nullopt;
    Reader r{*blob};
    auto type = r.string();
    if (!type || *type != text.substr(0, sp)) return std::nullopt;
    if (*type == "ssh-ed25519") {
      auto pub = r.string();
      if (!pub || pub->size() != 32 || !r.s.empty()) return std::nullopt;
      pkey.reset(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(pub->data()), 32));
    } else if (*type == "ssh-rsa") {
      auto e = r.string(), n = r.string();
      if (!e || !n || !r.s.empty()) return std::nullopt;
      BIGNUM* bn_e = BN_bin2bn(reinterpret_cast<const unsigned char*>(e->data()), static_cast<int>(e->size()), nullptr);
      BIGNUM* bn_n = BN_bin2bn(reinterpret_cast<const unsigned char*>(n->data()), static_cast<int>(n->size()), nullptr);
      OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
      OSSL_PARAM* params = nullptr;
      if (bld && bn_e && bn_n && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n) &&
          OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e))
        params = OSSL_PARAM_BLD_to_param(bld);
      EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr);
      EVP_PKEY* out = nullptr;
      if (params && ctx && EVP_PKEY_fromdata_init(ctx) == 1) EVP_PKEY_fromdata(ctx, &out, EVP_PKEY_PUBLIC_KEY, params);
      pkey.reset(out);
      EVP_PKEY_CTX_free(ctx);
      OSSL_PARAM_free(params);
      OSSL_PARAM_BLD_free(bld);
      BN_free(bn_e), BN_free(bn_n);
    }
  }
  if (!pkey) return std::nullopt;
  auto blob = ssh_blob(pkey.get());
  if (!blob) return std::nullopt;
  ImportedKey k;
  k.public_ssh = ssh_line(*blob);
  if (EVP_PKEY_is_a(pkey.get(), "ED25519")) {
    k.key_type = "ed25519";
    k.fingerprint = ed25519_fingerprint(*blob);
    return k;
  }
  if (EVP_PKEY_get_bits(pkey.get()) < 1024) return std::nullopt;
  k.key_type = "rsa";
  unsigned char* der = nullptr;
  int n = i2d_PUBKEY(pkey.get(), &der);
  if (n <= 0) return std::nullopt;
  std::string md5 = digest(EVP_md5(), std::string(reinterpret_cast<char*>(der), n));
  OPENSSL_free(der);
  k.fingerprint = colon_hex(reinterpret_cast<const unsigned char*>(md5.data()), md5.size());
  return k;
}

}  // namespace citadel::services::ec2
