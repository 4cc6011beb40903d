#include "services/kms/ciphertext_blob.h"

#include <algorithm>
#include <utility>
#include <vector>

namespace citadel::services::kms {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void put_u32(std::string& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xff));
}

}  // namespace

std::string blob_header(std::string_view key_id, uint32_t version) {
  if (key_id.size() != 36) return "";
  std::string out;
  out.push_back(static_cast<char>(kBlobFormat));
  for (size_t i = 0; i < key_id.size();) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (key_id[i] != '-') return "";
      ++i;
      continue;
    }
    int hi = hex_value(key_id[i]), lo = i + 1 < key_id.size() ? hex_value(key_id[i + 1]) : -1;
    if (hi < 0 || lo < 0) return "";
    out.push_back(static_cast<char>(hi << 4 | lo));
    i += 2;
  }
  put_u32(out, version);
  return out;
}

std::optional<ParsedBlob> parse_blob(std::string_view blob) {
  if (blob.size() < kBlobOverhead || static_cast<uint8_t>(blob[0]) != kBlobFormat) return std::nullopt;
  static const char* digits = "0123456789abcdef";
  ParsedBlob p;
  for (size_t i = 1; i <= 16; ++i) {
    if (i == 5 || i == 7 || i == 9 || i == 11) p.key_id.push_back('-');
    auto b = static_cast<uint8_t>(blob[i]);
    p.key_id.push_back(digits[b >> 4]);
    p.key_id.push_back(digits[b & 0xf]);
  }
  for (size_t i = 17; i < 21; ++i) p.version = p.version << 8 | static_cast<uint8_t>(blob[i]);
  p.header = blob.substr(0, kBlobHeaderSize);
  p.sealed = blob.substr(kBlobHeaderSize);
  return p;
}

std::string canonical_context(const boost::json::object* context) {
  if (!context || context->empty()) return "";
  std::vector<std::pair<std::string_view, std::string_view>> pairs;
  for (const auto& [k, v] : *context)
    pairs.emplace_back(k, v.is_string() ? std::string_view(v.as_string()) : std::string_view());
  std::sort(pairs.begin(), pairs.end());
  std::string out;
  for (const auto& [k, v] : pairs) {
    put_u32(out, static_cast<uint32_t>(k.size()));
    out += k;
    put_u32(out, static_cast<uint32_t>(v.size()));
    out += v;
  }
  return out;
}

}  // namespace citadel::services::kms
