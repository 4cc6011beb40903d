#pragma once
// Creating the management account and its root user's first access key.
#include <optional>
#include <string>

#include "base/error.h"
#include "store/secret_box.h"
#include "store/store.h"

namespace citadel::services::iam {

struct RootCredentials {
  std::string account_id, access_key_id, secret_access_key;
};

// The management account's id, if the store has been bootstrapped.
Result<std::optional<std::string>> management_account(store::Store& store);

// The root user's console sign-in (console_signin.h's set_root_login).
struct RootSignIn {
  std::string email, password;
};

// Creates the management account (a random 12-digit id) and an access key for its root user, and
// with `signin` the root user's console sign-in, all or nothing. Fails with AlreadyBootstrapped
// when a management account exists.
Result<RootCredentials> bootstrap(store::Store& store, const store::SecretBox& secrets, const RootSignIn* signin = nullptr);

// A new access key for the root user of `account_id` (the management account when empty): the
// way back in when the root key is lost, and how an operator reaches a member account's root.
// At most 2 keys, as for any user (LimitExceeded).
Result<RootCredentials> create_root_key(store::Store& store, const store::SecretBox& secrets, const std::string& account_id);

}  // namespace citadel::services::iam
