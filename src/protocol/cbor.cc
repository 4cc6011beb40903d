#include "protocol/cbor.h"

#include <cmath>
#include <cstring>
#include <limits>

#include "base/crypto.h"

namespace citadel::protocol::cbor {

namespace {

AwsError malformed(std::string what, size_t at) {
  return AwsError::sender("SerializationException",
                          "Malformed CBOR body: " + what + " at byte " + std::to_string(at), 400);
}

// Half-precision floats (RFC 8949 Appendix D): sign, 5-bit exponent, 10-bit fraction.
double half_to_double(uint16_t h) {
  int exp = (h >> 10) & 0x1F;
  int mant = h & 0x3FF;
  double v;
  if (exp == 0) v = std::ldexp(mant, -24);
  else if (exp != 31) v = std::ldexp(mant + 1024, exp - 25);
  else v = mant == 0 ? std::numeric_limits<double>::infinity() : std::numeric_limits<double>::quiet_NaN();
  return (h & 0x8000) ? -v : v;
}

bool valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 0 : (c >> 5) == 0x6 ? 1 : (c >> 4) == 0xE ? 2 : (c >> 3) == 0x1E ? 3 : 4;
    if (n == 4 || (n == 1 && c < 0xC2) || i + n >= s.size()) return false;
    uint32_t cp = n == 0 ? c : c & (0x3F >> n);
    for (size_t k = 1; k <= n; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates and code points past U+10FFFF are not UTF-8.
    if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += n + 1;
  }
  return true;
}

class Reader {
 public:
  Reader(std::string_view in, int max_depth) : in_(in), max_depth_(max_depth) {}

  Result<json::value> item(int depth) {
    if (depth > max_depth_) return malformed("nesting too deep", pos_);
    if (pos_ >= in_.size()) return malformed("unexpected end of input", pos_);
    size_t start = pos_;
    auto ib = static_cast<uint8_t>(in_[pos_++]);
    uint8_t major = ib >> 5, info = ib & 0x1F;
    if (major == 7) return simple(info, start);
    bool indefinite = info == 31;
    uint64_t arg = 0;
    if (indefinite) {
      if (major == 0 || major == 1 || major == 6) return malformed("indefinite length on a type without one", start);
    } else if (auto a = argument(info, start); !a) {
      return a.error();
    } else {
      arg = *a;
    }
    switch (major) {
      case 0:
        if (arg <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return json::value(static_cast<int64_t>(arg));
        return json::value(arg);
      case 1:
        if (arg <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return json::value(-1 - static_cast<int64_t>(arg));
        return json::value(-1.0 - static_cast<double>(arg));
      case 2:
      case 3: {
        auto s = indefinite ? chunks(major, start) : take(arg, start);
        if (!s) return s.error();
        if (major == 3) {
          if (!valid_utf8(*s)) return malformed("text string is not UTF-8", start);
          return json::value(json::string(*s));
        }
        return json::value(json::string(crypto::base64_encode(*s)));
      }
      case 4: {
        json::array a;
        if (!indefinite && arg > in_.size() - pos_) return malformed("array longer than the input", start);
        for (uint64_t i = 0; indefinite || i < arg; ++i) {
          if (indefinite && at_break()) break;
          auto v = item(depth + 1);
          if (!v) return v;
          a.push_back(std::move(*v));
        }
        return json::value(std::move(a));
      }
      case 5: {
        json::object o;
        if (!indefinite && arg > (in_.size() - pos_) / 2) return malformed("map longer than the input", start);
        for (uint64_t i = 0; indefinite || i < arg; ++i) {
          if (indefinite && at_break()) break;
          size_t key_at = pos_;
          auto k = item(depth + 1);
          if (!k) return k;
          if (!k->is_string()) return malformed("map key is not a text string", key_at);
          auto v = item(depth + 1);
          if (!v) return v;
          o[k->as_string()] = std::move(*v);
        }
        return json::value(std::move(o));
      }
      default: {  // 6: a tag and its content
        auto v = item(depth + 1);
        if (!v) return v;
        if ((arg == 2 || arg == 3) && v->is_string()) {  // bignum: big-endian magnitude
          auto raw = crypto::base64_decode(v->as_string());
          double mag = 0;
          for (unsigned char c : raw.value_or("")) mag = mag * 256 + c;
          return json::value(arg == 2 ? mag : -1.0 - mag);
        }
        if (arg == 1 && !v->is_number()) return malformed("epoch time (tag 1) that is not a number", start);
        return v;
      }
    }
  }

  bool done() const { return pos_ == in_.size(); }
  size_t pos() const { return pos_; }

 private:
  Result<uint64_t> argument(uint8_t info, size_t start) {
    if (info < 24) return uint64_t{info};
    if (info > 27) return malformed("reserved additional information", start);
    size_t n = size_t{1} << (info - 24);
    if (in_.size() - pos_ < n) return malformed("unexpected end of input", start);
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) v = (v << 8) | static_cast<uint8_t>(in_[pos_++]);
    return v;
  }

  Result<std::string> take(uint64_t n, size_t start) {
    if (n > in_.size() - pos_) return malformed("string longer than the input", start);
    std::string s(in_.substr(pos_, n));
    pos_ += n;
    return s;
  }

  // An indefinite-length string: definite chunks of the same major type until a break.
  Result<std::string> chunks(uint8_t major, size_t start) {
    std::string s;
    while (!at_break()) {
      if (pos_ >= in_.size()) return malformed("unterminated indefinite-length string", start);
      size_t at = pos_;
      auto ib = static_cast<uint8_t>(in_[pos_++]);
      if ((ib >> 5) != major || (ib & 0x1F) == 31) return malformed("bad chunk in indefinite-length string", at);
      auto n = argument(ib & 0x1F, at);
      if (!n) return n.error();
      auto c = take(*n, at);
      if (!c) return c.error();
      s += *c;
    }
    return s;
  }

  bool at_break() {
    if (pos_ < in_.size() && static_cast<uint8_t>(in_[pos_]) == 0xFF) {
      ++pos_;
      return true;
    }
    return false;
  }

  Result<json::value> simple(uint8_t info, size_t start) {
    switch (info) {
      case 20: return json::value(false);
      case 21: return json::value(true);
      case 22:
      case 23: return json::value(nullptr);
      case 25: {
        auto a = argument(info, start);
        if (!a) return a.error();
        return json::value(half_to_double(static_cast<uint16_t>(*a)));
      }
      case 26: {
        auto a = argument(info, start);
        if (!a) return a.error();
        uint32_t bits = static_cast<uint32_t>(*a);
        float f;
        std::memcpy(&f, &bits, sizeof f);
        return json::value(static_cast<double>(f));
      }
      case 27: {
        auto a = argument(info, start);
        if (!a) return a.error();
        double d;
        std::memcpy(&d, &*a, sizeof d);
        return json::value(d);
      }
      default:
        // A break outside an indefinite container, and simple values we have no meaning for.
        return malformed(info == 31 ? "unexpected break" : "unsupported simple value", start);
    }
  }

  std::string_view in_;
  size_t pos_ = 0;
  int max_depth_;
};

}  // namespace

Result<json::value> decode(std::string_view bytes, int max_depth) {
  Reader r(bytes, max_depth);
  auto v = r.item(0);
  if (!v) return v;
  if (!r.done()) return malformed("trailing bytes after the data item", r.pos());
  return v;
}

void Writer::head(uint8_t major, uint64_t arg) {
  auto mt = static_cast<char>(major << 5);
  if (arg < 24) {
    out_.push_back(static_cast<char>(mt | static_cast<char>(arg)));
    return;
  }
  int n = arg <= 0xFF ? 1 : arg <= 0xFFFF ? 2 : arg <= 0xFFFFFFFFull ? 4 : 8;
  out_.push_back(static_cast<char>(mt | static_cast<char>(n == 1 ? 24 : n == 2 ? 25 : n == 4 ? 26 : 27)));
  for (int i = n - 1; i >= 0; --i) out_.push_back(static_cast<char>((arg >> (8 * i)) & 0xFF));
}

void Writer::int64(int64_t v) {
  if (v >= 0) head(0, static_cast<uint64_t>(v));
  else head(1, static_cast<uint64_t>(-1 - v));
}

void Writer::float64(double v) {
  auto f = static_cast<float>(v);
  if (static_cast<double>(f) == v || std::isnan(v)) {
    uint32_t bits;
    std::memcpy(&bits, &f, sizeof bits);
    out_.push_back(static_cast<char>(0xFA));
    for (int i = 3; i >= 0; --i) out_.push_back(static_cast<char>((bits >> (8 * i)) & 0xFF));
    return;
  }
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  out_.push_back(static_cast<char>(0xFB));
  for (int i = 7; i >= 0; --i) out_.push_back(static_cast<char>((bits >> (8 * i)) & 0xFF));
}

void Writer::text(std::string_view s) {
  head(3, s.size());
  out_.append(s);
}

void Writer::bytes(std::string_view s) {
  head(2, s.size());
  out_.append(s);
}

void Writer::value(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null: null(); break;
    case json::kind::bool_: boolean(v.get_bool()); break;
    case json::kind::int64: int64(v.get_int64()); break;
    case json::kind::uint64: uint(v.get_uint64()); break;
    case json::kind::double_: float64(v.get_double()); break;
    case json::kind::string: text(v.get_string()); break;
    case json::kind::array:
      array(v.get_array().size());
      for (auto& e : v.get_array()) value(e);
      break;
    case json::kind::object:
      map(v.get_object().size());
      for (auto& [k, e] : v.get_object()) {
        text(k);
        value(e);
      }
      break;
  }
}

std::string encode(const json::value& v) {
  Writer w;
  w.value(v);
  return w.take();
}

}  // namespace citadel::protocol::cbor
