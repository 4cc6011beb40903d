#pragma once
// Block Public Access at the account level: S3 Control's Put/Get/DeletePublicAccessBlock
// (rest-xml, /v20180820/configuration/publicAccessBlock, the account in x-amz-account-id and in the
// host prefix). S3 applies the account's settings and each bucket's together: a setting on at
// either level is on (effective_public_access_block).
#include "services/s3/public_access.h"
#include "services/service.h"

namespace citadel::services::s3 {

class S3ControlService final : public Service {
 public:
  std::string id() const override { return "s3control"; }
  std::string event_source() const override { return "s3.amazonaws.com"; }
  std::vector<OperationDef> operations() const override;
  std::vector<store::Migration> migrations() const override;
};

// The account's own settings (exists = false when it has none).
Result<PublicAccessBlock> load_account_public_access_block(store::Tx& tx, const std::string& account);
// What S3 enforces for a bucket: each setting on if the bucket's or its owner account's is.
Result<PublicAccessBlock> effective_public_access_block(store::Tx& tx, const std::string& bucket);

}  // namespace citadel::services::s3
