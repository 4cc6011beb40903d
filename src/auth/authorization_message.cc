#include "auth/authorization_message.h"

#include <boost/json.hpp>

#include "base/crypto.h"

namespace citadel::auth {

namespace json = boost::json;

namespace {
constexpr std::string_view kContext = "citadel/authorization-message/v1";
}  // namespace

std::string encode_authorization_message(const store::SecretBox& box, const Principal& principal, const DenialFacts& facts) {
  json::array conditions;
  for (const auto& [key, values] : facts.context) {
    json::array items;
    for (const auto& v : values) items.push_back(json::object{{"value", v}});
    conditions.push_back(json::object{{"key", key}, {"values", json::object{{"items", std::move(items)}}}});
  }
  json::object principal_json{{"id", principal.principal_id}, {"arn", principal.arn}};
  if (!principal.user_name.empty()) principal_json["name"] = principal.user_name;
  json::object doc{{"allowed", false},
                   {"explicitDeny", facts.explicit_deny},
                   {"matchedStatements", json::object{{"items", json::array{}}}},
                   {"failures", json::object{{"items", json::array{}}}},
                   {"context", json::object{{"principal", std::move(principal_json)},
                                            {"action", facts.action},
                                            {"resource", facts.resource},
                                            {"conditions", json::object{{"items", std::move(conditions)}}}}}};
  return crypto::base64_encode(box.seal(json::serialize(doc), kContext));
}

std::optional<std::string> decode_authorization_message(const store::SecretBox& box, const std::string& encoded) {
  auto sealed = crypto::base64_decode(encoded);
  if (!sealed) return std::nullopt;
  return box.open_sealed(*sealed, kContext);
}

}  // namespace citadel::auth
