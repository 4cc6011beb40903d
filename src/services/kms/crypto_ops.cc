// Encrypt, Decrypt, ReEncrypt, GenerateDataKey, GenerateDataKeyWithoutPlaintext, GenerateRandom.
#include "base/crypto.h"
#include "services/kms/envelope.h"
#include "services/kms/kms_operations.h"

namespace citadel::services::kms {

namespace {

const KeyArg kEncrypt{"KeyId", true, "Encrypt"};
const KeyArg kDecrypt{"KeyId", true, "Decrypt", "CiphertextBlob"};
const KeyArg kReEncryptFrom{"SourceKeyId", true, "ReEncryptFrom", "CiphertextBlob", "SourceEncryptionContext"};
const KeyArg kReEncryptTo{"DestinationKeyId", true, "ReEncryptTo", nullptr, "DestinationEncryptionContext"};
const KeyArg kDataKey{"KeyId", true, "GenerateDataKey"};
const KeyArg kDataKeyWithout{"KeyId", true, "GenerateDataKeyWithoutPlaintext"};

std::string algorithm_of(const Call& call, const char* member) {
  std::string a = call.str(member);
  return a.empty() ? "SYMMETRIC_DEFAULT" : a;
}

Result<json::value> encrypt(Call& call) {
  auto ref = call_key(call, kEncrypt);
  if (!ref) return ref.error();
  auto plaintext = blob_input(call, "Plaintext", 4096);
  if (!plaintext) return plaintext.error();
  Secret plain(std::move(*plaintext));
  std::string algorithm = algorithm_of(call, "EncryptionAlgorithm");
  if (auto s = require_encryption_key(ref->key, algorithm, "Encrypt"); !s) return s.error();
  auto blob = encrypt_under(call, ref->key, algorithm, plain.view(), context_of(call, "EncryptionContext"));
  if (!blob) return blob.error();
  return json::object{{"CiphertextBlob", crypto::base64_encode(*blob)}, {"KeyId", ref->key.arn()}, {"EncryptionAlgorithm", algorithm}};
}

Result<json::value> decrypt(Call& call) {
  if (call.has("Recipient")) return AwsError::not_implemented("kms:Decrypt with a Recipient (Nitro Enclaves)");
  auto blob = blob_input(call, "CiphertextBlob", 6144);
  if (!blob) return blob.error();
  auto d = decrypt_input(call, *blob, "KeyId", algorithm_of(call, "EncryptionAlgorithm"), context_of(call, "EncryptionContext"));
  if (!d) return d.error();
  return json::object{{"KeyId", d->key.arn()}, {"Plaintext", crypto::base64_encode(d->plaintext.view())}, {"EncryptionAlgorithm", d->algorithm}};
}

Result<json::value> re_encrypt(Call& call) {
  auto blob = blob_input(call, "CiphertextBlob", 6144);
  if (!blob) return blob.error();
  auto d = decrypt_input(call, *blob, "SourceKeyId", algorithm_of(call, "SourceEncryptionAlgorithm"),
                         context_of(call, "SourceEncryptionContext"));
  if (!d) return d.error();
  auto dest = call_key(call, kReEncryptTo);
  if (!dest) return dest.error();
  std::string algorithm = algorithm_of(call, "DestinationEncryptionAlgorithm");
  if (auto s = require_encryption_key(dest->key, algorithm, "ReEncrypt"); !s) return s.error();
  auto out = encrypt_under(call, dest->key, algorithm, d->plaintext.view(), context_of(call, "DestinationEncryptionContext"));
  if (!out) return out.error();
  return json::object{{"CiphertextBlob", crypto::base64_encode(*out)},
                      {"SourceKeyId", d->key.arn()},
                      {"KeyId", dest->key.arn()},
                      {"SourceEncryptionAlgorithm", d->algorithm},
                      {"DestinationEncryptionAlgorithm", algorithm}};
}

Result<size_t> data_key_size(const Call& call) {
  const auto* n = call.input.if_contains("NumberOfBytes");
  std::string spec = call.str("KeySpec");
  if (n && !spec.empty()) return validation("Please specify either number of bytes or key spec.");
  if (!n && spec.empty()) return validation("Please specify either number of bytes or key spec.");
  if (!spec.empty()) return spec == "AES_128" ? size_t{16} : size_t{32};
  if (!n->is_int64() || n->as_int64() < 1 || n->as_int64() > 1024)
    return validation("1 validation error detected: Value at 'numberOfBytes' failed to satisfy constraint: Member must have value "
                      "less than or equal to 1024");
  return static_cast<size_t>(n->as_int64());
}

Result<json::value> data_key(Call& call, const KeyArg& arg, bool with_plaintext) {
  auto ref = call_key(call, arg);
  if (!ref) return ref.error();
  auto size = data_key_size(call);
  if (!size) return size.error();
  if (ref->key.key_spec != "SYMMETRIC_DEFAULT")
    return kms_error("InvalidKeyUsageException", ref->key.arn() + " is not a symmetric encryption key: data keys need one.");
  if (auto s = require_encryption_key(ref->key, "SYMMETRIC_DEFAULT", "GenerateDataKey"); !s) return s.error();
  Secret plain(crypto::random_bytes(*size));
  auto blob = encrypt_under(call, ref->key, "SYMMETRIC_DEFAULT", plain.view(), context_of(call, "EncryptionContext"));
  if (!blob) return blob.error();
  json::object out{{"CiphertextBlob", crypto::base64_encode(*blob)}, {"KeyId", ref->key.arn()}};
  if (with_plaintext) out["Plaintext"] = crypto::base64_encode(plain.view());
  return out;
}

Result<json::value> generate_random(Call& call) {
  if (call.has("CustomKeyStoreId")) return AwsError::not_implemented("kms:GenerateRandom in a custom key store");
  if (call.has("Recipient")) return AwsError::not_implemented("kms:GenerateRandom with a Recipient (Nitro Enclaves)");
  const auto* n = call.input.if_contains("NumberOfBytes");
  if (!n) return validation("NumberOfBytes is required.");
  if (!n->is_int64() || n->as_int64() < 1 || n->as_int64() > 1024)
    return validation("1 validation error detected: Value at 'numberOfBytes' failed to satisfy constraint: Member must have value "
                      "less than or equal to 1024");
  Secret plain(crypto::random_bytes(static_cast<size_t>(n->as_int64())));
  return json::object{{"Plaintext", crypto::base64_encode(plain.view())}};
}

}  // namespace

void add_crypto_operations(std::vector<OperationDef>& ops) {
  ops.push_back(kms_op("Encrypt", true, kEncrypt, encrypt));
  ops.push_back(kms_op("Decrypt", true, kDecrypt, decrypt));
  ops.push_back(kms_op("ReEncrypt", true, kReEncryptFrom, re_encrypt, [](AuthzRequest& req, const RequestContext& ctx,
                                                                          const json::object& input, store::Tx& tx) {
    // Re-encrypting needs kms:ReEncryptFrom on the source key and kms:ReEncryptTo on the
    // destination key, each under its own key policy.
    req = key_authz(ctx, input, tx, "kms:ReEncryptFrom", kReEncryptFrom);
    auto to = key_authz(ctx, input, tx, "kms:ReEncryptTo", kReEncryptTo);
    if (to.has_resource_policy) req.also.push_back(std::move(to));
  }));
  ops.push_back(kms_op("GenerateDataKey", true, kDataKey, [](Call& c) { return data_key(c, kDataKey, true); }));
  ops.push_back(kms_op("GenerateDataKeyWithoutPlaintext", true, kDataKeyWithout,
                       [](Call& c) { return data_key(c, kDataKeyWithout, false); }));
  auto random = kms_op("GenerateRandom", true, {}, generate_random);
  random.uses_store = false;
  ops.push_back(std::move(random));
}

}  // namespace citadel::services::kms
