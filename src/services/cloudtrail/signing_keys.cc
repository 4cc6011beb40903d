#include "services/cloudtrail/signing_keys.h"

#include "base/crypto.h"
#include "services/cloudtrail/cloudtrail_operations.h"

namespace citadel::services::cloudtrail {

namespace {

std::string sealing_context(const std::string& fingerprint) { return "cloudtrail-signing-key:" + fingerprint; }

Result<json::value> list_public_keys(Call& call) {
  int64_t end = call.has("EndTime") ? call.input.at("EndTime").to_number<int64_t>() : call.ctx.now_ms;
  int64_t start = call.has("StartTime") ? call.input.at("StartTime").to_number<int64_t>() : end;
  if (start > end)
    return AwsError::sender("InvalidTimeRangeException", "Start time must be equal to or earlier than end time.", 400);
  if (call.has("NextToken")) return AwsError::sender("InvalidTokenException", "Invalid token.", 400);  // one page always
  // A key made now covers the present, so the current key is always listed for a range that
  // reaches it.
  if (end >= call.ctx.now_ms) {
    if (auto k = current_signing_key(call.tx, *call.env.secrets, call.ctx.region, call.ctx.now_ms); !k) return k.error();
  }
  auto rows = call.tx.query(
      "SELECT fingerprint, public_pkcs1, valid_from_ms, valid_to_ms FROM cloudtrail_signing_keys "
      "WHERE region = ? AND valid_from_ms <= ? AND valid_to_ms >= ? ORDER BY valid_from_ms",
      {call.ctx.region, end, start});
  if (!rows) return rows.error();
  json::array keys;
  for (const auto& r : *rows)
    keys.push_back(json::object{{"Value", r.str(1)},  // base64 of the DER, as the blob travels
                                {"ValidityStartTime", r.i64(2)},
                                {"ValidityEndTime", r.i64(3)},
                                {"Fingerprint", r.str(0)}});
  return json::object{{"PublicKeyList", std::move(keys)}};
}

}  // namespace

Result<SigningKey> current_signing_key(store::Tx& tx, const store::SecretBox& secrets, const std::string& region, int64_t now_ms) {
  auto rows = tx.query(
      "SELECT fingerprint, public_pkcs1, private_sealed FROM cloudtrail_signing_keys "
      "WHERE region = ? AND valid_from_ms <= ? AND valid_to_ms > ? ORDER BY valid_from_ms DESC LIMIT 1",
      {region, now_ms, now_ms});
  if (!rows) return rows.error();
  SigningKey key;
  if (!rows->empty()) {
    const auto& r = rows->front();
    key.fingerprint = r.str(0);
    auto pub = crypto::base64_decode(r.str(1));
    auto sealed = crypto::base64_decode(r.str(2));
    auto priv = sealed ? secrets.open_sealed(*sealed, sealing_context(key.fingerprint)) : std::nullopt;
    if (!pub || !priv) return AwsError::internal("the CloudTrail signing key of " + region + " does not open");
    key.public_pkcs1 = std::move(*pub);
    key.private_pkcs8 = kms::Secret(std::move(*priv));
    return key;
  }
  key.private_pkcs8 = kms::generate_material(*kms::key_spec_info("RSA_2048"));
  auto pub = kms::rsa_public_key_pkcs1(key.private_pkcs8.view());
  if (!pub) return AwsError::internal("could not derive a CloudTrail signing key's public half");
  key.public_pkcs1 = std::move(*pub);
  key.fingerprint = crypto::md5_hex(key.public_pkcs1);
  auto w = tx.exec(
      "INSERT INTO cloudtrail_signing_keys (fingerprint, region, public_pkcs1, private_sealed, valid_from_ms, valid_to_ms) "
      "VALUES (?, ?, ?, ?, ?, ?)",
      {key.fingerprint, region, crypto::base64_encode(key.public_pkcs1),
       crypto::base64_encode(secrets.seal(key.private_pkcs8.view(), sealing_context(key.fingerprint))), now_ms,
       now_ms + kSigningKeyLifetimeMs});
  if (!w) return w.error();
  return key;
}

Result<std::string> sign_hex(const SigningKey& key, std::string_view message) {
  auto sig = kms::sign(key.private_pkcs8, "RSASSA_PKCS1_V1_5_SHA_256", message, false);
  if (!sig) return AwsError::internal("signing a CloudTrail digest failed");
  return crypto::to_hex(reinterpret_cast<const uint8_t*>(sig->data()), sig->size());
}

void add_public_key_operations(std::vector<OperationDef>& ops) {
  // Reading the public keys may make the region's first key pair, hence a write transaction.
  OperationDef op{"ListPublicKeys", true, false,
                  [](const RequestContext&, const json::object&, store::Tx&) {
                    return AuthzRequest{"cloudtrail:ListPublicKeys", {"*"}, {}};
                  },
                  list_public_keys};
  op.writes_store = true;
  ops.push_back(std::move(op));
}

}  // namespace citadel::services::cloudtrail
