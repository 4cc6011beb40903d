#pragma once
// Secrets at rest (access key secrets, KMS key material, TOTP seeds) are sealed with AES-256-GCM
// under one master key: from $CITADEL_MASTER_KEY (64 hex chars) or a 0600 file in the data dir.
#include <optional>
#include <string>
#include <string_view>

#include "base/error.h"

namespace citadel::store {

class SecretBox {
 public:
  // Loads the master key, creating `<data_dir>/master.key` (mode 0600) on first use.
  static Result<SecretBox> open(const std::string& data_dir);
  explicit SecretBox(std::string key32) : key_(std::move(key32)) {}

  // `context` names what the secret belongs to (e.g. the access key id); opening with another
  // context fails, so a sealed value copied to another row is useless.
  std::string seal(std::string_view plaintext, std::string_view context) const;
  std::optional<std::string> open_sealed(std::string_view sealed, std::string_view context) const;

 private:
  std::string key_;
};

}  // namespace citadel::store
