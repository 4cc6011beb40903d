// Time, URI and id helpers: the formats AWS uses.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <set>

#include "base/crypto.h"
#include "base/ids.h"
#include "base/json_writer.h"
#include <ctime>
#include <cstdio>

#include "base/time.h"
#include "base/uri.h"

using namespace citadel;

TEST(Time, Iso8601RoundTrips) {
  EXPECT_EQ(timeutil::iso8601(1700000000123), "2023-11-14T22:13:20Z");
  EXPECT_EQ(timeutil::iso8601(1700000000123, true), "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(timeutil::parse_iso8601("2023-11-14T22:13:20.123Z"), 1700000000123);
  EXPECT_EQ(timeutil::parse_iso8601("2023-11-14T23:13:20+01:00"), 1700000000000);
  EXPECT_EQ(timeutil::parse_iso8601("2023-11-14"), 1699920000000);
  EXPECT_FALSE(timeutil::parse_iso8601("2023-13-14T00:00:00Z"));
  EXPECT_FALSE(timeutil::parse_iso8601("yesterday"));
  EXPECT_EQ(timeutil::parse_amz_date("20231114T221320Z"), 1700000000000);
  EXPECT_FALSE(timeutil::parse_amz_date("20231114T221320"));
}

TEST(Time, Iso8601AgreesWithTheCLibraryAcrossLeapYearsAndBeforeTheEpoch) {
  // Every 7 hours and 13 seconds from 1899 to 2101: leap days, century years, negative times.
  for (int64_t s = -2240524800; s < 4133980800; s += 7 * 3600 + 13) {
    time_t t = static_cast<time_t>(s);
    struct tm tm;
    gmtime_r(&t, &tm);
    char want[32];
    std::snprintf(want, sizeof want, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec, 7);
    ASSERT_EQ(timeutil::iso8601(s * 1000 + 7, true), want) << s;
  }
  EXPECT_EQ(timeutil::iso8601(-1), "1969-12-31T23:59:59Z");
  EXPECT_EQ(timeutil::iso8601(-1, true), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(timeutil::iso8601(951782400000), "2000-02-29T00:00:00Z");
}

TEST(Uri, EncodesTheUnreservedSetOnly) {
  EXPECT_EQ(uri::encode("a b/c~d*"), "a%20b%2Fc~d%2A");
  EXPECT_EQ(uri::encode("a b/c", true), "a%20b/c");
  EXPECT_EQ(uri::decode("a%20b+c", true), "a b c");
  EXPECT_EQ(uri::decode("bad%zzescape%"), "bad%zzescape%");
  auto q = uri::parse_query("b=2&a=1&&empty&x=%3D");
  ASSERT_EQ(q.size(), 4u);
  EXPECT_EQ(q[2].first, "empty");
  EXPECT_EQ(q[3].second, "=");
}

TEST(Ids, AwsFormats) {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    auto acct = ids::account_id();
    EXPECT_EQ(acct.size(), 12u);
    EXPECT_NE(acct[0], '0');
    auto key = ids::unique_id("AKIA");
    EXPECT_EQ(key.size(), 20u);
    EXPECT_EQ(key.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"), std::string::npos);
    seen.insert(key);
  }
  EXPECT_EQ(seen.size(), 200u);
  EXPECT_EQ(ids::secret_access_key().size(), 40u);
  auto u = ids::uuid4();
  EXPECT_EQ(u.size(), 36u);
  EXPECT_EQ(u[14], '4');
  EXPECT_EQ(u[8], '-');
  EXPECT_EQ(u[23], '-');
}

TEST(Ids, Uuid7CarriesTheTimeSoLaterIdsSortAfterEarlierOnes) {
  // 2026-12-06T00:00:00.000Z = 0x01A248A67C00 ms.
  auto u = ids::uuid7(0x01A248A67C00);
  ASSERT_EQ(u.size(), 36u);
  EXPECT_EQ(u.substr(0, 13), "01a248a6-7c00");
  EXPECT_EQ(u[14], '7');
  EXPECT_NE(std::string("89ab").find(u[19]), std::string::npos);  // RFC variant
  EXPECT_LT(u, ids::uuid7(0x01A248A67C01));
  EXPECT_NE(ids::uuid7(0x01A248A67C00), ids::uuid7(0x01A248A67C00));
}

TEST(Ids, Uuid7TimeIsReadBackOnlyFromVersion7Ids) {
  EXPECT_EQ(ids::uuid7_time_ms(ids::uuid7(0x01A248A67C00)), 0x01A248A67C00);
  EXPECT_EQ(ids::uuid7_time_ms(ids::uuid7(0)), 0);
  EXPECT_FALSE(ids::uuid7_time_ms(ids::uuid4()));
  EXPECT_FALSE(ids::uuid7_time_ms("01a248a6-7c00-7abc-8def-0123456789a"));    // short
  EXPECT_FALSE(ids::uuid7_time_ms("01a248a6-7c00-7abc-cdef-0123456789ab"));   // not RFC variant
  EXPECT_FALSE(ids::uuid7_time_ms("01A248A6-7C00-7ABC-8DEF-0123456789AB"));   // not as uuid7() writes it
  EXPECT_FALSE(ids::uuid7_time_ms("01a248a6-7c00-7abc-8def-0123456789ag"));
  EXPECT_FALSE(ids::uuid7_time_ms("01a248a6+7c00-7abc-8def-0123456789ab"));
}

TEST(Crypto, AesGcmAndConstantTimeCompare) {
  std::string key(32, 'k');
  auto sealed = crypto::aes256gcm_seal(key, "secret", "ctx");
  EXPECT_EQ(crypto::aes256gcm_open(key, sealed, "ctx").value(), "secret");
  EXPECT_FALSE(crypto::aes256gcm_open(std::string(32, 'x'), sealed, "ctx"));
  EXPECT_TRUE(crypto::constant_time_equal("abc", "abc"));
  EXPECT_FALSE(crypto::constant_time_equal("abc", "abd"));
  EXPECT_FALSE(crypto::constant_time_equal("abc", "abcd"));
  EXPECT_EQ(crypto::base64_decode(crypto::base64_encode("hello!")).value(), "hello!");
  EXPECT_EQ(crypto::sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(JsonWriter, WritesWhatBoostJsonReadsBackWithEveryEscape) {
  std::string tricky = "quote\" backslash\\ nl\n cr\r tab\t bell\x07 nul";
  tricky.push_back('\0');
  tricky += " utf8 \xc3\xa9 slash/";
  JsonWriter w;
  w.begin_object().field("s", tricky).field("b", true).key("n").number(-42).key("z").null();
  w.key("a").begin_array().string("x").begin_object().end_object().raw("[1,2]").end_array();
  w.key("o").begin_object().field("inner", false).end_object();
  w.end_object();
  auto v = boost::json::parse(w.str());
  EXPECT_EQ(v.at("s").as_string(), tricky);
  EXPECT_TRUE(v.at("b").as_bool());
  EXPECT_EQ(v.at("n").as_int64(), -42);
  EXPECT_TRUE(v.at("z").is_null());
  EXPECT_EQ(boost::json::serialize(v.at("a")), R"(["x",{},[1,2]])");
  EXPECT_FALSE(v.at("o").at("inner").as_bool());
  // The same bytes boost::json writes for the same string.
  EXPECT_EQ(JsonWriter().string(tricky).str(), boost::json::serialize(boost::json::string(tricky)));
}

// Strings are scanned eight bytes at a time: an escaped character in every position of a word,
// and at the ends, must still be escaped, with UTF-8 and 0x7f passing through.
TEST(JsonWriter, EscapesACharacterAtEveryPositionOfTheWordScan) {
  for (char special : std::string("\"\\\n\x01\x1f", 5)) {
    for (size_t len : {1, 7, 8, 9, 16, 23}) {
      for (size_t at = 0; at < len; ++at) {
        std::string s(len, 'a');
        s[len / 2] = '\x7f';
        if (len > 2) s[0] = '\xc3', s[1] = '\xa9';
        s[at] = special;
        EXPECT_EQ(JsonWriter().string(s).str(), boost::json::serialize(boost::json::string(s))) << len << " " << at;
      }
    }
  }
}
