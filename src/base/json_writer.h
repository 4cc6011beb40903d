#pragma once
// A minimal streaming JSON writer: for records written on every request (the CloudTrail event of
// each call), where building a boost::json tree first costs dozens of allocations. Strings are
// escaped as JSON requires; UTF-8 passes through unchanged, as boost::json::serialize does.
#include <cstdint>
#include <string>
#include <string_view>

namespace citadel {

class JsonWriter {
 public:
  explicit JsonWriter(size_t reserve = 0) { out_.reserve(reserve); }

  JsonWriter& begin_object() { return open('{'); }
  JsonWriter& end_object() { return close('}'); }
  JsonWriter& begin_array() { return open('['); }
  JsonWriter& end_array() { return close(']'); }
  JsonWriter& key(std::string_view k) {
    separate();
    quoted(k);
    out_ += ':';
    after_value_ = false;
    return *this;
  }
  JsonWriter& string(std::string_view s) { return value([&] { quoted(s); }); }
  JsonWriter& boolean(bool b) { return value([&] { out_ += b ? "true" : "false"; }); }
  JsonWriter& number(int64_t n) { return value([&] { out_ += std::to_string(n); }); }
  JsonWriter& null() { return value([&] { out_ += "null"; }); }
  // Text that is already JSON (a serialized value).
  JsonWriter& raw(std::string_view json) { return value([&] { out_ += json; }); }

  // Shorthands for "key": value.
  JsonWriter& field(std::string_view k, std::string_view s) { return key(k).string(s); }
  JsonWriter& field(std::string_view k, const char* s) { return key(k).string(s); }
  JsonWriter& field(std::string_view k, bool b) { return key(k).boolean(b); }

  std::string& str() { return out_; }

 private:
  void separate() {
    if (after_value_) out_ += ',';
  }
  template <class Write>
  JsonWriter& value(Write write) {
    separate();
    write();
    after_value_ = true;
    return *this;
  }
  JsonWriter& open(char c) {
    separate();
    out_ += c;
    after_value_ = false;
    return *this;
  }
  JsonWriter& close(char c) {
    out_ += c;
    after_value_ = true;
    return *this;
  }
  void quoted(std::string_view s);

  std::string out_;
  bool after_value_ = false;  // a value was just written: the next one needs a comma
};

}  // namespace citadel
