#include "services/iam/bootstrap.h"

#include "base/ids.h"
#include "base/time.h"
#include "services/iam/console_signin.h"

namespace citadel::services::iam {

namespace {
Status insert_root_key(store::Tx& tx, const store::SecretBox& secrets, const RootCredentials& c, int64_t now) {
  auto k = tx.exec("INSERT INTO access_keys (access_key_id, account_id, user_name_lc, secret_sealed, status, created_ms) "
                   "VALUES (?, ?, NULL, ?, 'Active', ?)",
                   {c.access_key_id, c.account_id, secrets.seal(c.secret_access_key, c.access_key_id), now});
  if (!k) return k.error();
  return Ok{};
}
}  // namespace

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

Result<RootCredentials> bootstrap(store::Store& store, const store::SecretBox& secrets, const RootSignIn* signin) {
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
    if (signin)
      if (auto s = set_root_login(tx, c.account_id, signin->email, signin->password, now); !s) return s;
    return insert_root_key(tx, secrets, c, now);
  });
  if (!s) return s.error();
  return c;
}

Result<RootCredentials> create_root_key(store::Store& store, const store::SecretBox& secrets, const std::string& account_id) {
  RootCredentials c{account_id, ids::unique_id("AKIA", 16), ids::secret_access_key()};
  auto s = store.write([&](store::Tx& tx) -> Status {
    auto acct = c.account_id.empty() ? tx.query("SELECT account_id FROM accounts WHERE is_management = 1")
                                     : tx.query("SELECT account_id FROM accounts WHERE account_id = ?", {c.account_id});
    if (!acct) return acct.error();
    if (acct->empty())
      return AwsError::sender("NoSuchEntity", c.account_id.empty() ? "This data directory has no management account yet."
                                                                   : "No account " + c.account_id + " in this data directory.");
    c.account_id = acct->front().str(0);
    auto n = tx.query("SELECT COUNT(*) FROM access_keys WHERE account_id = ? AND user_name_lc IS NULL", {c.account_id});
    if (!n) return n.error();
    if (n->front().i64(0) >= 2)
      return AwsError::sender("LimitExceeded", "Cannot exceed quota for AccessKeysPerUser: 2 (delete a root key first)");
    return insert_root_key(tx, secrets, c, timeutil::now_ms());
  });
  if (!s) return s.error();
  return c;
}

}  // namespace citadel::services::iam
