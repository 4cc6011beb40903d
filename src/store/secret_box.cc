#include "store/secret_box.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "base/crypto.h"

namespace citadel::store {

namespace {
std::optional<std::string> from_hex(std::string_view hex) {
  if (hex.size() != 64) return std::nullopt;
  std::string out(32, '\0');
  for (size_t i = 0; i < 32; ++i) {
    auto nib = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    int h = nib(hex[2 * i]), l = nib(hex[2 * i + 1]);
    if (h < 0 || l < 0) return std::nullopt;
    out[i] = static_cast<char>(h * 16 + l);
  }
  return out;
}
}  // namespace

Result<SecretBox> SecretBox::open(const std::string& data_dir) {
  if (const char* env = std::getenv("CITADEL_MASTER_KEY"); env && *env) {
    auto k = from_hex(env);
    if (!k) return AwsError::internal("CITADEL_MASTER_KEY must be 64 hex characters");
    return SecretBox(*k);
  }
  std::string path = data_dir + "/master.key";
  std::ifstream in(path);
  if (in) {
    struct stat st;
    if (::stat(path.c_str(), &st) == 0 && (st.st_mode & 077) != 0)
      return AwsError::internal(path + " must be readable by its owner only (chmod 600)");
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    auto k = from_hex(text);
    if (!k) return AwsError::internal(path + " is not a 64-hex-character key");
    return SecretBox(*k);
  }
  std::string key = crypto::random_bytes(32);
  std::string hex = crypto::to_hex(reinterpret_cast<const uint8_t*>(key.data()), key.size()) + "\n";
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) return AwsError::internal("cannot create " + path);
  bool ok = ::write(fd, hex.data(), hex.size()) == static_cast<ssize_t>(hex.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return AwsError::internal("cannot write " + path);
  return SecretBox(key);
}

std::string SecretBox::seal(std::string_view plaintext, std::string_view context) const {
  return crypto::base64_encode(crypto::aes256gcm_seal(key_, plaintext, context));
}

std::optional<std::string> SecretBox::open_sealed(std::string_view sealed, std::string_view context) const {
  auto raw = crypto::base64_decode(sealed);
  if (!raw) return std::nullopt;
  return crypto::aes256gcm_open(key_, *raw, context);
}

}  // namespace citadel::store
