// Tables of managed policies and their versions, inline policies, groups, memberships and
// attachments. Entities are referenced by their unique ids (AIDA..., AGPA..., ANPA...), so renaming
// a user or a group touches one row.
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
  };
}

}  // namespace citadel::services::iam
