#pragma once
// Thin wrappers over OpenSSL 3 for the primitives the product uses. No hand-written crypto.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace citadel::crypto {

using Sha256 = std::array<uint8_t, 32>;

Sha256 sha256(std::string_view data);
Sha256 hmac_sha256(std::string_view key, std::string_view data);
std::string to_hex(const uint8_t* data, size_t n);
inline std::string to_hex(const Sha256& d) { return to_hex(d.data(), d.size()); }
std::string sha256_hex(std::string_view data);
// MD5, for identifiers AWS defines with it (key fingerprints); never for security.
std::string md5_hex(std::string_view data);

// A digest computed over bytes that arrive in pieces (a streamed request body): update() as
// they pass, finish() once at the end.
class IncrementalDigest {
 public:
  enum class Algorithm { Md5, Sha256 };
  explicit IncrementalDigest(Algorithm algorithm);
  ~IncrementalDigest();
  IncrementalDigest(const IncrementalDigest&) = delete;
  IncrementalDigest& operator=(const IncrementalDigest&) = delete;
  void update(std::string_view data);
  // The raw digest; afterwards the digest starts over (empty input).
  std::string finish();

 private:
  void* ctx_;  // EVP_MD_CTX
  Algorithm algorithm_;
};

// Compares in time independent of where the inputs differ (CRYPTO_memcmp).
bool constant_time_equal(std::string_view a, std::string_view b);

// Cryptographically secure random bytes (RAND_bytes). Aborts if the RNG fails: nothing safe remains.
void random_bytes(uint8_t* out, size_t n);
std::string random_bytes(size_t n);

std::string base64_encode(std::string_view data);
std::optional<std::string> base64_decode(std::string_view data);

// AES-256-GCM. The sealed form is nonce(12) || ciphertext || tag(16). `aad` binds context
// (e.g. the row a secret belongs to) so a sealed value cannot be moved to another row.
std::string aes256gcm_seal(std::string_view key32, std::string_view plaintext, std::string_view aad);
std::optional<std::string> aes256gcm_open(std::string_view key32, std::string_view sealed,
                                          std::string_view aad);

}  // namespace citadel::crypto
