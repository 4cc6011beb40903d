#include "services/iam/iam_service.h"

#include "auth/identity_schema.h"
#include "services/iam/iam_operations.h"

namespace citadel::services::iam {

std::vector<OperationDef> IamService::operations() const {
  std::vector<OperationDef> ops;
  add_user_operations(ops);
  add_access_key_operations(ops);
  return ops;
}

std::vector<store::Migration> IamService::migrations() const { return auth::identity_migrations(); }

}  // namespace citadel::services::iam
