#pragma once
// The key SNS signs its HTTP/S messages with, and the X.509 certificate endpoints verify them by
// (served at SigningCertURL, GET /_citadel/sns/cert.pem). One RSA-2048 key per data directory,
// made on first use; the private half is sealed under the master key.
#include <string>
#include <string_view>

#include "services/kms/key_crypto.h"
#include "services/service.h"

namespace citadel::services::sns {

struct SigningKey {
  kms::Secret private_pkcs8;  // DER
  std::string certificate_pem;
};

// The key, made (with its certificate) when there is none. Uses its own transactions.
Result<SigningKey> load_signing_key(store::Store& store, const store::SecretBox& secrets, int64_t now_ms);

// A self-signed X.509 certificate (PEM) for the key, valid from `now_ms` for `valid_days`.
std::optional<std::string> self_signed_certificate(std::string_view private_pkcs8, std::string_view common_name,
                                                   int64_t now_ms, int valid_days);

// The base64 signature of `text` with the key: SignatureVersion "1" is SHA1withRSA, "2"
// SHA256withRSA (RSASSA-PKCS1-v1_5 both).
Result<std::string> sign(const SigningKey& key, std::string_view signature_version, std::string_view text);

std::vector<store::Migration> signing_key_migrations();

}  // namespace citadel::services::sns
