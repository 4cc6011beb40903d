#pragma once
// Block Public Access (bucket level) and what S3 counts as a public bucket policy.
#include <string>

#include "services/service.h"

namespace citadel::services::s3 {

struct PublicAccessBlock {
  bool exists = false;
  bool block_public_acls = false, ignore_public_acls = false, block_public_policy = false, restrict_public_buckets = false;
};

Result<PublicAccessBlock> load_public_access_block(store::Tx& tx, const std::string& bucket);
// New buckets start with all four settings on, as S3 creates them since April 2023.
Status block_all_public_access(store::Tx& tx, const std::string& bucket);

// Whether a bucket policy grants access to everyone: an Allow for Principal "*" that no condition
// pins to fixed accounts, organizations, networks or source resources (S3's "The meaning of public").
bool is_public_policy(const std::string& document);
// The policy without its public statements (what RestrictPublicBuckets leaves for callers outside
// the bucket owner's account); "" when nothing is left.
std::string without_public_statements(const std::string& document);

void add_public_access_operations(std::vector<OperationDef>& ops);

}  // namespace citadel::services::s3
