#include "services/kms/kms_service.h"

#include "services/kms/kms_operations.h"

namespace citadel::services::kms {

std::vector<OperationDef> KmsService::operations() const {
  std::vector<OperationDef> ops;
  add_key_operations(ops);
  add_crypto_operations(ops);
  add_alias_operations(ops);
  add_rotation_operations(ops);
  add_policy_operations(ops);
  add_asymmetric_operations(ops);
  add_grant_operations(ops);
  return ops;
}

std::vector<store::Migration> KmsService::migrations() const {
  return {{"kms/001_keys", R"sql(
-- Keys. key_state: Enabled, Disabled, PendingDeletion. deletion_ms: 0 unless pending deletion;
-- a key whose deletion_ms has passed is gone (its rows are removed at the next KMS write).
CREATE TABLE kms_keys (
  key_id               TEXT PRIMARY KEY,
  account_id           TEXT NOT NULL,
  region               TEXT NOT NULL,
  description          TEXT NOT NULL,
  key_usage            TEXT NOT NULL,
  key_spec             TEXT NOT NULL,
  origin               TEXT NOT NULL,
  key_state            TEXT NOT NULL,
  policy               TEXT NOT NULL,
  created_ms           INTEGER NOT NULL,
  deletion_ms          INTEGER NOT NULL,
  pending_window_days  INTEGER NOT NULL,
  rotation_enabled     INTEGER NOT NULL,
  rotation_period_days INTEGER NOT NULL,
  next_rotation_ms     INTEGER NOT NULL,
  current_version      INTEGER NOT NULL
);
CREATE INDEX kms_keys_by_account ON kms_keys(account_id, region, key_id);
CREATE INDEX kms_keys_by_deletion ON kms_keys(deletion_ms) WHERE deletion_ms > 0;
CREATE INDEX kms_keys_by_rotation ON kms_keys(next_rotation_ms) WHERE rotation_enabled = 1;
-- Key material, one row per version, sealed under the master key (SecretBox) with the key id
-- and version as context. rotation_type: NEW (the first), AUTOMATIC, ON_DEMAND.
CREATE TABLE kms_key_material (
  key_id          TEXT NOT NULL,
  version         INTEGER NOT NULL,
  material_sealed TEXT NOT NULL,
  created_ms      INTEGER NOT NULL,
  rotation_type   TEXT NOT NULL,
  PRIMARY KEY (key_id, version)
);
CREATE TABLE kms_aliases (
  account_id TEXT NOT NULL,
  region     TEXT NOT NULL,
  alias_name TEXT NOT NULL,
  key_id     TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL,
  PRIMARY KEY (account_id, region, alias_name)
);
CREATE INDEX kms_aliases_by_key ON kms_aliases(key_id);
-- operations: JSON array of GrantOperation; constraints: JSON object ('{}' when none).
CREATE TABLE kms_grants (
  grant_id           TEXT PRIMARY KEY,
  key_id             TEXT NOT NULL,
  name               TEXT NOT NULL,
  grantee_principal  TEXT NOT NULL,
  retiring_principal TEXT NOT NULL,
  issuing_account    TEXT NOT NULL,
  operations         TEXT NOT NULL,
  constraints        TEXT NOT NULL,
  created_ms         INTEGER NOT NULL
);
CREATE INDEX kms_grants_by_key ON kms_grants(key_id);
CREATE INDEX kms_grants_by_retiring ON kms_grants(retiring_principal);
CREATE TABLE kms_tags (
  key_id    TEXT NOT NULL,
  tag_key   TEXT NOT NULL,
  tag_value TEXT NOT NULL,
  PRIMARY KEY (key_id, tag_key)
);
)sql"}};
}

}  // namespace citadel::services::kms
