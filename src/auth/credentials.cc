#include "auth/credentials.h"

namespace citadel::auth {

namespace {
// Short enough that a change made by another node is seen quickly; this node invalidates at once.
constexpr auto kTtl = std::chrono::seconds(5);
}

Result<std::optional<Credential>> CredentialResolver::resolve(const std::string& akid) {
  auto now = std::chrono::steady_clock::now();
  {
    std::shared_lock lock(mu_);
    auto it = cache_.find(akid);
    if (it != cache_.end() && now - it->second.loaded < kTtl) return it->second.cred;
  }
  std::optional<Credential> found;
  auto s = store_.read([&](store::Tx& tx) -> Status {
    auto rows = tx.query(
        "SELECT k.account_id, k.user_name_lc, k.secret_sealed, k.status, u.user_name, u.user_id, u.path "
        "FROM access_keys k LEFT JOIN iam_users u ON u.account_id = k.account_id AND u.name_lc = k.user_name_lc "
        "WHERE k.access_key_id = ?",
        {akid});
    if (!rows) return rows.error();
    if (rows->empty()) return Ok{};
    const auto& r = rows->front();
    auto secret = box_.open_sealed(r.str(2), akid);
    if (!secret) return AwsError::internal("access key secret cannot be opened with this master key");
    Credential c;
    c.secret = std::move(*secret);
    c.active = r.str(3) == "Active";
    c.principal.account_id = r.str(0);
    c.principal.access_key_id = akid;
    if (r.is_null(1)) {
      c.principal.type = PrincipalType::Root;
      c.principal.arn = "arn:aws:iam::" + r.str(0) + ":root";
      c.principal.principal_id = r.str(0);
    } else {
      if (r.is_null(4)) return Ok{};  // key of a deleted user
      c.principal.type = PrincipalType::IAMUser;
      c.principal.user_name = r.str(4);
      c.principal.principal_id = r.str(5);
      c.principal.arn = "arn:aws:iam::" + r.str(0) + ":user" + r.str(6) + r.str(4);
    }
    found = std::move(c);
    return Ok{};
  });
  if (!s) return s.error();
  std::unique_lock lock(mu_);
  if (cache_.size() > 100000) cache_.clear();
  cache_[akid] = Entry{found, now};
  return found;
}

void CredentialResolver::invalidate(const std::string& akid) {
  std::unique_lock lock(mu_);
  cache_.erase(akid);
}

void CredentialResolver::invalidate_all() {
  std::unique_lock lock(mu_);
  cache_.clear();
}

}  // namespace citadel::auth
