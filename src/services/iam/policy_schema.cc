// Tables of managed policies and their versions, inline policies, groups, memberships and
// attachments. Entities are referenced by their unique ids (AIDA..., AGPA..., ANPA...), so renaming
// a user or a group touches one row. Roles and instance profiles follow (iam/003_roles).
#include "services/iam/iam_schema.h"

namespace citadel::services::iam {

std::vector<store::Migration> policy_migrations() {
  return {
      {"iam/001_policies_groups", R"sql(
-- Managed policies. account_id is 'aws' for AWS managed policies, visible from every account.
-- Names are unique per account regardless of case and of path.
CREATE TABLE iam_policies (
  policy_id       TEXT PRIMARY KEY,
  account_id      TEXT NOT NULL,
  name_lc         TEXT NOT NULL,
  policy_name     TEXT NOT NULL,
  path            TEXT NOT NULL,
  arn             TEXT NOT NULL UNIQUE,
  description     TEXT NOT NULL DEFAULT '',
  default_version INTEGER NOT NULL,
  next_version    INTEGER NOT NULL,
  created_ms      INTEGER NOT NULL,
  updated_ms      INTEGER NOT NULL,
  UNIQUE (account_id, name_lc)
);
CREATE TABLE iam_policy_versions (
  policy_id  TEXT NOT NULL REFERENCES iam_policies(policy_id) ON DELETE CASCADE,
  version    INTEGER NOT NULL,
  document   TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  PRIMARY KEY (policy_id, version)
);
CREATE TABLE iam_policy_tags (
  policy_id TEXT NOT NULL REFERENCES iam_policies(policy_id) ON DELETE CASCADE,
  tag_key   TEXT NOT NULL,
  tag_value TEXT NOT NULL,
  PRIMARY KEY (policy_id, tag_key)
);
CREATE TABLE iam_groups (
  group_id   TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(account_id),
  name_lc    TEXT NOT NULL,
  group_name TEXT NOT NULL,
  path       TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  UNIQUE (account_id, name_lc)
);
CREATE TABLE iam_group_members (
  group_id TEXT NOT NULL REFERENCES iam_groups(group_id),
  user_id  TEXT NOT NULL REFERENCES iam_users(user_id),
  PRIMARY KEY (group_id, user_id)
);
CREATE INDEX iam_group_members_by_user ON iam_group_members(user_id);
-- Inline policies of users and groups (roles later), by the entity's unique id.
CREATE TABLE iam_inline_policies (
  entity_id   TEXT NOT NULL,
  policy_name TEXT NOT NULL,
  document    TEXT NOT NULL,
  PRIMARY KEY (entity_id, policy_name)
);
-- Managed policies attached to users and groups (roles later). account_id is the entity's
-- account: an AWS managed policy is attached in many accounts.
CREATE TABLE iam_policy_attachments (
  entity_id   TEXT NOT NULL,
  policy_id   TEXT NOT NULL REFERENCES iam_policies(policy_id),
  account_id  TEXT NOT NULL,
  entity_type TEXT NOT NULL,
  PRIMARY KEY (entity_id, policy_id)
);
CREATE INDEX iam_policy_attachments_by_policy ON iam_policy_attachments(policy_id, account_id);
CREATE INDEX iam_users_by_boundary ON iam_users(account_id, permissions_boundary);
)sql"},
      {"iam/003_roles", R"sql(
-- Roles. Their inline policies and attachments live in iam_inline_policies and
-- iam_policy_attachments under role_id (entity_type 'Role').
CREATE TABLE iam_roles (
  role_id              TEXT PRIMARY KEY,
  account_id           TEXT NOT NULL REFERENCES accounts(account_id),
  name_lc              TEXT NOT NULL,
  role_name            TEXT NOT NULL,
  path                 TEXT NOT NULL,
  arn                  TEXT NOT NULL,
  assume_role_policy   TEXT NOT NULL,
  description          TEXT NOT NULL DEFAULT '',
  max_session_duration INTEGER NOT NULL DEFAULT 3600,
  permissions_boundary TEXT,
  created_ms           INTEGER NOT NULL,
  role_last_used_ms    INTEGER,
  role_last_used_region TEXT,
  UNIQUE (account_id, name_lc)
);
CREATE INDEX iam_roles_by_boundary ON iam_roles(account_id, permissions_boundary);
CREATE TABLE iam_role_tags (
  role_id   TEXT NOT NULL REFERENCES iam_roles(role_id) ON DELETE CASCADE,
  tag_key   TEXT NOT NULL,
  tag_value TEXT NOT NULL,
  PRIMARY KEY (role_id, tag_key)
);
-- Instance profiles hold at most one role (IAM's quota).
CREATE TABLE iam_instance_profiles (
  instance_profile_id TEXT PRIMARY KEY,
  account_id          TEXT NOT NULL REFERENCES accounts(account_id),
  name_lc             TEXT NOT NULL,
  instance_profile_name TEXT NOT NULL,
  path                TEXT NOT NULL,
  arn                 TEXT NOT NULL,
  created_ms          INTEGER NOT NULL,
  UNIQUE (account_id, name_lc)
);
CREATE TABLE iam_instance_profile_tags (
  instance_profile_id TEXT NOT NULL REFERENCES iam_instance_profiles(instance_profile_id) ON DELETE CASCADE,
  tag_key             TEXT NOT NULL,
  tag_value           TEXT NOT NULL,
  PRIMARY KEY (instance_profile_id, tag_key)
);
CREATE TABLE iam_instance_profile_roles (
  instance_profile_id TEXT NOT NULL REFERENCES iam_instance_profiles(instance_profile_id) ON DELETE CASCADE,
  role_id             TEXT NOT NULL REFERENCES iam_roles(role_id),
  PRIMARY KEY (instance_profile_id, role_id)
);
CREATE INDEX iam_instance_profile_roles_by_role ON iam_instance_profile_roles(role_id);
)sql"},
  };
}

}  // namespace citadel::services::iam
