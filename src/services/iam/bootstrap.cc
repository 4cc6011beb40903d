#include "services/iam/bootstrap.h"

#include "base/ids.h"
#include "base/time.h"

namespace citadel::services::iam {

Result<std::optional<std::string>> management_account(store::Store& store) {
  std::optional<std::string> id;
  auto s = store.read([&](store::Tx& tx) -> Status {
    auto rows = tx.query("SELECT account_id FROM accounts WHERE is_management = 1");
    if (!rows) return rows.error();
    if (!rows->empty()) id = rows->front().str(0);
    return Ok{};
  });
  if (!s) return s.error();
  return id;
}

Result<RootCredentials> bootstrap(store::Store& store, const store::SecretBox& secrets) {
  RootCredentials c{ids::account_id(), ids::unique_id("AKIA", 16), ids::secret_access_key()};
  auto s = store.write([&](store::Tx& tx) -> Status {
    auto rows = tx.query("SELECT account_id FROM accounts WHERE is_management = 1");
    if (!rows) return rows.error();
    if (!rows->empty())
      return AwsError::sender("AlreadyBootstrapped", "This data directory already has a management account (" +
                                                         rows->front().str(0) + ").");
    int64_t now = timeutil::now_ms();
    auto a = tx.exec("INSERT INTO accounts (account_id, name, email, is_management, created_ms) VALUES (?, ?, ?, 1, ?)",
                     {c.account_id, std::string("management"), std::string("root@citadel.local"), now});
    if (!a) return a.error();
    auto k = tx.exec("INSERT INTO access_keys (access_key_id, account_id, user_name_lc, secret_sealed, status, created_ms) "
                     "VALUES (?, ?, NULL, ?, 'Active', ?)",
                     {c.access_key_id, c.account_id, secrets.seal(c.secret_access_key, c.access_key_id), now});
    if (!k) return k.error();
    return Ok{};
  });
  if (!s) return s.error();
  return c;
}

}  // namespace citadel::services::iam
