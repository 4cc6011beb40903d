#include "services/s3/blob_body.h"

#include "base/crypto.h"

namespace citadel::services::s3 {

std::string BlobBody::sha256_hex() const {
  auto raw = crypto::base64_decode(writer_.info().sha256_b64);
  return raw ? crypto::to_hex(reinterpret_cast<const uint8_t*>(raw->data()), raw->size()) : std::string();
}

std::unique_ptr<RequestBody> new_blob_body(const Env& env) { return std::make_unique<BlobBody>(env.data_dir); }

}  // namespace citadel::services::s3
