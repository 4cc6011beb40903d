#pragma once
// Access key and IAM entity last-used tracking (GetAccessKeyLastUsed, the credential report, service
// last accessed data, RoleLastUsed): recorded
// from the audit trail as its records are stored, so a request pays nothing extra for it.
#include <cstdint>
#include <string>
#include <vector>

#include "base/error.h"
#include "store/store.h"

namespace citadel::auth {

struct KeyUse {
  std::string access_key_id;  // long-term keys only (AKIA...)
  int64_t time_ms = 0;
  std::string service;  // "iam", "sts", ...
  std::string region;
};

// Moves each key's last use forward (never back).
Status record_key_usage(store::Tx& tx, const std::vector<KeyUse>& uses);

// A call by an IAM user or a role session, for the entity's service last accessed data.
struct EntityUse {
  std::string entity_arn;  // the user's ARN, or the role's (not the session's)
  std::string account_id;
  std::string service;  // "iam", "kms", ...
  int64_t time_ms = 0;
  std::string region;
};
// Moves each (entity, service) last use forward (never back).
Status record_entity_activity(store::Tx& tx, const std::vector<EntityUse>& uses);

}  // namespace citadel::auth
