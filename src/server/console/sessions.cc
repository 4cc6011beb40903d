#include "server/console/sessions.h"

#include "base/crypto.h"
#include "base/ids.h"

namespace citadel::server::console {

namespace {

constexpr size_t kIdBytes = 32;  // 256 bits

// URL- and cookie-safe base64 without padding.
std::string token(size_t bytes) {
  std::string t = crypto::base64_encode(crypto::random_bytes(bytes));
  for (auto& c : t) c = c == '+' ? '-' : c == '/' ? '_' : c;
  while (!t.empty() && t.back() == '=') t.pop_back();
  return t;
}

std::string id_hash(const std::string& id) { return crypto::sha256_hex("citadel-console-session:" + id); }

}  // namespace

std::vector<store::Migration> session_migrations() {
  return {{"console/001_sessions", R"sql(
-- Signed-in console sessions. id_hash is the SHA-256 of the cookie's id, never the id itself.
CREATE TABLE console_sessions (
  id_hash        TEXT PRIMARY KEY,
  principal_type TEXT NOT NULL,
  account_id     TEXT NOT NULL,
  arn            TEXT NOT NULL,
  principal_id   TEXT NOT NULL,
  user_name      TEXT NOT NULL,
  access_key_id  TEXT NOT NULL,
  mfa            INTEGER NOT NULL,
  csrf_token     TEXT NOT NULL,
  created_ms     INTEGER NOT NULL,
  expires_ms     INTEGER NOT NULL
);
CREATE INDEX console_sessions_by_expiry ON console_sessions(expires_ms);
)sql"}};
}

Result<std::string> create_session(store::Tx& tx, const auth::Principal& p, bool mfa, int64_t now_ms, ConsoleSession& out) {
  if (auto d = tx.exec("DELETE FROM console_sessions WHERE expires_ms <= ?", {now_ms}); !d) return d.error();
  std::string id = token(kIdBytes);
  out.principal = p;
  out.principal.temporary = true;
  out.principal.session_issued_ms = now_ms;
  out.principal.mfa_authenticated = mfa;
  out.principal.access_key_id = ids::unique_id("ASIA", 16);
  out.csrf_token = token(kIdBytes);
  out.expires_ms = now_ms + kSessionLifetimeMs;
  auto w = tx.exec(
      "INSERT INTO console_sessions (id_hash, principal_type, account_id, arn, principal_id, user_name, access_key_id, mfa, "
      "csrf_token, created_ms, expires_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {id_hash(id), std::string(p.type == auth::PrincipalType::Root ? "Root" : "IAMUser"), p.account_id, p.arn, p.principal_id,
       p.user_name, out.principal.access_key_id, int64_t{mfa ? 1 : 0}, out.csrf_token, now_ms, out.expires_ms});
  if (!w) return w.error();
  return id;
}

Result<std::optional<ConsoleSession>> find_session(store::Store& store, const std::string& id, int64_t now_ms) {
  std::optional<ConsoleSession> found;
  if (id.empty() || id.size() > 128) return found;
  auto s = store.read([&](store::Tx& tx) -> Status {
    // An IAM user's session ends with the user: a deleted user (or one re-made under the same
    // name, with a new id) is not signed in.
    auto rows = tx.query(
        "SELECT s.principal_type, s.account_id, s.arn, s.principal_id, s.user_name, s.access_key_id, s.mfa, s.csrf_token, "
        "s.created_ms, s.expires_ms FROM console_sessions s WHERE s.id_hash = ? AND s.expires_ms > ? AND "
        "(s.principal_type = 'Root' OR EXISTS (SELECT 1 FROM iam_users u WHERE u.user_id = s.principal_id))",
        {id_hash(id), now_ms});
    if (!rows) return rows.error();
    if (rows->empty()) return Ok{};
    const auto& r = rows->front();
    ConsoleSession cs;
    cs.principal.type = r.str(0) == "Root" ? auth::PrincipalType::Root : auth::PrincipalType::IAMUser;
    cs.principal.account_id = r.str(1);
    cs.principal.arn = r.str(2);
    cs.principal.principal_id = r.str(3);
    cs.principal.user_name = r.str(4);
    cs.principal.access_key_id = r.str(5);
    cs.principal.temporary = true;
    cs.principal.mfa_authenticated = r.i64(6) != 0;
    cs.csrf_token = r.str(7);
    cs.principal.session_issued_ms = r.i64(8);
    cs.expires_ms = r.i64(9);
    found = std::move(cs);
    return Ok{};
  });
  if (!s) return s.error();
  return found;
}

Status end_session(store::Store& store, const std::string& id) {
  return store.write([&](store::Tx& tx) -> Status {
    auto d = tx.exec("DELETE FROM console_sessions WHERE id_hash = ?", {id_hash(id)});
    if (!d) return d.error();
    return Ok{};
  });
}

}  // namespace citadel::server::console
