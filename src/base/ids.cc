#include "base/ids.h"

#include <cstring>

#include "base/crypto.h"

namespace citadel::ids {

namespace {
std::string draw(std::string_view alphabet, size_t n) {
  std::string raw = crypto::random_bytes(n), out(n, '\0');
  // 256 % 32 == 0 and 256 % 64 == 0, so masking keeps the draw uniform for these alphabets.
  for (size_t i = 0; i < n; ++i)
    out[i] = alphabet[static_cast<uint8_t>(raw[i]) % alphabet.size()];
  return out;
}
}  // namespace

std::string account_id() {
  std::string digits;
  while (digits.size() < 12) {
    uint8_t b;
    crypto::random_bytes(&b, 1);
    if (b >= 250) continue;  // reject to stay uniform over 0..9
    char c = static_cast<char>('0' + b % 10);
    if (digits.empty() && c == '0') continue;
    digits.push_back(c);
  }
  return digits;
}

std::string unique_id(std::string_view prefix, size_t length) {
  return std::string(prefix) + draw("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", length);
}

std::string secret_access_key() {
  return draw("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 40);
}

// Request and event ids are drawn on every call: take them from a per-thread block of CSPRNG output,
// refilled 4 KiB at a time, instead of asking OpenSSL (a lock and a getpid) for 16 bytes each time.
// The process never forks, so no two threads or processes share a block.
void id_random_bytes(uint8_t* out, size_t n) {
  thread_local uint8_t block[4096];
  thread_local size_t used = sizeof block;
  if (used + n > sizeof block) {
    crypto::random_bytes(block, sizeof block);
    used = 0;
  }
  std::memcpy(out, block + used, n);
  used += n;
}

namespace {

std::string uuid_text(const uint8_t b[16]) {
  std::string h = crypto::to_hex(b, 16);
  std::string out;
  out.reserve(36);
  out.append(h, 0, 8).append(1, '-').append(h, 8, 4).append(1, '-').append(h, 12, 4).append(1, '-');
  out.append(h, 16, 4).append(1, '-').append(h, 20, 12);
  return out;
}

}  // namespace

std::string uuid4() {
  uint8_t b[16];
  id_random_bytes(b, sizeof b);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  return uuid_text(b);
}

std::string uuid7(int64_t unix_ms) {
  uint8_t b[16];
  id_random_bytes(b, sizeof b);
  auto ms = static_cast<uint64_t>(unix_ms);
  for (int i = 0; i < 6; ++i) b[i] = static_cast<uint8_t>(ms >> (40 - 8 * i));
  b[6] = (b[6] & 0x0f) | 0x70;
  b[8] = (b[8] & 0x3f) | 0x80;
  return uuid_text(b);
}

std::optional<int64_t> uuid7_time_ms(std::string_view id) {
  // xxxxxxxx-xxxx-7xxx-[89ab]xxx-xxxxxxxxxxxx, lowercase as uuid7() writes it; the first 48 bits
  // are the milliseconds.
  if (id.size() != 36 || id[8] != '-' || id[13] != '-' || id[18] != '-' || id[23] != '-' || id[14] != '7') return std::nullopt;
  uint64_t ms = 0;
  int digits = 0;
  for (size_t i = 0; i < id.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) continue;
    char c = id[i];
    int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (v < 0) return std::nullopt;
    if (digits++ < 12) ms = ms << 4 | static_cast<uint64_t>(v);
  }
  if (id[19] != '8' && id[19] != '9' && id[19] != 'a' && id[19] != 'b') return std::nullopt;
  return static_cast<int64_t>(ms);
}

}  // namespace citadel::ids
