#pragma once
// KMS-encrypted log groups (CreateLogGroup kmsKeyId, AssociateKmsKey, DisassociateKmsKey). As AWS
// does, the service itself uses the key, not the caller: the key's policy must let
// logs.REGION.amazonaws.com use it (kms:Encrypt*, kms:Decrypt*, kms:GenerateDataKey*) with the
// encryption context {"aws:logs:arn": the group's ARN}; else AccessDeniedException "The specified
// KMS key does not exist or is not allowed to be used with Arn '...'". A disabled key is an
// InvalidParameterException.
//
// Associating makes a data key for the group under the KMS key (its plaintext is never stored; its
// KMS ciphertext is, in logs_data_keys). Events ingested while a key is associated are sealed with
// AES-256-GCM under it and name it; events from before stay as they were, and events sealed under a
// key stay readable after DisassociateKmsKey — as long as the KMS key is enabled: reading (or
// ingesting into) a group whose key is disabled or pending deletion answers
// InvalidParameterException naming the key's state.
#include <map>
#include <optional>
#include <string>

#include "services/service.h"

namespace citadel::services::logs {

// Checks `kms_key_arn` for `group` and makes the group's data key under it.
Status associate_kms_key(Call& call, const std::string& group, const std::string& kms_key_arn);
Status disassociate_kms_key(Call& call, const std::string& group);

// The data key new events of a group are sealed with: (id, plaintext); nullopt when none.
using IngestKey = std::optional<std::pair<int64_t, std::string>>;

// Opens data keys (through KMS) once per call.
class DataKeys {
 public:
  explicit DataKeys(Call& call) : call_(call) {}
  // The key new events of `group` are sealed with: (id, plaintext), nullopt when the group has none.
  Result<IngestKey> for_ingest(const std::string& account, const std::string& region,
                                                                   const std::string& group);
  // A stored message as it was put: opened when `data_key_id` (the row's column) is set.
  Result<std::string> open(const store::Value& data_key_id, const std::string& stored);
  // A message sealed under a data key, for storage.
  static std::string seal(const std::string& data_key, const std::string& message);

 private:
  Result<std::string> plaintext(int64_t id);
  Call& call_;
  std::map<int64_t, std::string> opened_;
};

// Inserts one event, sealed under `key` when it is set. Every ingest path (PutLogEvents, delivery
// from CloudTrail) goes through here. Returns the event's sequence number (its eventId).
Result<int64_t> insert_event(store::Tx& tx, const IngestKey& key, const std::string& account, const std::string& region,
                    const std::string& group, const std::string& stream, int64_t ts, int64_t now_ms, const std::string& message);

std::vector<store::Migration> encryption_migrations();

}  // namespace citadel::services::logs
