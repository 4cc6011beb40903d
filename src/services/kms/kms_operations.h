#pragma once
// Each file of the KMS service adds its operations to the service's list, built with kms_op(),
// which declares the operation's authorization the way AWS does it: the action kms:<Op>, the key's
// ARN as resource, the key policy as the resource policy (plus a statement per grant that lets the
// caller do this), and KMS's condition keys.
#include <functional>
#include <vector>

#include "services/kms/key_store.h"

namespace citadel::services::kms {

// How an operation names its key.
struct KeyArg {
  const char* member = nullptr;  // input member with a KeyId; nullptr: the operation has no key
  bool cross_account = false;    // a key ARN or alias ARN of another account may be used
  // The GrantOperation that lets a grantee call it (nullptr: grants never allow it).
  const char* grant_operation = nullptr;
  // Decrypt, ReEncrypt: the key is the one the ciphertext blob (this member) names, if it names one.
  const char* ciphertext_member = nullptr;
  // The input member with the encryption context that grant constraints and kms:EncryptionContext:*
  // are checked against.
  const char* context_member = "EncryptionContext";
};

// The authorization of one call on one key (or on "*" for calls without a key).
AuthzRequest key_authz(const RequestContext& ctx, const json::object& input, store::Tx& tx, const std::string& action,
                       const KeyArg& key);

using ExtraAuthz = std::function<void(AuthzRequest&, const RequestContext&, const json::object&, store::Tx&)>;
// An operation whose IAM action is kms:<name>. Writes first run maintain() (deletions that are due,
// automatic rotations); every call checks its GrantTokens.
OperationDef kms_op(const char* name, bool read_only, KeyArg key, Handler handler, ExtraAuthz extra = nullptr);

// The key an operation names, for its handler (same rules as its authorization).
Result<KeyRef> call_key(Call& call, const KeyArg& key);

// KMS's list paging: Limit (default 100, at most 1000), an opaque Marker, Truncated/NextMarker.
struct Item {
  std::string key;
  json::value value;
};
Result<json::object> page(const Call& call, std::vector<Item> items, const char* member, int64_t max_limit = 1000);

// Grant tokens: every token this server issued is accepted (grants take effect at once here).
std::string make_grant_token(const std::string& grant_id);
bool valid_grant_token(const std::string& token);
// The grant a token names ("" when it is not a valid token).
std::string grant_of_token(const std::string& token);

void add_key_operations(std::vector<OperationDef>& ops);
void add_crypto_operations(std::vector<OperationDef>& ops);
void add_alias_operations(std::vector<OperationDef>& ops);
void add_rotation_operations(std::vector<OperationDef>& ops);
void add_policy_operations(std::vector<OperationDef>& ops);
void add_grant_operations(std::vector<OperationDef>& ops);
void add_asymmetric_operations(std::vector<OperationDef>& ops);

}  // namespace citadel::services::kms
