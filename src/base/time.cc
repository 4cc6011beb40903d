#include "base/time.h"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace citadel::timeutil {

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

namespace {
// Writes `v` as `n` decimal digits, zero-padded.
char* put_digits(char* out, unsigned v, int n) {
  for (int i = n - 1; i >= 0; --i, v /= 10) out[i] = static_cast<char>('0' + v % 10);
  return out + n;
}
}  // namespace

// By calendar arithmetic (<chrono>'s civil dates), not gmtime_r and snprintf: every audited call
// formats its time, and glibc's gmtime_r takes the time zone lock.
std::string iso8601(int64_t ms, bool with_millis) {
  using namespace std::chrono;
  int64_t secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
  int64_t day = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
  auto second_of_day = static_cast<unsigned>(secs - day * 86400);
  year_month_day date{sys_days{days{day}}};
  int year = static_cast<int>(date.year());
  if (year < 0 || year > 9999) {  // outside what four digits show: the C library's form
    time_t t = static_cast<time_t>(secs);
    struct tm tm;
    gmtime_r(&t, &tm);
    char buf[48];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec);
    return buf;
  }
  char buf[24];
  char* p = put_digits(buf, static_cast<unsigned>(year), 4);
  *p++ = '-';
  p = put_digits(p, static_cast<unsigned>(date.month()), 2);
  *p++ = '-';
  p = put_digits(p, static_cast<unsigned>(date.day()), 2);
  *p++ = 'T';
  p = put_digits(p, second_of_day / 3600, 2);
  *p++ = ':';
  p = put_digits(p, second_of_day / 60 % 60, 2);
  *p++ = ':';
  p = put_digits(p, second_of_day % 60, 2);
  if (with_millis) {
    *p++ = '.';
    p = put_digits(p, static_cast<unsigned>(ms - secs * 1000), 3);
  }
  *p++ = 'Z';
  return std::string(buf, p);
}

namespace {
bool digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

std::optional<int64_t> from_fields(int y, int mo, int d, int h, int mi, int se) {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return std::nullopt;
  struct tm tm = {};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = se;
  return static_cast<int64_t>(timegm(&tm)) * 1000;
}
}  // namespace

std::optional<int64_t> parse_iso8601(std::string_view s) {
  int y, mo, d, h = 0, mi = 0, se = 0;
  if (!digits(s, 0, 4, y) || s.size() < 10 || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
      !digits(s, 8, 2, d))
    return std::nullopt;
  size_t p = 10;
  int64_t frac_ms = 0, offset_s = 0;
  if (p < s.size() && (s[p] == 'T' || s[p] == 't' || s[p] == ' ')) {
    if (!digits(s, p + 1, 2, h) || s.size() < p + 6 || s[p + 3] != ':' || !digits(s, p + 4, 2, mi))
      return std::nullopt;
    p += 6;
    if (p < s.size() && s[p] == ':') {
      if (!digits(s, p + 1, 2, se)) return std::nullopt;
      p += 3;
    }
    if (p < s.size() && s[p] == '.') {
      ++p;
      int scale = 100;
      while (p < s.size() && s[p] >= '0' && s[p] <= '9') {
        frac_ms += (s[p] - '0') * scale;
        scale /= 10;
        ++p;
      }
    }
    if (p < s.size() && (s[p] == 'Z' || s[p] == 'z')) {
      ++p;
    } else if (p < s.size() && (s[p] == '+' || s[p] == '-')) {
      int oh, om;
      if (!digits(s, p + 1, 2, oh)) return std::nullopt;
      size_t q = p + 3;
      if (q < s.size() && s[q] == ':') ++q;
      if (!digits(s, q, 2, om)) return std::nullopt;
      offset_s = (s[p] == '+' ? 1 : -1) * (oh * 3600 + om * 60);
      p = q + 2;
    }
  }
  if (p != s.size()) return std::nullopt;
  auto base = from_fields(y, mo, d, h, mi, se);
  if (!base) return std::nullopt;
  return *base + frac_ms - offset_s * 1000;
}

std::optional<int64_t> parse_amz_date(std::string_view s) {
  int y, mo, d, h, mi, se;
  if (s.size() != 16 || s[8] != 'T' || s[15] != 'Z' || !digits(s, 0, 4, y) ||
      !digits(s, 4, 2, mo) || !digits(s, 6, 2, d) || !digits(s, 9, 2, h) || !digits(s, 11, 2, mi) ||
      !digits(s, 13, 2, se))
    return std::nullopt;
  return from_fields(y, mo, d, h, mi, se);
}

std::string http_date(int64_t ms) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

std::optional<int64_t> parse_http_date(std::string_view s) {
  std::tm tm{};
  std::string text(s);
  const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (!end || *end != '\0') return std::nullopt;
  return static_cast<int64_t>(timegm(&tm)) * 1000;
}

}  // namespace citadel::timeutil
