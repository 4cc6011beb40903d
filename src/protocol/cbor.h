#pragma once
// CBOR (RFC 8949), the body encoding of the Smithy RPC v2 CBOR protocol: a reader that turns one
// data item into a JSON value and a writer that appends data items to a byte string.
//
// The JSON view is lossy where JSON has no type: byte strings become base64 text (the way the JSON
// protocols carry blobs), tag 1 (epoch time) and unknown tags become their content, bignums
// (tags 2 and 3) become doubles, undefined becomes null. Map keys must be text strings.
#include <boost/json.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/error.h"

namespace citadel::protocol::cbor {

namespace json = boost::json;

// Decodes `bytes`, which must hold exactly one well-formed data item nested at most `max_depth`
// deep. Errors are SerializationException (400) with a message that says where decoding stopped.
Result<json::value> decode(std::string_view bytes, int max_depth = 64);

// Appends data items in their preferred (shortest) serialization. Containers are written with
// definite lengths: the caller announces the count, then writes that many items (pairs for maps).
class Writer {
 public:
  void uint(uint64_t v) { head(0, v); }
  void int64(int64_t v);
  // float32 when the value survives the round trip, else float64.
  void float64(double v);
  void boolean(bool v) { out_.push_back(static_cast<char>(v ? 0xF5 : 0xF4)); }
  void null() { out_.push_back(static_cast<char>(0xF6)); }
  void text(std::string_view s);
  void bytes(std::string_view s);
  void array(uint64_t count) { head(4, count); }
  void map(uint64_t count) { head(5, count); }
  void tag(uint64_t t) { head(6, t); }
  // A generic JSON value: integers, doubles, text, arrays, objects, booleans and null.
  void value(const json::value& v);

  const std::string& str() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  void head(uint8_t major, uint64_t arg);
  std::string out_;
};

// Writer::value of one JSON value, as a byte string.
std::string encode(const json::value& v);

}  // namespace citadel::protocol::cbor
