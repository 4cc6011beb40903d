#pragma once
// Encrypting and decrypting under a KMS key for the operations that do it (Encrypt, Decrypt,
// ReEncrypt, GenerateDataKey*, GenerateDataKeyPair*).
#include <string>

#include "services/kms/key_store.h"

namespace citadel::services::kms {

// The decoded bytes of a blob member; ValidationException when it is not base64 or its length is
// outside [1, max].
Result<std::string> blob_input(const Call& call, const char* member, size_t max);

// The key must be one that encrypts (KeyUsage ENCRYPT_DECRYPT) with `algorithm`
// (InvalidKeyUsageException otherwise), and be Enabled.
Status require_encryption_key(const KeyRow& key, const std::string& algorithm, const char* operation);

// Encrypts under the key's current material: the ciphertext blob (ciphertext_blob.h) for a
// symmetric key, the RSAES-OAEP ciphertext for an RSA key.
Result<std::string> encrypt_under(Call& call, const KeyRow& key, const std::string& algorithm, std::string_view plaintext,
                                  const json::object* context);

struct Decrypted {
  KeyRow key;
  Secret plaintext;
  std::string algorithm;
};
// Decrypts a ciphertext. A symmetric blob names its key; `key_id_member` (if given in the input)
// must name the same key (IncorrectKeyException). RSA ciphertexts need the key and algorithm.
// InvalidCiphertextException when the blob is not one of ours, was changed, or the context differs.
Result<Decrypted> decrypt_input(Call& call, const std::string& blob, const char* key_id_member, const std::string& algorithm,
                                const json::object* context);

const json::object* context_of(const Call& call, const char* member);

}  // namespace citadel::services::kms
