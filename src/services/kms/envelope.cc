#include "services/kms/envelope.h"

#include "base/crypto.h"
#include "services/kms/ciphertext_blob.h"

namespace citadel::services::kms {

namespace {
AwsError invalid_ciphertext() { return kms_error("InvalidCiphertextException", ""); }
}  // namespace

const json::object* context_of(const Call& call, const char* member) {
  const auto* v = call.input.if_contains(member);
  return v && v->is_object() ? &v->as_object() : nullptr;
}

Result<std::string> blob_input(const Call& call, const char* member, size_t max) {
  auto raw = crypto::base64_decode(call.str(member));
  if (!raw) return validation("Invalid base64 in " + std::string(member) + ".");
  if (raw->empty() || raw->size() > max)
    return validation("1 validation error detected: Value at '" + std::string(member) +
                      "' failed to satisfy constraint: Member must have length between 1 and " + std::to_string(max));
  return std::move(*raw);
}

Status require_encryption_key(const KeyRow& key, const std::string& algorithm, const char* operation) {
  if (key.key_usage != "ENCRYPT_DECRYPT")
    return kms_error("InvalidKeyUsageException", key.arn() + " key usage is " + key.key_usage + " which is not valid for " + operation + ".");
  bool ok = false;
  for (auto a : key.spec().encryption_algorithms) ok = ok || a == algorithm;
  if (!ok)
    return kms_error("InvalidKeyUsageException",
                     "The requested encryption algorithm " + algorithm + " is not supported by " + key.arn() + ".");
  return require_enabled(key);
}

Result<std::string> encrypt_under(Call& call, const KeyRow& key, const std::string& algorithm, std::string_view plaintext,
                                  const json::object* context) {
  auto m = material(call.tx, call.env, key.key_id, key.current_version);
  if (!m) return m.error();
  if (!*m) return AwsError::internal("The key material of " + key.arn() + " is missing.");
  if (key.spec().family == KeyFamily::Rsa) {
    auto ct = rsa_oaep_encrypt(m->value().view(), algorithm, plaintext);
    if (!ct) return validation("The plaintext is too long for " + algorithm + " with " + key.key_spec + ".");
    return std::move(*ct);
  }
  std::string header = blob_header(key.key_id, static_cast<uint32_t>(key.current_version));
  return header + aes_gcm_encrypt(m->value(), plaintext, header + canonical_context(context));
}

Result<Decrypted> decrypt_input(Call& call, const std::string& blob, const char* key_id_member, const std::string& algorithm,
                                const json::object* context) {
  std::optional<KeyRef> named;
  if (key_id_member && call.has(key_id_member)) {
    auto r = resolve_key(call.tx, call.account(), call.ctx.region, call.str(key_id_member), true, call.ctx.now_ms);
    if (!r) return r.error();
    named = std::move(r.value());
  }
  if (algorithm != "SYMMETRIC_DEFAULT") {
    if (!named) return validation("KeyId is required when the encryption algorithm is " + algorithm + ".");
    const KeyRow& k = named->key;
    if (auto s = require_encryption_key(k, algorithm, "Decrypt"); !s) return s.error();
    auto m = material(call.tx, call.env, k.key_id, k.current_version);
    if (!m) return m.error();
    if (!*m) return invalid_ciphertext();
    auto plain = rsa_oaep_decrypt(m->value(), algorithm, blob);
    if (!plain) return invalid_ciphertext();
    return Decrypted{k, std::move(*plain), algorithm};
  }
  auto parsed = parse_blob(blob);
  if (!parsed) {
    if (named && named->key.key_spec != "SYMMETRIC_DEFAULT")
      return kms_error("InvalidKeyUsageException",
                       "The requested encryption algorithm SYMMETRIC_DEFAULT is not supported by " + named->key.arn() + ".");
    return invalid_ciphertext();
  }
  auto found = key_by_id(call.tx, parsed->key_id, call.ctx.now_ms);
  if (!found) return found.error();
  if (!*found) return invalid_ciphertext();
  KeyRow k = std::move(**found);
  if (named && named->key.key_id != k.key_id)
    return kms_error("IncorrectKeyException", "The key ID in the request does not identify a CMK that can perform this operation.");
  if (auto s = require_encryption_key(k, algorithm, "Decrypt"); !s) return s.error();
  auto m = material(call.tx, call.env, k.key_id, parsed->version);
  if (!m) return m.error();
  if (!*m) return invalid_ciphertext();
  auto plain = aes_gcm_decrypt(m->value(), parsed->sealed, std::string(parsed->header) + canonical_context(context));
  if (!plain) return invalid_ciphertext();
  return Decrypted{std::move(k), std::move(*plain), algorithm};
}

}  // namespace citadel::services::kms
