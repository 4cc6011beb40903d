#include "policy/values.h"

#include <charconv>
#include <cstring>

namespace policy {

bool parse_number(std::string_view s, double* out) {
  if (s.empty()) return false;
  const char* b = s.data();
  const char* e = b + s.size();
  if (*b == '+') ++b;
  auto r = std::from_chars(b, e, *out);
  return r.ec == std::errc() && r.ptr == e;
}

namespace {

bool digits(std::string_view s, std::size_t pos, std::size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

// Days since 1970-01-01 of a proleptic Gregorian date.
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

}  // namespace

bool parse_date_ms(std::string_view s, int64_t* out) {
  if (s.empty()) return false;
  // Epoch seconds, optionally fractional.
  {
    std::size_t dot = s.find('.');
    std::string_view ip = s.substr(0, dot);
    if (all_digits(ip) && ip.size() <= 12 && (dot == std::string_view::npos || all_digits(s.substr(dot + 1)))) {
      double v;
      if (!parse_number(s, &v)) return false;
      *out = static_cast<int64_t>(v * 1000.0);
      return true;
    }
  }
  int y, mo, d, h = 0, mi = 0, sec = 0, ms = 0;
  if (!digits(s, 0, 4, &y) || s.size() < 10 || s[4] != '-' || !digits(s, 5, 2, &mo) || s[7] != '-' ||
      !digits(s, 8, 2, &d))
    return false;
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return false;
  std::size_t p = 10;
  int64_t offset_min = 0;
  if (p < s.size()) {
    if (s[p] != 'T' && s[p] != 't' && s[p] != ' ') return false;
    ++p;
    if (!digits(s, p, 2, &h) || p + 2 >= s.size() + 1) return false;
    p += 2;
    if (p < s.size() && s[p] == ':') {
      if (!digits(s, p + 1, 2, &mi)) return false;
      p += 3;
      if (p < s.size() && s[p] == ':') {
        if (!digits(s, p + 1, 2, &sec)) return false;
        p += 3;
        if (p < s.size() && (s[p] == '.' || s[p] == ',')) {
          ++p;
          int scale = 100, n = 0;
          while (p < s.size() && s[p] >= '0' && s[p] <= '9') {
            ms += (s[p] - '0') * scale;
            scale /= 10;
            ++p;
            ++n;
          }
          if (n == 0) return false;
        }
      }
    }
    if (h > 24 || mi > 59 || sec > 60) return false;
    if (p < s.size()) {
      if (s[p] == 'Z' || s[p] == 'z') {
        ++p;
      } else if (s[p] == '+' || s[p] == '-') {
        int oh, om = 0;
        const int sign = s[p] == '-' ? -1 : 1;
        if (!digits(s, p + 1, 2, &oh)) return false;
        p += 3;
        if (p < s.size() && s[p] == ':') ++p;
        if (p < s.size()) {
          if (!digits(s, p, 2, &om)) return false;
          p += 2;
        }
        offset_min = sign * (oh * 60 + om);
      } else {
        return false;
      }
    }
    if (p != s.size()) return false;
  }
  const int64_t days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  const int64_t secs = days * 86400 + h * 3600 + mi * 60 + sec - offset_min * 60;
  *out = secs * 1000 + ms;
  return true;
}

namespace {

bool parse_v4(std::string_view s, uint8_t* out) {
  int part = 0;
  std::size_t i = 0;
  while (part < 4) {
    if (i >= s.size()) return false;
    int v = 0, n = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      v = v * 10 + (s[i] - '0');
      if (++n > 3 || v > 255) return false;
      ++i;
    }
    if (n == 0) return false;
    out[part++] = static_cast<uint8_t>(v);
    if (part < 4) {
      if (i >= s.size() || s[i] != '.') return false;
      ++i;
    }
  }
  return i == s.size();
}

int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = static_cast<char>(c | 0x20);
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

bool parse_v6(std::string_view s, uint8_t* out) {
  uint16_t groups[8] = {};
  int n = 0, gap = -1;
  std::size_t i = 0;
  if (s.starts_with("::")) {
    gap = 0;
    i = 2;
    if (i == s.size()) {
      std::memset(out, 0, 16);
      return true;
    }
  }
  while (i < s.size()) {
    if (n >= 8) return false;
    // Embedded IPv4 in the last 32 bits.
    std::size_t end = s.find(':', i);
    std::string_view tok = s.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i);
    if (tok.find('.') != std::string_view::npos) {
      if (end != std::string_view::npos || n > 6) return false;
      uint8_t v4[4];
      if (!parse_v4(tok, v4)) return false;
      groups[n++] = static_cast<uint16_t>(v4[0] << 8 | v4[1]);
      groups[n++] = static_cast<uint16_t>(v4[2] << 8 | v4[3]);
      i = s.size();
      break;
    }
    if (tok.empty() || tok.size() > 4) return false;
    uint16_t v = 0;
    for (char c : tok) {
      int h = hexval(c);
      if (h < 0) return false;
      v = static_cast<uint16_t>(v << 4 | h);
    }
    groups[n++] = v;
    i += tok.size();
    if (i == s.size()) break;
    ++i;  // ':'
    if (i < s.size() && s[i] == ':') {
      if (gap >= 0) return false;
      gap = n;
      ++i;
    } else if (i == s.size()) {
      return false;
    }
  }
  if (gap >= 0) {
    if (n == 8) return false;
    const int tail = n - gap;
    for (int k = 0; k < tail; ++k) groups[7 - k] = groups[n - 1 - k];
    for (int k = gap; k < 8 - tail; ++k) groups[k] = 0;
  } else if (n != 8) {
    return false;
  }
  for (int k = 0; k < 8; ++k) {
    out[2 * k] = static_cast<uint8_t>(groups[k] >> 8);
    out[2 * k + 1] = static_cast<uint8_t>(groups[k] & 0xff);
  }
  return true;
}

}  // namespace

bool parse_cidr(std::string_view s, detail::IpNet* out) {
  std::string_view addr = s;
  int prefix = -1;
  if (auto slash = s.find('/'); slash != std::string_view::npos) {
    addr = s.substr(0, slash);
    std::string_view p = s.substr(slash + 1);
    if (p.empty() || p.size() > 3) return false;
    prefix = 0;
    for (char c : p) {
      if (c < '0' || c > '9') return false;
      prefix = prefix * 10 + (c - '0');
    }
  }
  *out = detail::IpNet{};
  if (addr.find(':') != std::string_view::npos) {
    out->v6 = true;
    if (!parse_v6(addr, out->addr.data())) return false;
    if (prefix > 128) return false;
    out->prefix = static_cast<uint8_t>(prefix < 0 ? 128 : prefix);
  } else {
    if (!parse_v4(addr, out->addr.data())) return false;
    if (prefix > 32) return false;
    out->prefix = static_cast<uint8_t>(prefix < 0 ? 32 : prefix);
  }
  return true;
}

bool ip_in_net(const detail::IpNet& a, const detail::IpNet& net) {
  const uint8_t* bytes = a.addr.data();
  bool v6 = a.v6;
  static constexpr uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (v6 && !net.v6 && std::memcmp(bytes, kMapped, 12) == 0) {
    bytes += 12;
    v6 = false;
  }
  if (v6 != net.v6) return false;
  const int full = net.prefix / 8, rem = net.prefix % 8;
  if (std::memcmp(bytes, net.addr.data(), static_cast<std::size_t>(full)) != 0) return false;
  if (rem == 0) return true;
  const uint8_t mask = static_cast<uint8_t>(0xff << (8 - rem));
  return (bytes[full] & mask) == (net.addr[static_cast<std::size_t>(full)] & mask);
}

}  // namespace policy
