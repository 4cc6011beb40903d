#pragma once
// Tables of accounts, IAM users and access keys: the identities authentication resolves.
// IAM writes them; auth reads them.
#include <vector>

#include "store/store.h"

namespace citadel::auth {

std::vector<store::Migration> identity_migrations();

}  // namespace citadel::auth
