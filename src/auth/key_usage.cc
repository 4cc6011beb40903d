#include "auth/key_usage.h"

namespace citadel::auth {

Status record_key_usage(store::Tx& tx, const std::vector<KeyUse>& uses) {
  // A key's last use is kept to the minute (AWS reports it approximately too): a busy key is
  // not rewritten by every call it signs, which would add a page to each write's commit.
  for (const auto& u : uses) {
    auto r = tx.exec(
        "UPDATE access_keys SET last_used_ms = ?, last_used_service = ?, last_used_region = ? "
        "WHERE access_key_id = ? AND (last_used_ms IS NULL OR last_used_ms <= ? - 60000)",
        {u.time_ms, u.service, u.region, u.access_key_id, u.time_ms});
    if (!r) return r.error();
  }
  return Ok{};
}

Status record_entity_activity(store::Tx& tx, const std::vector<EntityUse>& uses) {
  for (const auto& u : uses) {
    auto r = tx.exec(
        "INSERT INTO entity_activity (entity_arn, service, account_id, last_ms, region) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (entity_arn, service) DO UPDATE SET last_ms = excluded.last_ms, region = excluded.region "
        "WHERE excluded.last_ms >= entity_activity.last_ms",
        {u.entity_arn, u.service, u.account_id, u.time_ms, u.region});
    if (!r) return r.error();
  }
  return Ok{};
}

}  // namespace citadel::auth
