#pragma once
// KMS keys as stored: their rows, how a KeyId (key id, key ARN, alias name, alias ARN) names one,
// their key states, and their material (sealed under the master key, one row per version).
#include <optional>
#include <string>
#include <vector>

#include "services/kms/key_crypto.h"
#include "services/service.h"

namespace citadel::services::kms {

// ---- Errors (KMS answers every error with HTTP 400) ------------------------------------------
AwsError kms_error(std::string code, std::string message);
AwsError not_found(const std::string& message);
AwsError validation(const std::string& message);
AwsError invalid_state(const std::string& message);

struct KeyRow {
  std::string key_id, account, region, description, key_usage, key_spec, origin, key_state, policy;
  int64_t created_ms = 0;
  int64_t deletion_ms = 0;  // 0: not pending deletion
  int64_t pending_window_days = 0;
  bool rotation_enabled = false;
  int64_t rotation_period_days = 0;
  int64_t next_rotation_ms = 0;
  int64_t current_version = 1;

  std::string arn() const { return "arn:aws:kms:" + region + ":" + account + ":key/" + key_id; }
  const KeySpecInfo& spec() const;  // always known: rows are written with specs Citadel builds
};

std::string key_arn(const std::string& region, const std::string& account, const std::string& key_id);
std::string alias_arn(const std::string& region, const std::string& account, const std::string& alias_name);

// How a key was named in the request.
struct KeyRef {
  KeyRow key;
  std::string alias_name;  // "alias/x" when named by an alias (name or ARN)
};

// Finds the key `key_id` names for a caller of `account` in `region`: a key id, a key ARN, an alias
// name ("alias/x") or an alias ARN. ARNs of another account are followed only when
// `cross_account`. A key whose deletion date has passed no longer exists. NotFoundException when
// nothing matches.
Result<KeyRef> resolve_key(store::Tx& tx, const std::string& account, const std::string& region,
                           const std::string& key_id, bool cross_account, int64_t now_ms);
// The key of a ciphertext blob (by its id alone, in any account), nullopt when there is none.
Result<std::optional<KeyRow>> key_by_id(store::Tx& tx, const std::string& key_id, int64_t now_ms);

// Key state checks for operations that use the key: DisabledException, KMSInvalidStateException.
Status require_enabled(const KeyRow& key);
// For operations that manage a key: only PendingDeletion is refused.
Status require_not_pending_deletion(const KeyRow& key);

// ---- Material --------------------------------------------------------------------------------
// Seals and stores a new material version for a key.
Status put_material(store::Tx& tx, const Env& env, const std::string& key_id, int64_t version, const Secret& material,
                    const std::string& rotation_type, int64_t now_ms);
// The opened material of one version; nullopt when that version does not exist.
Result<std::optional<Secret>> material(store::Tx& tx, const Env& env, const std::string& key_id, int64_t version);

// ---- Tags, aliases ---------------------------------------------------------------------------
std::vector<std::pair<std::string, std::string>> key_tags(store::Tx& tx, const std::string& key_id);
// What authorization reads about a key besides its row, in one query: its aliases ("alias/x"),
// its tags, and whether any grant names it.
struct KeyFacts {
  std::vector<std::string> aliases;
  std::vector<std::pair<std::string, std::string>> tags;
  bool has_grants = false;
};
KeyFacts key_facts(store::Tx& tx, const std::string& key_id);
// Checks and stores tags (TagException for aws: keys; at most 50 per key).
Status put_tags(store::Tx& tx, const std::string& key_id, const json::value* tags);

// ---- Lifecycle -------------------------------------------------------------------------------
// Destroys every key whose deletion date has passed (rows, material, aliases, grants, tags) and
// rotates every key whose automatic rotation is due. Runs at the start of each KMS write.
Status maintain(store::Tx& tx, const Env& env, int64_t now_ms);

// EncryptionAlgorithms, SigningAlgorithms, MacAlgorithms as JSON.
json::array algorithm_list(const std::vector<std::string_view>& names);
// KeyMetadata as DescribeKey and CreateKey answer it.
json::object key_metadata(const KeyRow& key);

inline constexpr const char* kKeyColumns =
    "key_id, account_id, region, description, key_usage, key_spec, origin, key_state, policy, created_ms, deletion_ms, "
    "pending_window_days, rotation_enabled, rotation_period_days, next_rotation_ms, current_version";
KeyRow key_from_row(const store::Row& r);

}  // namespace citadel::services::kms
