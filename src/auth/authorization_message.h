#pragma once
// Encoded authorization failure messages: EC2-style services do not tell a denied caller why in
// clear; they return an opaque message that sts:DecodeAuthorizationMessage turns back into AWS's
// JSON document (allowed, explicitDeny, the principal, action, resource and context). The message
// is sealed under the master key, so only this deployment can read it and nobody can forge one.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "auth/principal.h"
#include "store/secret_box.h"

namespace citadel::auth {

struct DenialFacts {
  bool explicit_deny = false;
  std::string action, resource;
  // The request's condition context, as (key, values).
  std::vector<std::pair<std::string, std::vector<std::string>>> context;
};

std::string encode_authorization_message(const store::SecretBox& box, const Principal& principal, const DenialFacts& facts);
// AWS's decoded JSON document, or nullopt when the message was not issued by this deployment or was changed.
std::optional<std::string> decode_authorization_message(const store::SecretBox& box, const std::string& encoded);

}  // namespace citadel::auth
