#pragma once
// Grants as stored, and what they add to a key policy: a grant lets its grantee principal call the
// operations it lists (within its encryption-context constraints) without the key policy or an
// IAM policy naming them. Citadel expresses that as one Allow statement per matching grant,
// appended to the key policy the pipeline evaluates, so the policy engine stays the only judge and
// an explicit Deny still wins.
#include <string>
#include <vector>

#include "services/service.h"

namespace citadel::services::kms {

struct GrantRow {
  std::string grant_id, key_id, name, grantee, retiring, issuing_account;
  json::array operations;   // GrantOperation names
  json::object constraints;  // {"EncryptionContextSubset": {...}} or {"EncryptionContextEquals": {...}} or {}
  int64_t created_ms = 0;
};

inline constexpr const char* kGrantColumns =
    "grant_id, key_id, name, grantee_principal, retiring_principal, issuing_account, operations, constraints, created_ms";
GrantRow grant_from_row(const store::Row& r);

// Does a grant's constraint allow a request with this encryption context (nullptr: none)?
bool constraints_allow(const json::object& constraints, const json::object* context);

// The principals a caller acts as when grants are matched: its ARN, its role's ARN (role
// sessions), and its account's root.
std::vector<std::string> grant_principals(const auth::Principal& p);

// Adds to `policy` (key policy text) an Allow statement of `action` for each grant on `key_id`
// whose grantee is the caller and that lists `grant_operation` within its constraints. For
// kms:RetireGrant (`retiring_grant_id` given) only the grant being retired counts, and its retiring
// principal too. Returns the policy unchanged when no grant applies.
std::string policy_with_grants(store::Tx& tx, const auth::Principal& p, const std::string& key_id, const std::string& policy,
                               const std::string& grant_operation, const std::string& action, const json::object* context,
                               const std::string& retiring_grant_id = "");

}  // namespace citadel::services::kms
