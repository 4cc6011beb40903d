// The CBOR reader and writer against RFC 8949 Appendix A (examples of encoded data items), and
// inputs that are not well-formed, which must be refused without reading past the end.
#include <gtest/gtest.h>

#include <cmath>

#include "protocol/cbor.h"

using namespace citadel::protocol;
namespace json = boost::json;

namespace {

std::string unhex(std::string_view h) {
  std::string out;
  for (size_t i = 0; i + 1 < h.size(); i += 2) out.push_back(static_cast<char>(std::stoi(std::string(h.substr(i, 2)), nullptr, 16)));
  return out;
}

std::string hex(std::string_view b) {
  static const char* d = "0123456789abcdef";
  std::string out;
  for (unsigned char c : b) out += {d[c >> 4], d[c & 15]};
  return out;
}

json::value decoded(std::string_view h) {
  auto v = cbor::decode(unhex(h));
  EXPECT_TRUE(v.ok()) << h << ": " << (v.ok() ? "" : v.error().message);
  return v.ok() ? *v : json::value();
}

struct Vector {
  const char* json;  // the diagnostic value, as JSON
  const char* hex;
};

// Appendix A items that JSON represents exactly and that our writer encodes the same way
// (preferred serialization; floats as float32 when exact, else float64).
const Vector kRoundTrip[] = {
    {"0", "00"}, {"1", "01"}, {"10", "0a"}, {"23", "17"}, {"24", "1818"}, {"25", "1819"}, {"100", "1864"},
    {"1000", "1903e8"}, {"1000000", "1a000f4240"}, {"1000000000000", "1b000000e8d4a51000"},
    {"18446744073709551615", "1bffffffffffffffff"}, {"-1", "20"}, {"-10", "29"}, {"-100", "3863"}, {"-1000", "3903e7"},
    {"1.1", "fb3ff199999999999a"}, {"100000.0", "fa47c35000"}, {"1.0e+300", "fb7e37e43c8800759c"}, {"-4.1", "fbc010666666666666"}, {"false", "f4"}, {"true", "f5"},
    {"null", "f6"}, {"\"\"", "60"}, {"\"a\"", "6161"}, {"\"IETF\"", "6449455446"}, {"\"\\\"\\\\\"", "62225c"},
    {"\"\\u00fc\"", "62c3bc"}, {"\"\\u6c34\"", "63e6b0b4"}, {"\"\\ud800\\udd51\"", "64f0908591"}, {"[]", "80"},
    {"[1,2,3]", "83010203"}, {"[1,[2,3],[4,5]]", "8301820203820405"},
    {"[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25]",
     "98190102030405060708090a0b0c0d0e0f101112131415161718181819"},
    {"{}", "a0"}, {"{\"a\":1,\"b\":[2,3]}", "a26161016162820203"}, {"[\"a\",{\"b\":\"c\"}]", "826161a161626163"},
    {"{\"a\":\"A\",\"b\":\"B\",\"c\":\"C\",\"d\":\"D\",\"e\":\"E\"}", "a56161614161626142616361436164614461656145"},
};

}  // namespace

TEST(Cbor, AppendixAVectorsDecode) {
  for (auto& v : kRoundTrip) EXPECT_EQ(decoded(v.hex), json::parse(v.json)) << v.hex;
}

TEST(Cbor, AppendixAVectorsEncode) {
  for (auto& v : kRoundTrip) EXPECT_EQ(hex(cbor::encode(json::parse(v.json))), v.hex) << v.json;
}

// Boost.JSON's parser does not round 3.4028234663852886e+38 exactly, so this vector goes by value.
TEST(Cbor, LargestFloat32) {
  EXPECT_EQ(decoded("fa7f7fffff").as_double(), 3.4028234663852886e+38);
  EXPECT_EQ(hex(cbor::encode(json::value(3.4028234663852886e+38))), "fa7f7fffff");
}

TEST(Cbor, HalfPrecisionAndOtherFloatWidths) {
  EXPECT_EQ(decoded("f90000").as_double(), 0.0);
  EXPECT_TRUE(std::signbit(decoded("f98000").as_double()));
  EXPECT_EQ(decoded("f93c00").as_double(), 1.0);
  EXPECT_EQ(decoded("f93e00").as_double(), 1.5);
  EXPECT_EQ(decoded("f97bff").as_double(), 65504.0);
  EXPECT_EQ(decoded("f90001").as_double(), 5.960464477539063e-8);
  EXPECT_EQ(decoded("f90400").as_double(), 0.00006103515625);
  EXPECT_EQ(decoded("f9c400").as_double(), -4.0);
  EXPECT_TRUE(std::isinf(decoded("f97c00").as_double()));
  EXPECT_TRUE(std::isnan(decoded("f97e00").as_double()));
  EXPECT_LT(decoded("f9fc00").as_double(), 0.0);
  EXPECT_TRUE(std::isinf(decoded("f9fc00").as_double()));
  EXPECT_TRUE(std::isinf(decoded("fa7f800000").as_double()));
  EXPECT_TRUE(std::isinf(decoded("fbfff0000000000000").as_double()));
}

TEST(Cbor, BignumsNegativeBeyondInt64AndUndefined) {
  EXPECT_EQ(decoded("c249010000000000000000").as_double(), 18446744073709551616.0);
  EXPECT_EQ(decoded("3bffffffffffffffff").as_double(), -18446744073709551616.0);
  EXPECT_EQ(decoded("c349010000000000000000").as_double(), -18446744073709551617.0);
  EXPECT_TRUE(decoded("f7").is_null());
}

TEST(Cbor, TagsAreTransparentEpochTimeIncluded) {
  EXPECT_EQ(decoded("c11a514b67b0"), json::value(1363896240));
  EXPECT_EQ(decoded("c1fb41d452d9ec200000").as_double(), 1363896240.5);
  EXPECT_EQ(decoded("c074323031332d30332d32315432303a30343a30305a"), json::value("2013-03-21T20:04:00Z"));
  EXPECT_EQ(decoded("d82076687474703a2f2f7777772e6578616d706c652e636f6d"), json::value("http://www.example.com"));
}

TEST(Cbor, ByteStringsBecomeBase64) {
  EXPECT_EQ(decoded("40"), json::value(""));
  EXPECT_EQ(decoded("4401020304"), json::value("AQIDBA=="));
  EXPECT_EQ(decoded("5f42010243030405ff"), json::value("AQIDBAU="));  // (_ h'0102', h'030405')
}

TEST(Cbor, IndefiniteLengthItems) {
  EXPECT_EQ(decoded("7f657374726561646d696e67ff"), json::value("streaming"));
  EXPECT_EQ(decoded("9fff"), json::parse("[]"));
  EXPECT_EQ(decoded("9f018202039f0405ffff"), json::parse("[1,[2,3],[4,5]]"));
  EXPECT_EQ(decoded("9f01820203820405ff"), json::parse("[1,[2,3],[4,5]]"));
  EXPECT_EQ(decoded("83018202039f0405ff"), json::parse("[1,[2,3],[4,5]]"));
  EXPECT_EQ(decoded("83019f0203ff820405"), json::parse("[1,[2,3],[4,5]]"));
  EXPECT_EQ(decoded("bf61610161629f0203ffff"), json::parse(R"({"a":1,"b":[2,3]})"));
  EXPECT_EQ(decoded("826161bf61626163ff"), json::parse(R"(["a",{"b":"c"}])"));
  EXPECT_EQ(decoded("bf6346756ef563416d7421ff"), json::parse(R"({"Fun":true,"Amt":-2})"));
}

TEST(Cbor, WriterTagsBytesAndContainers) {
  cbor::Writer w;
  w.map(2);
  w.text("t");
  w.tag(1);
  w.int64(1363896240);
  w.text("b");
  w.bytes(unhex("01020304"));
  EXPECT_EQ(hex(w.str()), "a26174c11a514b67b061624401020304");
}

TEST(Cbor, MalformedInputIsRefused) {
  const char* bad[] = {
      "",                  // nothing
      "18",                // argument missing
      "1c",                // reserved additional information
      "62c3",              // string shorter than its length
      "62c328",            // invalid UTF-8
      "63eda080",          // a UTF-16 surrogate encoded as UTF-8
      "9b00000000ffffffff",  // array count far beyond the input
      "a1",                // map without its pair
      "a10102",            // map key that is not text
      "9f01",              // unterminated indefinite array
      "5f4101",            // unterminated indefinite byte string
      "5f6161ff",          // text chunk inside a byte string
      "ff",                // break outside a container
      "f818",              // simple value we do not know
      "0101",              // trailing bytes
      "1f",                // indefinite unsigned integer
      "c16161",            // tag 1 on text
  };
  for (auto* h : bad) {
    auto v = cbor::decode(unhex(h));
    EXPECT_FALSE(v.ok()) << h;
    if (!v.ok()) EXPECT_EQ(v.error().code, "SerializationException");
  }
}

TEST(Cbor, NestingDepthIsBounded) {
  std::string deep(1000, static_cast<char>(0x81));
  deep.push_back(0x00);
  EXPECT_FALSE(cbor::decode(deep).ok());
  EXPECT_TRUE(cbor::decode(std::string(10, static_cast<char>(0x81)) + '\0').ok());
}
