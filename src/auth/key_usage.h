#pragma once
// Access key last-used tracking (IAM's GetAccessKeyLastUsed and the credential report): recorded
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

}  // namespace citadel::auth
