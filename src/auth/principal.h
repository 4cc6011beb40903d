#pragma once
// Who is calling: the identity a verified request acts as.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace citadel::auth {

enum class PrincipalType { Anonymous, Root, IAMUser, AssumedRole };

struct Principal {
  PrincipalType type = PrincipalType::Anonymous;
  std::string account_id;
  std::string arn;           // arn:aws:iam::123456789012:root / :user/path/name
  std::string principal_id;  // account id for root, AIDA... for users, AROA...:session for roles
  std::string user_name;     // IAM users only
  std::string access_key_id;
  // Temporary credentials (STS): when they were issued and whether MFA was presented.
  bool temporary = false;
  int64_t session_issued_ms = 0;
  bool mfa_authenticated = false;
  // Role sessions (AssumeRole): the role and the session policies that further limit it.
  std::string role_name, role_arn, role_id, session_name;
  std::vector<std::string> session_policies;  // JSON documents, inline and managed-by-ARN alike
  // Session tags (AssumeRole's Tags and those inherited as transitive): they are the session's
  // aws:PrincipalTag values, over the role's tags of the same key.
  std::vector<std::pair<std::string, std::string>> session_tags;
  std::vector<std::string> transitive_tag_keys;  // passed on when this session assumes another role

  // CloudTrail's userIdentity.type spelling.
  const char* type_name() const {
    switch (type) {
      case PrincipalType::Root: return "Root";
      case PrincipalType::IAMUser: return "IAMUser";
      case PrincipalType::AssumedRole: return "AssumedRole";
      default: return "AWSAccount";
    }
  }
};

}  // namespace citadel::auth
