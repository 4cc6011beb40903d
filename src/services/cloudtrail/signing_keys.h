#pragma once
// The RSA key pairs that sign CloudTrail digest files, one current pair per region. A pair signs
// for kSigningKeyLifetime, then a new one is made; old public keys stay listed by ListPublicKeys
// so older digests still verify. Private halves are sealed under the master key.
#include <string>

#include "services/kms/key_crypto.h"
#include "services/service.h"

namespace citadel::services::cloudtrail {

constexpr int64_t kSigningKeyLifetimeMs = 30LL * 24 * 3600 * 1000;

struct SigningKey {
  std::string fingerprint;   // hex MD5 of the public key's DER
  std::string public_pkcs1;  // DER RSAPublicKey
  kms::Secret private_pkcs8;
};

// The region's current key pair, made when there is none.
Result<SigningKey> current_signing_key(store::Tx& tx, const store::SecretBox& secrets, const std::string& region, int64_t now_ms);

// SHA256withRSA (RSASSA-PKCS1-v1_5 with SHA-256) over `message`, hex-encoded.
Result<std::string> sign_hex(const SigningKey& key, std::string_view message);

}  // namespace citadel::services::cloudtrail
