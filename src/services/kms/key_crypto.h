#pragma once
// The cryptography of KMS keys, over OpenSSL 3 (EVP). Pure: values in, values out; no store, no
// clock. Key material travels as bytes in a `Secret`, which wipes itself (OPENSSL_cleanse) when it
// goes away.
//
//   SYMMETRIC_DEFAULT  32 random bytes, AES-256-GCM
//   HMAC_224..512      random bytes of the digest's size (28, 32, 48, 64)
//   RSA_*, ECC_*       a PKCS#8 DER private key; the public key is its DER SubjectPublicKeyInfo
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace citadel::services::kms {

// Bytes that are wiped when destroyed. Move-only.
class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string bytes) : bytes_(std::move(bytes)) {}
  Secret(Secret&& o) noexcept : bytes_(std::move(o.bytes_)) { o.wipe(); }
  Secret& operator=(Secret&& o) noexcept;
  Secret(const Secret&) = delete;
  Secret& operator=(const Secret&) = delete;
  ~Secret() { wipe(); }
  const std::string& bytes() const { return bytes_; }
  std::string_view view() const { return bytes_; }
  bool empty() const { return bytes_.empty(); }

 private:
  void wipe();
  std::string bytes_;
};

enum class KeyFamily { Symmetric, Hmac, Rsa, Ecc };

// What a KeySpec is: its family, size or curve, and the algorithms of each usage.
struct KeySpecInfo {
  std::string_view name;      // "RSA_2048"
  KeyFamily family;
  int bits = 0;               // RSA modulus bits, HMAC key bits
  std::string_view curve;     // OpenSSL group name for ECC ("P-256")
  std::vector<std::string_view> encryption_algorithms;  // for ENCRYPT_DECRYPT
  std::vector<std::string_view> signing_algorithms;     // for SIGN_VERIFY
  std::vector<std::string_view> mac_algorithms;         // for GENERATE_VERIFY_MAC
  // The usages this spec may have; the first is the default when the caller gives none.
  std::vector<std::string_view> usages;
};

// nullptr for specs Citadel does not build (SM2, ML_DSA_*, ECC_NIST_EDWARDS25519).
const KeySpecInfo* key_spec_info(std::string_view spec);

// New key material for a spec, from the CSPRNG (RAND_bytes / OpenSSL key generation).
Secret generate_material(const KeySpecInfo& spec);

// The DER SubjectPublicKeyInfo of a PKCS#8 DER private key; nullopt when it does not parse.
std::optional<std::string> public_key_der(std::string_view private_pkcs8);
// An RSA key's public half as a DER PKCS #1 RSAPublicKey (what CloudTrail's ListPublicKeys gives).
std::optional<std::string> rsa_public_key_pkcs1(std::string_view private_pkcs8);

// ---- Symmetric ------------------------------------------------------------------------------
// AES-256-GCM with a fresh random 12-byte IV: IV || ciphertext || tag(16), authenticating `aad`.
std::string aes_gcm_encrypt(const Secret& key, std::string_view plaintext, std::string_view aad);
std::optional<Secret> aes_gcm_decrypt(const Secret& key, std::string_view sealed, std::string_view aad);

// ---- RSA encryption -------------------------------------------------------------------------
// RSAES_OAEP_SHA_1 / RSAES_OAEP_SHA_256 (MGF1 with the same digest). nullopt when the plaintext is
// too long for the key and padding, or the ciphertext does not decrypt.
std::optional<std::string> rsa_oaep_encrypt(std::string_view private_pkcs8, std::string_view algorithm,
                                            std::string_view plaintext);
std::optional<Secret> rsa_oaep_decrypt(const Secret& private_pkcs8, std::string_view algorithm,
                                       std::string_view ciphertext);

// ---- Signatures -----------------------------------------------------------------------------
// The digest size in bytes of a signing algorithm (32 for *_SHA_256), 0 when unknown.
size_t signing_digest_size(std::string_view algorithm);
// `digest` says whether `message` is already the digest (MessageType DIGEST) or the raw message.
// RSASSA_PSS_* use a salt as long as the digest; ECDSA signatures are DER (as AWS returns them).
std::optional<std::string> sign(const Secret& private_pkcs8, std::string_view algorithm, std::string_view message,
                                bool digest);
bool verify(std::string_view private_or_public, bool is_private, std::string_view algorithm, std::string_view message,
            bool digest, std::string_view signature);

// ---- HMAC -----------------------------------------------------------------------------------
// HMAC_SHA_224/256/384/512.
std::optional<std::string> hmac(const Secret& key, std::string_view algorithm, std::string_view message);

}  // namespace citadel::services::kms
