#pragma once
// A response body produced piece by piece while it is sent, instead of held whole in memory
// (S3's GetObject reads and decrypts the object's file as the connection drains it).
#include <cstdint>
#include <string_view>

#include "base/error.h"

namespace citadel::protocol {

class BodySource {
 public:
  virtual ~BodySource() = default;
  // The number of bytes it yields in all (the Content-Length).
  virtual int64_t size() const = 0;
  // The next piece, valid until the next call; empty once all size() bytes were given. An error
  // midway (a damaged file) can only cut the response short: its headers are gone already.
  virtual Result<std::string_view> next() = 0;
};

}  // namespace citadel::protocol
