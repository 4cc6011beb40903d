#pragma once
// Resolves an access key id to the principal it belongs to and its secret, with a short-lived
// cache so that a burst of requests with one key touches the store once.
#include <chrono>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "auth/principal.h"
#include "base/error.h"
#include "store/secret_box.h"
#include "store/store.h"

namespace citadel::auth {

struct Credential {
  Principal principal;
  std::string secret;
  bool active = true;
};

class CredentialResolver {
 public:
  CredentialResolver(store::Store& store, const store::SecretBox& box) : store_(store), box_(box) {}

  // nullopt when no such key exists. Errors only for store failures.
  Result<std::optional<Credential>> resolve(const std::string& access_key_id);
  // Drops a cached entry; IAM calls this whenever a key or its user changes.
  void invalidate(const std::string& access_key_id);
  void invalidate_all();

 private:
  struct Entry {
    std::optional<Credential> cred;
    std::chrono::steady_clock::time_point loaded;
  };
  store::Store& store_;
  const store::SecretBox& box_;
  std::shared_mutex mu_;
  std::unordered_map<std::string, Entry> cache_;
};

}  // namespace citadel::auth
