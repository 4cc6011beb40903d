#include "auth/session_token.h"

#include <boost/json.hpp>

#include "base/ids.h"

namespace citadel::auth {

namespace json = boost::json;

namespace {
constexpr const char* kContext = "citadel/sts-session-token/v1";
constexpr const char* kPrefix = "IQoJb3JpZ2luX2VjE";  // tokens look like AWS's, and are told apart from garbage quickly
}  // namespace

SessionCredential issue_session(const Principal& principal, int64_t now_ms, int64_t duration_s, bool mfa) {
  SessionCredential c;
  c.access_key_id = ids::unique_id("ASIA", 16);
  c.secret_access_key = ids::secret_access_key();
  c.principal = principal;
  c.principal.access_key_id = c.access_key_id;
  c.issued_ms = now_ms;
  c.expires_ms = now_ms + duration_s * 1000;
  c.mfa_authenticated = mfa;
  return c;
}

std::string seal_session_token(const store::SecretBox& box, const SessionCredential& c) {
  json::object o{{"k", c.access_key_id},
                 {"s", c.secret_access_key},
                 {"t", static_cast<int>(c.principal.type)},
                 {"a", c.principal.account_id},
                 {"arn", c.principal.arn},
                 {"pid", c.principal.principal_id},
                 {"u", c.principal.user_name},
                 {"iat", c.issued_ms},
                 {"exp", c.expires_ms},
                 {"mfa", c.mfa_authenticated}};
  if (c.principal.type == PrincipalType::AssumedRole) {
    json::array policies;
    for (auto& d : c.principal.session_policies) policies.push_back(json::string(d));
    json::array tags, transitive;
    for (auto& [k, v] : c.principal.session_tags) tags.push_back(json::array{json::string(k), json::string(v)});
    for (auto& k : c.principal.transitive_tag_keys) transitive.push_back(json::string(k));
    o["role"] = json::object{{"n", c.principal.role_name}, {"a", c.principal.role_arn}, {"i", c.principal.role_id},
                             {"s", c.principal.session_name}, {"p", std::move(policies)}, {"tg", std::move(tags)},
                             {"tt", std::move(transitive)}};
  }
  return std::string(kPrefix) + box.seal(json::serialize(o), kContext);
}

std::optional<SessionCredential> open_session_token(const store::SecretBox& box, const std::string& token) {
  std::string_view prefix(kPrefix);
  if (token.size() <= prefix.size() || token.compare(0, prefix.size(), prefix) != 0) return std::nullopt;
  auto plain = box.open_sealed(std::string_view(token).substr(prefix.size()), kContext);
  if (!plain) return std::nullopt;
  boost::system::error_code ec;
  auto v = json::parse(*plain, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const auto& o = v.as_object();
  try {
    SessionCredential c;
    c.access_key_id = o.at("k").as_string();
    c.secret_access_key = o.at("s").as_string();
    c.principal.type = static_cast<PrincipalType>(o.at("t").to_number<int>());
    c.principal.account_id = o.at("a").as_string();
    c.principal.arn = o.at("arn").as_string();
    c.principal.principal_id = o.at("pid").as_string();
    c.principal.user_name = o.at("u").as_string();
    c.principal.access_key_id = c.access_key_id;
    c.principal.temporary = true;
    c.principal.session_issued_ms = c.issued_ms = o.at("iat").to_number<int64_t>();
    c.expires_ms = o.at("exp").to_number<int64_t>();
    c.principal.mfa_authenticated = c.mfa_authenticated = o.at("mfa").as_bool();
    if (const auto* role = o.if_contains("role")) {
      const auto& r = role->as_object();
      c.principal.role_name = r.at("n").as_string();
      c.principal.role_arn = r.at("a").as_string();
      c.principal.role_id = r.at("i").as_string();
      c.principal.session_name = r.at("s").as_string();
      for (auto& d : r.at("p").as_array()) c.principal.session_policies.emplace_back(d.as_string());
      for (auto& t : r.at("tg").as_array())
        c.principal.session_tags.emplace_back(t.as_array().at(0).as_string(), t.as_array().at(1).as_string());
      for (auto& k : r.at("tt").as_array()) c.principal.transitive_tag_keys.emplace_back(k.as_string());
    }
    return c;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace citadel::auth
