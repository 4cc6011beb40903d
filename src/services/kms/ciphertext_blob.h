#pragma once
// The ciphertext blob of a symmetric KMS key: it names its key and key-material version, so that
// Decrypt needs no KeyId (docs/kms.md):
//
//   offset 0   1 byte   format, 0x01
//          1  16 bytes  the key id (a UUID) as raw bytes
//         17   4 bytes  the key-material version, big-endian
//         21  12 bytes  AES-GCM IV
//         33   n bytes  ciphertext
//       33+n  16 bytes  GCM tag
//
// The AAD is the first 21 bytes followed by the canonical encryption context, so neither the key
// reference nor the context can be changed without the tag failing.
#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace citadel::services::kms {

inline constexpr uint8_t kBlobFormat = 0x01;
inline constexpr size_t kBlobHeaderSize = 21;
inline constexpr size_t kBlobOverhead = kBlobHeaderSize + 12 + 16;

// The header for a key id in UUID form; "" when the id is not a UUID.
std::string blob_header(std::string_view key_id, uint32_t version);

struct ParsedBlob {
  std::string key_id;  // lowercase UUID text
  uint32_t version = 0;
  std::string_view header;  // the first 21 bytes
  std::string_view sealed;  // IV || ciphertext || tag
};
// nullopt when the bytes cannot be one of our blobs (too short, another format).
std::optional<ParsedBlob> parse_blob(std::string_view blob);

// The encryption context as bytes for the AAD: pairs sorted by key, each key and value preceded
// by its length (4 bytes, big-endian). An absent or empty context gives "".
std::string canonical_context(const boost::json::object* context);

}  // namespace citadel::services::kms
