#include "auth/key_usage.h"

namespace citadel::auth {

Status record_key_usage(store::Tx& tx, const std::vector<KeyUse>& uses) {
  for (const auto& u : uses) {
    auto r = tx.exec(
        "UPDATE access_keys SET last_used_ms = ?, last_used_service = ?, last_used_region = ? "
        "WHERE access_key_id = ? AND (last_used_ms IS NULL OR last_used_ms <= ?)",
        {u.time_ms, u.service, u.region, u.access_key_id, u.time_ms});
    if (!r) return r.error();
  }
  return Ok{};
}

}  // namespace citadel::auth
