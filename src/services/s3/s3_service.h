#pragma once
// Amazon S3: buckets, objects, multipart uploads and bucket policies (docs/s3.md).
#include "services/service.h"

namespace citadel::services::s3 {

class S3Service final : public Service {
 public:
  std::string id() const override { return "s3"; }
  std::string event_source() const override { return "s3.amazonaws.com"; }
  std::vector<OperationDef> operations() const override;
  std::vector<store::Migration> migrations() const override;
};

}  // namespace citadel::services::s3
