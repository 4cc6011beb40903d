// Asymmetric and HMAC keys: GetPublicKey, Sign, Verify, GenerateMac, VerifyMac, and data key pairs
// (GenerateDataKeyPair, GenerateDataKeyPairWithoutPlaintext) wrapped under a symmetric key.
#include "base/crypto.h"
#include "services/kms/envelope.h"
#include "services/kms/kms_operations.h"

namespace citadel::services::kms {

namespace {

const KeyArg kPublicKey{"KeyId", true, "GetPublicKey"};
const KeyArg kSign{"KeyId", true, "Sign"};
const KeyArg kVerify{"KeyId", true, "Verify"};
const KeyArg kGenerateMac{"KeyId", true, "GenerateMac"};
const KeyArg kVerifyMac{"KeyId", true, "VerifyMac"};
const KeyArg kPair{"KeyId", true, "GenerateDataKeyPair"};
const KeyArg kPairWithout{"KeyId", true, "GenerateDataKeyPairWithoutPlaintext"};

AwsError wrong_usage(const KeyRow& k, const char* operation) {
  return kms_error("InvalidKeyUsageException", k.arn() + " key usage is " + k.key_usage + " which is not valid for " + operation + ".");
}

// The key must have `usage`, support `algorithm` among `supported`, and be Enabled.
Status require_usage(const KeyRow& k, const char* usage, const std::string& algorithm, const std::vector<std::string_view>& supported,
                     const char* operation) {
  if (k.key_usage != usage) return wrong_usage(k, operation);
  bool ok = false;
  for (auto a : supported) ok = ok || a == algorithm;
  if (!ok) return kms_error("InvalidKeyUsageException", "Algorithm " + algorithm + " is incompatible with key spec " + k.key_spec + ".");
  return require_enabled(k);
}

Result<Secret> current_material(Call& call, const KeyRow& k) {
  auto m = material(call.tx, call.env, k.key_id, k.current_version);
  if (!m) return m.error();
  if (!*m) return AwsError::internal("The key material of " + k.arn() + " is missing.");
  return std::move(**m);
}

Result<json::value> get_public_key(Call& call) {
  auto ref = call_key(call, kPublicKey);
  if (!ref) return ref.error();
  const KeyRow& k = ref->key;
  KeyFamily f = k.spec().family;
  if (f != KeyFamily::Rsa && f != KeyFamily::Ecc)
    return kms_error("UnsupportedOperationException", k.arn() + " key spec " + k.key_spec + " has no public key.");
  if (auto s = require_enabled(k); !s) return s.error();
  auto m = current_material(call, k);
  if (!m) return m.error();
  auto pub = public_key_der(m->view());
  if (!pub) return AwsError::internal("The key material of " + k.arn() + " does not parse.");
  json::object out{{"KeyId", k.arn()}, {"PublicKey", crypto::base64_encode(*pub)}, {"CustomerMasterKeySpec", k.key_spec},
                   {"KeySpec", k.key_spec}, {"KeyUsage", k.key_usage}};
  if (k.key_usage == "ENCRYPT_DECRYPT") out["EncryptionAlgorithms"] = algorithm_list(k.spec().encryption_algorithms);
  if (k.key_usage == "SIGN_VERIFY") out["SigningAlgorithms"] = algorithm_list(k.spec().signing_algorithms);
  return out;
}

// The message to sign or verify, checked against its MessageType.
Result<std::pair<std::string, bool>> signing_message(const Call& call, const std::string& algorithm) {
  auto message = blob_input(call, "Message", 4096);
  if (!message) return message.error();
  std::string type = call.str("MessageType");
  if (type == "EXTERNAL_MU") return AwsError::not_implemented("kms signing with MessageType EXTERNAL_MU");
  bool digest = type == "DIGEST";
  if (digest && message->size() != signing_digest_size(algorithm))
    return validation("Digest is invalid length for algorithm " + algorithm + ".");
  return std::make_pair(std::move(*message), digest);
}

Result<json::value> sign_message(Call& call) {
  auto ref = call_key(call, kSign);
  if (!ref) return ref.error();
  const KeyRow& k = ref->key;
  std::string algorithm = call.str("SigningAlgorithm");
  if (auto s = require_usage(k, "SIGN_VERIFY", algorithm, k.spec().signing_algorithms, "Sign"); !s) return s.error();
  auto msg = signing_message(call, algorithm);
  if (!msg) return msg.error();
  auto m = current_material(call, k);
  if (!m) return m.error();
  auto sig = sign(*m, algorithm, msg->first, msg->second);
  if (!sig) return AwsError::internal("Signing with " + k.arn() + " failed.");
  return json::object{{"KeyId", k.arn()}, {"Signature", crypto::base64_encode(*sig)}, {"SigningAlgorithm", algorithm}};
}

Result<json::value> verify_signature(Call& call) {
  auto ref = call_key(call, kVerify);
  if (!ref) return ref.error();
  const KeyRow& k = ref->key;
  std::string algorithm = call.str("SigningAlgorithm");
  if (auto s = require_usage(k, "SIGN_VERIFY", algorithm, k.spec().signing_algorithms, "Verify"); !s) return s.error();
  auto msg = signing_message(call, algorithm);
  if (!msg) return msg.error();
  auto signature = blob_input(call, "Signature", 6144);
  if (!signature) return signature.error();
  auto m = current_material(call, k);
  if (!m) return m.error();
  if (!verify(m->view(), true, algorithm, msg->first, msg->second, *signature))
    return kms_error("KMSInvalidSignatureException", "");
  return json::object{{"KeyId", k.arn()}, {"SignatureValid", true}, {"SigningAlgorithm", algorithm}};
}

Result<std::pair<KeyRow, std::string>> mac_of(Call& call, const KeyArg& arg, const char* operation) {
  auto ref = call_key(call, arg);
  if (!ref) return ref.error();
  const KeyRow& k = ref->key;
  std::string algorithm = call.str("MacAlgorithm");
  if (auto s = require_usage(k, "GENERATE_VERIFY_MAC", algorithm, k.spec().mac_algorithms, operation); !s) return s.error();
  auto message = blob_input(call, "Message", 4096);
  if (!message) return message.error();
  auto m = current_material(call, k);
  if (!m) return m.error();
  auto mac = hmac(*m, algorithm, *message);
  if (!mac) return AwsError::internal("HMAC with " + k.arn() + " failed.");
  return std::make_pair(k, std::move(*mac));
}

Result<json::value> generate_mac(Call& call) {
  auto mac = mac_of(call, kGenerateMac, "GenerateMac");
  if (!mac) return mac.error();
  return json::object{{"Mac", crypto::base64_encode(mac->second)}, {"MacAlgorithm", call.str("MacAlgorithm")}, {"KeyId", mac->first.arn()}};
}

Result<json::value> verify_mac(Call& call) {
  auto mac = mac_of(call, kVerifyMac, "VerifyMac");
  if (!mac) return mac.error();
  auto given = blob_input(call, "Mac", 6144);
  if (!given) return given.error();
  if (!crypto::constant_time_equal(mac->second, *given)) return kms_error("KMSInvalidMacException", "");
  return json::object{{"KeyId", mac->first.arn()}, {"MacValid", true}, {"MacAlgorithm", call.str("MacAlgorithm")}};
}

Result<json::value> data_key_pair(Call& call, const KeyArg& arg, bool with_plaintext) {
  if (call.has("Recipient")) return AwsError::not_implemented("kms:GenerateDataKeyPair with a Recipient (Nitro Enclaves)");
  auto ref = call_key(call, arg);
  if (!ref) return ref.error();
  const KeyRow& k = ref->key;
  std::string pair_spec = call.str("KeyPairSpec");
  const KeySpecInfo* spec = key_spec_info(pair_spec);
  if (!spec || (spec->family != KeyFamily::Rsa && spec->family != KeyFamily::Ecc))
    return kms_error("UnsupportedOperationException", "KeyPairSpec " + pair_spec + " is not supported in this region.");
  if (k.key_spec != "SYMMETRIC_DEFAULT")
    return kms_error("InvalidKeyUsageException", k.arn() + " is not a symmetric encryption key: data key pairs need one.");
  if (auto s = require_encryption_key(k, "SYMMETRIC_DEFAULT", "GenerateDataKeyPair"); !s) return s.error();
  Secret priv = generate_material(*spec);
  auto pub = public_key_der(priv.view());
  if (!pub) return AwsError::internal("The new key pair does not parse.");
  auto blob = encrypt_under(call, k, "SYMMETRIC_DEFAULT", priv.view(), context_of(call, "EncryptionContext"));
  if (!blob) return blob.error();
  json::object out{{"PrivateKeyCiphertextBlob", crypto::base64_encode(*blob)}, {"PublicKey", crypto::base64_encode(*pub)}, {"KeyId", k.arn()}, {"KeyPairSpec", pair_spec}};
  if (with_plaintext) out["PrivateKeyPlaintext"] = crypto::base64_encode(priv.view());
  return out;
}

}  // namespace

void add_asymmetric_operations(std::vector<OperationDef>& ops) {
  ops.push_back(kms_op("GetPublicKey", true, kPublicKey, get_public_key));
  ops.push_back(kms_op("Sign", true, kSign, sign_message));
  ops.push_back(kms_op("Verify", true, kVerify, verify_signature));
  ops.push_back(kms_op("GenerateMac", true, kGenerateMac, generate_mac));
  ops.push_back(kms_op("VerifyMac", true, kVerifyMac, verify_mac));
  ops.push_back(kms_op("GenerateDataKeyPair", true, kPair, [](Call& c) { return data_key_pair(c, kPair, true); }));
  ops.push_back(kms_op("GenerateDataKeyPairWithoutPlaintext", true, kPairWithout,
                       [](Call& c) { return data_key_pair(c, kPairWithout, false); }));
}

}  // namespace citadel::services::kms
