#include "auth/identity_schema.h"

namespace citadel::auth {

std::vector<store::Migration> identity_migrations() {
  return {
      {"identity/001_accounts_users_keys", R"sql(
CREATE TABLE accounts (
  account_id    TEXT PRIMARY KEY,
  name          TEXT NOT NULL,
  email         TEXT NOT NULL,
  is_management INTEGER NOT NULL DEFAULT 0,
  created_ms    INTEGER NOT NULL
);
-- IAM names are unique per account regardless of case; name_lc carries that rule.
CREATE TABLE iam_users (
  account_id  TEXT NOT NULL REFERENCES accounts(account_id),
  name_lc     TEXT NOT NULL,
  user_name   TEXT NOT NULL,
  user_id     TEXT NOT NULL UNIQUE,
  path        TEXT NOT NULL,
  created_ms  INTEGER NOT NULL,
  permissions_boundary TEXT,
  PRIMARY KEY (account_id, name_lc)
);
CREATE TABLE iam_user_tags (
  account_id TEXT NOT NULL,
  name_lc    TEXT NOT NULL,
  tag_key    TEXT NOT NULL,
  tag_value  TEXT NOT NULL,
  PRIMARY KEY (account_id, name_lc, tag_key),
  FOREIGN KEY (account_id, name_lc) REFERENCES iam_users(account_id, name_lc) ON DELETE CASCADE ON UPDATE CASCADE
);
-- user_name_lc NULL means the account's root user.
CREATE TABLE access_keys (
  access_key_id TEXT PRIMARY KEY,
  account_id    TEXT NOT NULL REFERENCES accounts(account_id),
  user_name_lc  TEXT,
  secret_sealed TEXT NOT NULL,
  status        TEXT NOT NULL,
  created_ms    INTEGER NOT NULL,
  last_used_ms  INTEGER,
  last_used_service TEXT,
  last_used_region  TEXT
);
CREATE INDEX access_keys_by_user ON access_keys(account_id, user_name_lc);
)sql"},
      // When each IAM user and role last called each service (IAM's service last accessed data and
      // RoleLastUsed), kept from the audit trail as its records are stored.
      {"identity/002_entity_activity", R"sql(
CREATE TABLE entity_activity (
  entity_arn TEXT NOT NULL,
  service    TEXT NOT NULL,
  account_id TEXT NOT NULL,
  last_ms    INTEGER NOT NULL,
  region     TEXT NOT NULL,
  PRIMARY KEY (entity_arn, service)
);
)sql"},
  };
}

}  // namespace citadel::auth
