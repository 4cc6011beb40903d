#include "auth/totp.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "base/crypto.h"

namespace citadel::auth {

namespace {
constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
}

uint64_t totp_step(int64_t unix_ms) { return static_cast<uint64_t>(unix_ms / 1000) / 30; }

std::string totp_code(std::string_view seed, uint64_t step, int digits) {
  unsigned char msg[8];
  for (int i = 7; i >= 0; --i) {
    msg[i] = static_cast<unsigned char>(step & 0xff);
    step >>= 8;
  }
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  // HMAC-SHA1 is what RFC 6238 authenticators use; it is not used for anything else here.
  HMAC(EVP_sha1(), seed.data(), static_cast<int>(seed.size()), msg, sizeof msg, mac, &len);
  int offset = mac[len - 1] & 0x0f;
  uint32_t bin = (static_cast<uint32_t>(mac[offset] & 0x7f) << 24) | (static_cast<uint32_t>(mac[offset + 1]) << 16) |
                 (static_cast<uint32_t>(mac[offset + 2]) << 8) | static_cast<uint32_t>(mac[offset + 3]);
  uint32_t mod = 1;
  for (int i = 0; i < digits; ++i) mod *= 10;
  std::string code = std::to_string(bin % mod);
  return std::string(static_cast<size_t>(digits) - code.size(), '0') + code;
}

std::optional<uint64_t> totp_verify(std::string_view seed, std::string_view code, int64_t unix_ms,
                                    std::optional<uint64_t> last_used_step) {
  if (code.size() != 6) return std::nullopt;
  uint64_t now = totp_step(unix_ms);
  for (uint64_t step = now == 0 ? 0 : now - 1; step <= now + 1; ++step) {
    if (last_used_step && step <= *last_used_step) continue;
    if (crypto::constant_time_equal(totp_code(seed, step), code)) return step;
  }
  return std::nullopt;
}

std::string base32_encode(std::string_view bytes) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 5) {
      out.push_back(kAlphabet[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(buffer << (5 - bits)) & 31]);
  while (out.size() % 8) out.push_back('=');
  return out;
}

std::optional<std::string> base32_decode(std::string_view text) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    if (c == '=') break;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
    auto pos = kAlphabet.find(c);
    if (pos == std::string_view::npos) return std::nullopt;
    buffer = (buffer << 5) | static_cast<uint32_t>(pos);
    bits += 5;
    if (bits >= 8) {
      out.push_back(static_cast<char>((buffer >> (bits - 8)) & 0xff));
      bits -= 8;
    }
  }
  return out;
}

}  // namespace citadel::auth
