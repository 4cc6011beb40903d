// The request context an authorization decision is made for.
//
// Everything is a view into storage the caller owns; that storage must stay alive and
// unchanged while evaluate() runs. Building a Request allocates nothing.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace policy {

enum class PrincipalType : uint8_t {
  Anonymous,      // unauthenticated (arn "*"); only resource policies can allow
  Account,        // the account's root user: arn:aws:iam::ID:root
  User,           // arn:aws:iam::ID:user/path/name
  AssumedRole,    // arn:aws:sts::ID:assumed-role/role-name/session
  FederatedUser,  // arn:aws:sts::ID:federated-user/name (GetFederationToken)
  Service,        // an AWS service principal, arn is "s3.amazonaws.com"
  WebIdentity,    // a Federated principal (OIDC/SAML provider) in AssumeRoleWith*
  CanonicalUser,  // an S3 canonical user id
};

struct Principal {
  std::string_view arn;
  std::string_view account;   // 12 digits; empty for Anonymous/Service
  PrincipalType type = PrincipalType::Anonymous;
  std::string_view user_id;   // aws:userid, e.g. "AIDA..." or "AROA...:session"
  // AssumedRole only: the role's ARN with its path. When empty it is derived from the session
  // ARN as arn:aws:iam::ID:role/NAME (role ARNs in policies are matched by name either way).
  std::string_view role_arn;
  // Service-linked roles are not restricted by SCPs or RCPs.
  bool service_linked_role = false;
};

// Derives type and account from an ARN ("*" → Anonymous, "*.amazonaws.com" → Service; a role
// ARN arn:aws:iam::ID:role/... → AssumedRole with role_arn set). Never allocates; the views
// point into arn.
Principal principal_from_arn(std::string_view arn);

// One context key and its values. A single-valued key has one value; an empty values span
// is a key that is present but has no value (ForAllValues matches, ForAnyValue does not).
struct ContextEntry {
  std::string_view key;  // matched case-insensitively
  std::span<const std::string_view> values;
};

struct Request {
  Principal principal;
  std::string_view action;            // "s3:GetObject", matched case-insensitively
  std::string_view resource;          // "arn:aws:s3:::bucket/key" (or "*")
  std::string_view resource_account;  // empty: the principal's account
  std::span<const ContextEntry> context;
};

}  // namespace policy
