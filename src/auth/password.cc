#include "auth/password.h"

#include <argon2.h>

#include "base/crypto.h"

namespace citadel::auth {

namespace {
constexpr uint32_t kTimeCost = 2, kMemoryKiB = 19456, kParallelism = 1, kHashLen = 32, kSaltLen = 16;
}

std::optional<std::string> hash_password(std::string_view password) {
  std::string salt = crypto::random_bytes(kSaltLen);
  size_t len = argon2_encodedlen(kTimeCost, kMemoryKiB, kParallelism, kSaltLen, kHashLen, Argon2_id);
  std::string encoded(len, '\0');
  int rc = argon2id_hash_encoded(kTimeCost, kMemoryKiB, kParallelism, password.data(), password.size(), salt.data(),
                                 salt.size(), kHashLen, encoded.data(), encoded.size());
  if (rc != ARGON2_OK) return std::nullopt;
  encoded.resize(encoded.find('\0') == std::string::npos ? encoded.size() : encoded.find('\0'));
  return encoded;
}

bool verify_password(std::string_view password, const std::string& encoded) {
  return argon2id_verify(encoded.c_str(), password.data(), password.size()) == ARGON2_OK;
}

}  // namespace citadel::auth
