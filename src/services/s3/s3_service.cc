#include "services/s3/s3_service.h"

#include "services/s3/access_logging.h"
#include "services/s3/public_access.h"
#include "services/s3/s3_operations.h"

namespace citadel::services::s3 {

std::vector<OperationDef> S3Service::operations() const {
  std::vector<OperationDef> ops;
  add_bucket_operations(ops);
  add_object_operations(ops);
  add_listing_operations(ops);
  add_versioning_operations(ops);
  add_multipart_operations(ops);
  add_bucket_policy_operations(ops);
  add_public_access_operations(ops);
  add_ownership_operations(ops);
  add_logging_operations(ops);
  return ops;
}

}  // namespace citadel::services::s3
