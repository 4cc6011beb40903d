#pragma once
// An HTTP/HTTPS subscription endpoint, split into what a connection needs. Pure.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace citadel::services::outbound {

struct EndpointUrl {
  bool https = false;
  std::string host;      // a name, an IPv4 address, or an IPv6 address without brackets
  uint16_t port = 0;     // 80 or 443 when the URL gives none
  std::string target;    // path and query, "/" at least
  std::string userinfo;  // "user:password" (sent as HTTP Basic authentication), "" when none
  std::string host_header() const;  // "host" or "host:port" as the Host header carries it
};

// Parses "http[s]://[user[:password]@]host[:port][/path][?query]"; nullopt for anything else
// (another scheme, no host, a bad port, spaces or control characters).
std::optional<EndpointUrl> parse_endpoint_url(std::string_view url);

}  // namespace citadel::services::outbound
