#pragma once
// IAM's own tables beyond the identity tables of auth/ (managed and inline policies, groups,
// attachments), and the AWS managed policies every account sees.
#include <vector>

#include "store/store.h"

namespace citadel::services::iam {

std::vector<store::Migration> policy_migrations();
// Seeds the AWS managed policies (account "aws"); see aws_managed_policies.cc.
std::vector<store::Migration> aws_managed_policy_migrations();
// Login profiles, password policy, MFA devices, aliases, reports (credential_schema.cc).
std::vector<store::Migration> credential_migrations();

}  // namespace citadel::services::iam
