// Tables of sign-in credentials beyond access keys: console passwords (login profiles) with their
// history and the account password policy, virtual MFA devices, account aliases, and generated
// credential reports and service-last-accessed jobs.
#include "services/iam/iam_schema.h"

namespace citadel::services::iam {

std::vector<store::Migration> credential_migrations() {
  return {
      {"iam/004_credentials", R"sql(
-- A user's console password: an Argon2id hash (auth/password.h), never the password.
CREATE TABLE iam_login_profiles (
  user_id                 TEXT PRIMARY KEY REFERENCES iam_users(user_id) ON DELETE CASCADE,
  account_id              TEXT NOT NULL,
  password_hash           TEXT NOT NULL,
  password_reset_required INTEGER NOT NULL DEFAULT 0,
  created_ms              INTEGER NOT NULL,
  changed_ms              INTEGER NOT NULL,
  last_used_ms            INTEGER
);
-- Earlier password hashes, newest first by changed_ms, for PasswordReusePrevention.
CREATE TABLE iam_password_history (
  user_id       TEXT NOT NULL REFERENCES iam_users(user_id) ON DELETE CASCADE,
  password_hash TEXT NOT NULL,
  changed_ms    INTEGER NOT NULL
);
CREATE INDEX iam_password_history_by_user ON iam_password_history(user_id, changed_ms);
-- The account password policy; no row means AWS's default policy applies.
CREATE TABLE iam_password_policies (
  account_id                     TEXT PRIMARY KEY REFERENCES accounts(account_id),
  minimum_length                 INTEGER NOT NULL,
  require_symbols                INTEGER NOT NULL,
  require_numbers                INTEGER NOT NULL,
  require_uppercase              INTEGER NOT NULL,
  require_lowercase              INTEGER NOT NULL,
  allow_users_to_change_password INTEGER NOT NULL,
  max_password_age               INTEGER NOT NULL,
  password_reuse_prevention      INTEGER NOT NULL,
  hard_expiry                    INTEGER NOT NULL
);
-- Virtual MFA devices. The seed is sealed under the master key. user_id is the user the device is
-- enabled for ('' = the account's root user, NULL = not enabled); last_step is the TOTP step of the
-- last accepted code, so no code is accepted twice; drift_steps is how far the device's clock runs
-- from ours, learnt by ResyncMFADevice.
CREATE TABLE iam_mfa_devices (
  serial_number TEXT PRIMARY KEY,
  account_id    TEXT NOT NULL REFERENCES accounts(account_id),
  name_lc       TEXT NOT NULL,
  path          TEXT NOT NULL,
  seed_sealed   BLOB NOT NULL,
  user_id       TEXT,
  enabled_ms    INTEGER,
  last_step     INTEGER,
  drift_steps   INTEGER NOT NULL DEFAULT 0,
  created_ms    INTEGER NOT NULL
);
CREATE INDEX iam_mfa_devices_by_user ON iam_mfa_devices(account_id, user_id);
CREATE TABLE iam_mfa_device_tags (
  serial_number TEXT NOT NULL REFERENCES iam_mfa_devices(serial_number) ON DELETE CASCADE,
  tag_key       TEXT NOT NULL,
  tag_value     TEXT NOT NULL,
  PRIMARY KEY (serial_number, tag_key)
);
-- An account has at most one alias, unique across the deployment as across AWS.
CREATE TABLE iam_account_aliases (
  account_id TEXT PRIMARY KEY REFERENCES accounts(account_id),
  alias      TEXT NOT NULL UNIQUE
);
CREATE TABLE iam_credential_reports (
  account_id   TEXT PRIMARY KEY REFERENCES accounts(account_id),
  generated_ms INTEGER NOT NULL,
  content      TEXT NOT NULL
);
-- GenerateServiceLastAccessedDetails jobs: the report is computed when the job is created.
CREATE TABLE iam_service_last_accessed_jobs (
  job_id       TEXT PRIMARY KEY,
  account_id   TEXT NOT NULL,
  job_type     TEXT NOT NULL,
  created_ms   INTEGER NOT NULL,
  completed_ms INTEGER NOT NULL,
  services     TEXT NOT NULL
);
)sql"},
  };
}

}  // namespace citadel::services::iam
