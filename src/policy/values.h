// Allocation-free readers for typed condition values: numbers, dates and IP addresses.
#pragma once

#include <cstdint>
#include <string_view>

#include "policy/compiled.h"

namespace policy {

// A decimal number ("10", "-2.5", "1e3"). False on anything else.
bool parse_number(std::string_view s, double* out);

// ISO 8601 ("2024-05-01", "2024-05-01T12:00:00Z", "...T12:00:00.250+02:00") or epoch seconds
// ("1714564800", "1714564800.5") as milliseconds since the epoch (UTC).
bool parse_date_ms(std::string_view s, int64_t* out);

// IPv4 or IPv6 address, optionally with /prefix; a bare address is /32 or /128.
bool parse_cidr(std::string_view s, detail::IpNet* out);

// True when addr (a bare address, no prefix) lies in net. An IPv4-mapped IPv6 address
// (::ffff:a.b.c.d) matches IPv4 ranges.
bool ip_in_net(const detail::IpNet& addr, const detail::IpNet& net);

}  // namespace policy
