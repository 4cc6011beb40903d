#include "services/logs/log_encryption.h"

#include <array>

#include "base/crypto.h"
#include "services/kms/envelope.h"
#include "services/logs/logs_common.h"
#include "services/service_principal.h"

namespace citadel::services::logs {

namespace {

constexpr const char* kAad = "citadel logs event";

json::object key_context(const std::string& group_arn) { return json::object{{"aws:logs:arn", group_arn}}; }

AwsError not_allowed(const std::string& group_arn) {
  return AwsError::sender("AccessDeniedException",
                          "The specified KMS key does not exist or is not allowed to be used with Arn '" + group_arn + "'", 400);
}

AwsError disabled(const kms::KeyRow& key) {
  return invalid_parameter("The KMS key " + key.arn() + " is " + key.key_state + " and cannot be used to encrypt or decrypt log data.");
}

}  // namespace

Status associate_kms_key(Call& call, const std::string& group, const std::string& kms_key_arn) {
  std::string arn_of_group = group_arn(call.ctx.region, call.account(), group);
  // A key ARN, as AWS requires; keys of other accounts may be used when their policy allows it.
  if (kms_key_arn.rfind("arn:aws:kms:", 0) != 0 || kms_key_arn.find(":key/") == std::string::npos)
    return invalid_parameter("Specified KMS key ARN '" + kms_key_arn + "' is not a valid KMS key ARN.");
  auto ref = kms::resolve_key(call.tx, call.account(), call.ctx.region, kms_key_arn, true, call.ctx.now_ms);
  if (!ref) return not_allowed(arn_of_group);
  const kms::KeyRow& key = ref->key;
  if (key.key_state != "Enabled") return disabled(key);
  if (key.key_usage != "ENCRYPT_DECRYPT" || key.key_spec != "SYMMETRIC_DEFAULT") return not_allowed(arn_of_group);
  std::string principal = "logs." + call.ctx.region + ".amazonaws.com";
  std::string_view arn[] = {arn_of_group};
  std::array<policy::ContextEntry, 1> context{{{"kms:EncryptionContext:aws:logs:arn", arn}}};
  if (!resource_policy_allows_service(key.policy, policy::PolicyKind::Resource, principal, key.account,
                                      {{"kms:Encrypt", key.arn(), context},
                                       {"kms:Decrypt", key.arn(), context},
                                       {"kms:GenerateDataKey", key.arn(), context}}))
    return not_allowed(arn_of_group);

  std::string plaintext = crypto::random_bytes(32);
  auto ctx = key_context(arn_of_group);
  auto blob = kms::encrypt_under(call, key, "SYMMETRIC_DEFAULT", plaintext, &ctx);
  if (!blob) return blob.error();
  auto id = call.tx.query(
      "INSERT INTO logs_data_keys (account_id, region, group_name, kms_key_arn, blob, created_ms) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
      {call.account(), call.ctx.region, group, key.arn(), crypto::base64_encode(*blob), call.ctx.now_ms});
  if (!id) return id.error();
  auto u = call.tx.exec("UPDATE logs_groups SET kms_key = ?, data_key_id = ? WHERE account_id = ? AND region = ? AND name = ?",
                        {key.arn(), id->front().i64(0), call.account(), call.ctx.region, group});
  if (!u) return u.error();
  return Ok{};
}

Status disassociate_kms_key(Call& call, const std::string& group) {
  auto u = call.tx.exec("UPDATE logs_groups SET kms_key = '', data_key_id = NULL WHERE account_id = ? AND region = ? AND name = ?",
                        {call.account(), call.ctx.region, group});
  if (!u) return u.error();
  return Ok{};
}

Result<IngestKey> DataKeys::for_ingest(const std::string& account, const std::string& region,
                                                                           const std::string& group) {
  auto rows = call_.tx.query("SELECT data_key_id FROM logs_groups WHERE account_id = ? AND region = ? AND name = ?",
                             {account, region, group});
  if (!rows) return rows.error();
  if (rows->empty() || rows->front().is_null(0)) return IngestKey();
  int64_t id = rows->front().i64(0);
  auto key = plaintext(id);
  if (!key) return key.error();
  return IngestKey(std::make_pair(id, *key));
}

Result<int64_t> insert_event(store::Tx& tx, const IngestKey& key, const std::string& account, const std::string& region,
                             const std::string& group, const std::string& stream, int64_t ts, int64_t now_ms,
                             const std::string& message) {
  auto w = tx.query(
      "INSERT INTO logs_events (account_id, region, group_name, stream_name, ts, ingestion_ms, message, data_key_id) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq",
      {account, region, group, stream, ts, now_ms, key ? DataKeys::seal(key->second, message) : message,
       key ? store::Value{key->first} : store::Value{}});
  if (!w) return w.error();
  return w->front().i64(0);
}

Result<std::string> DataKeys::open(const store::Value& data_key_id, const std::string& stored) {
  const auto* id = std::get_if<int64_t>(&data_key_id);
  if (!id) return stored;
  auto key = plaintext(*id);
  if (!key) return key.error();
  auto sealed = crypto::base64_decode(stored);
  auto message = sealed ? crypto::aes256gcm_open(*key, *sealed, kAad) : std::nullopt;
  if (!message) return AwsError::internal("logs: a stored event does not open under its data key");
  return *message;
}

std::string DataKeys::seal(const std::string& data_key, const std::string& message) {
  return crypto::base64_encode(crypto::aes256gcm_seal(data_key, message, kAad));
}

Result<std::string> DataKeys::plaintext(int64_t id) {
  if (auto it = opened_.find(id); it != opened_.end()) return it->second;
  auto rows = call_.tx.query("SELECT account_id, region, group_name, blob FROM logs_data_keys WHERE id = ?", {id});
  if (!rows) return rows.error();
  if (rows->empty()) return AwsError::internal("logs: a data key is missing");
  const auto& r = rows->front();
  auto blob = crypto::base64_decode(r.str(3));
  if (!blob) return AwsError::internal("logs: a data key is damaged");
  auto ctx = key_context(group_arn(r.str(1), r.str(0), r.str(2)));
  auto opened = kms::decrypt_input(call_, *blob, nullptr, "SYMMETRIC_DEFAULT", &ctx);
  // The KMS key was disabled or scheduled for deletion since: the group's sealed data is unreadable.
  if (!opened)
    return invalid_parameter("The KMS key that encrypts log group " + r.str(2) + " cannot be used: " + opened.error().message);
  return opened_.emplace(id, opened->plaintext.bytes()).first->second;
}

std::vector<store::Migration> encryption_migrations() {
  return {{"logs/003_kms_keys", R"sql(
-- One row per data key a KMS key made for a log group; events sealed under it name it.
CREATE TABLE logs_data_keys (
  id          INTEGER PRIMARY KEY,
  account_id  TEXT NOT NULL,
  region      TEXT NOT NULL,
  group_name  TEXT NOT NULL,
  kms_key_arn TEXT NOT NULL,
  blob        TEXT NOT NULL,
  created_ms  INTEGER NOT NULL
);
ALTER TABLE logs_groups ADD COLUMN data_key_id INTEGER;
ALTER TABLE logs_events ADD COLUMN data_key_id INTEGER;
)sql"}};
}

}  // namespace citadel::services::logs
