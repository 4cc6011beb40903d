#pragma once
// Key policies: the default one, as AWS writes it, and the checks PutKeyPolicy and CreateKey make.
#include <string>

#include "services/service.h"

namespace citadel::services::kms {

// The default key policy, byte for byte as AWS writes it: the account's root may do kms:* and
// so IAM policies of the account count.
std::string default_key_policy(const std::string& account);

// MalformedPolicyDocumentException when the text is not a valid key policy (a resource policy:
// each statement names a Principal).
Status check_key_policy(const std::string& policy);

// The lockout safety check: the new policy must let the caller call PutKeyPolicy on the key
// afterwards (directly, or through its account and its IAM policies).
Status check_lockout(const auth::Principal& caller, const std::string& key_arn, const std::string& policy);

}  // namespace citadel::services::kms
