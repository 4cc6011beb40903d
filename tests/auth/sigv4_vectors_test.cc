// The published SigV4 test suite (../shared/testdata/sigv4): every signed request verifies at the
// context's time, and changing any signed byte makes it fail.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "auth/sigv4.h"
#include "base/time.h"

namespace fs = std::filesystem;
using namespace citadel;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A signed request file parsed into owned strings; SigV4Request views into it.
struct ParsedRequest {
  std::string method, path, query, body;
  std::vector<std::pair<std::string, std::string>> headers;

  auth::SigV4Request view() const {
    auth::SigV4Request r{method, path, query, {}, body};
    for (auto& [k, v] : headers) r.headers.emplace_back(k, v);
    return r;
  }
};

ParsedRequest parse_request(const std::string& text) {
  ParsedRequest r;
  std::istringstream in(text);
  std::string line;
  std::getline(in, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  auto sp1 = line.find(' '), sp2 = line.rfind(' ');
  r.method = line.substr(0, sp1);
  std::string target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  auto q = target.find('?');
  r.path = target.substr(0, q);
  if (q != std::string::npos) r.query = target.substr(q + 1);
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) break;
    if ((line[0] == ' ' || line[0] == '\t') && !r.headers.empty()) {
      r.headers.back().second += "\n" + line;  // folded continuation line
      continue;
    }
    auto colon = line.find(':');
    r.headers.emplace_back(line.substr(0, colon), line.substr(colon + 1));
  }
  std::stringstream rest;
  rest << in.rdbuf();
  r.body = rest.str();
  return r;
}

fs::path vectors_dir() {
  for (fs::path p : {fs::path(CITADEL_SOURCE_DIR) / ".." / "shared" / "testdata" / "sigv4", fs::path("/work/shared/testdata/sigv4")})
    if (fs::exists(p)) return p;
  return {};
}

struct Case {
  std::string name;
  std::string secret;
  int64_t now_ms;
  bool normalize;
};

Case load_case(const fs::path& dir) {
  auto ctx = boost::json::parse(slurp(dir / "context.json")).as_object();
  Case c;
  c.name = dir.filename().string();
  c.secret = std::string(ctx.at("credentials").as_object().at("secret_access_key").as_string());
  c.now_ms = *timeutil::parse_iso8601(ctx.at("timestamp").as_string());
  c.normalize = ctx.at("normalize").as_bool();
  return c;
}

Status verify(const ParsedRequest& r, const Case& c) {
  auto view = r.view();
  auto auth = auth::parse_sigv4(view);
  if (!auth) return auth.error();
  auth::SigV4Options opt;
  opt.normalize_path = c.normalize;
  return auth::verify_sigv4(view, *auth, c.secret, c.now_ms, opt);
}

std::vector<fs::path> case_dirs() {
  std::vector<fs::path> dirs;
  for (auto& e : fs::directory_iterator(vectors_dir()))
    if (e.is_directory()) dirs.push_back(e.path());
  std::sort(dirs.begin(), dirs.end());
  return dirs;
}

char flip(char ch) { return ch == 'a' ? 'b' : 'a'; }

}  // namespace

TEST(SigV4Vectors, SuiteIsPresent) {
  ASSERT_FALSE(vectors_dir().empty()) << "../shared/testdata/sigv4 not found";
  EXPECT_GE(case_dirs().size(), 30u);
}

TEST(SigV4Vectors, EverySignedRequestVerifies) {
  for (auto& dir : case_dirs()) {
    Case c = load_case(dir);
    for (const char* file : {"header-signed-request.txt", "query-signed-request.txt"}) {
      auto r = parse_request(slurp(dir / file));
      auto s = verify(r, c);
      EXPECT_TRUE(s.ok()) << c.name << "/" << file << ": " << (s.ok() ? "" : s.error().code + " " + s.error().message);
    }
  }
}

TEST(SigV4Vectors, CanonicalRequestMatchesPublishedForm) {
  for (auto& dir : case_dirs()) {
    Case c = load_case(dir);
    auto r = parse_request(slurp(dir / "header-signed-request.txt"));
    auto view = r.view();
    auto a = auth::parse_sigv4(view);
    ASSERT_TRUE(a.ok()) << c.name;
    auth::SigV4Options opt;
    opt.normalize_path = c.normalize;
    EXPECT_EQ(auth::canonical_request(view, *a, opt), slurp(dir / "header-canonical-request.txt")) << c.name;
  }
}

// Changing any one signed part — method, path, a query value, a signed header's value, the body,
// the date or the signature — must make verification fail.
TEST(SigV4Vectors, AnyChangedSignedByteFails) {
  for (auto& dir : case_dirs()) {
    Case c = load_case(dir);
    for (const char* file : {"header-signed-request.txt", "query-signed-request.txt"}) {
      const auto base = parse_request(slurp(dir / file));
      auto expect_fail = [&](const ParsedRequest& r, const std::string& what) {
        EXPECT_FALSE(verify(r, c).ok()) << c.name << "/" << file << " still verifies after changing " << what;
      };
      {
        auto r = base;
        r.method = r.method == "GET" ? "PUT" : "GET";
        expect_fail(r, "the method");
      }
      {
        auto r = base;
        r.path += "x";
        expect_fail(r, "the path");
      }
      auto view = base.view();
      auto a = auth::parse_sigv4(view);
      ASSERT_TRUE(a.ok());
      for (size_t i = 0; i < base.headers.size(); ++i) {
        std::string lname = base.headers[i].first;
        for (auto& ch : lname) ch = static_cast<char>(std::tolower(ch));
        if (lname == "authorization") continue;
        if (std::find(a->signed_headers.begin(), a->signed_headers.end(), lname) == a->signed_headers.end()) continue;
        auto r = base;
        auto& v = r.headers[i].second;
        v.back() = flip(v.back());
        expect_fail(r, "header " + lname);
      }
      if (!base.body.empty()) {
        auto r = base;
        r.body[0] = flip(r.body[0]);
        expect_fail(r, "the body");
      }
      if (!base.query.empty()) {
        // Change a query value that is not the signature itself.
        auto r = base;
        auto pos = r.query.find("X-Amz-Date=");
        if (pos == std::string::npos) pos = r.query.find('=');
        else pos += 10;
        r.query[pos + 1] = r.query[pos + 1] == '1' ? '2' : '1';
        expect_fail(r, "a query value");
      }
      {
        auto r = base;
        bool changed = false;
        for (auto& [k, v] : r.headers)
          if (k == "Authorization") {
            v.back() = v.back() == '0' ? '1' : '0';
            changed = true;
          }
        if (!changed) {
          auto pos = r.query.find("X-Amz-Signature=") + 16;
          r.query[pos] = r.query[pos] == '0' ? '1' : '0';
        }
        expect_fail(r, "the signature");
      }
    }
  }
}

TEST(SigV4, RejectsRequestsOutsideTheFifteenMinuteWindow) {
  auto dir = vectors_dir() / "get-vanilla";
  Case c = load_case(dir);
  auto r = parse_request(slurp(dir / "header-signed-request.txt"));
  c.now_ms += 15 * 60 * 1000 + 1000;
  auto s = verify(r, c);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "SignatureDoesNotMatch");
  EXPECT_NE(s.error().message.find("Signature expired"), std::string::npos);
  c.now_ms -= 2 * (15 * 60 * 1000 + 1000);
  s = verify(r, c);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("not yet current"), std::string::npos);
}

TEST(SigV4, PresignedUrlExpires) {
  auto dir = vectors_dir() / "get-vanilla";
  Case c = load_case(dir);
  auto r = parse_request(slurp(dir / "query-signed-request.txt"));
  c.now_ms += 3600 * 1000 + 1000;  // X-Amz-Expires=3600
  auto s = verify(r, c);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "RequestExpired");
}

TEST(SigV4, MalformedAuthorizationHeaderIsIncompleteSignature) {
  ParsedRequest r;
  r.method = "GET";
  r.path = "/";
  r.headers = {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"},
               {"Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request"}};
  auto a = auth::parse_sigv4(r.view());
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().code, "IncompleteSignature");
  EXPECT_NE(a.error().message.find("'Signature'"), std::string::npos);
}

TEST(SigV4, NoSignatureAtAllIsMissingAuthenticationToken) {
  ParsedRequest r;
  r.method = "GET";
  r.path = "/";
  r.query = "Action=ListUsers";
  EXPECT_FALSE(auth::has_sigv4(r.view()));
  auto a = auth::parse_sigv4(r.view());
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().code, "MissingAuthenticationToken");
}

// The client-side signer (used by the load generator and benchmarks) reproduces every published
// Authorization header.
TEST(SigV4Vectors, SignerReproducesThePublishedAuthorizationHeaders) {
  for (auto& dir : case_dirs()) {
    Case c = load_case(dir);
    if (!c.normalize) continue;  // the signer signs as every service but S3 does
    auto signed_req = parse_request(slurp(dir / "header-signed-request.txt"));
    auto a = auth::parse_sigv4(signed_req.view());
    ASSERT_TRUE(a.ok()) << c.name;
    std::string published;
    ParsedRequest bare = signed_req;
    for (auto it = bare.headers.begin(); it != bare.headers.end();)
      if (it->first == "Authorization") {
        published = it->second;
        it = bare.headers.erase(it);
      } else {
        ++it;
      }
    EXPECT_EQ(auth::authorization_header(bare.view(), a.value(), c.secret), published) << c.name;
  }
}

// S3-style requests may sign "UNSIGNED-PAYLOAD" instead of the body's hash: the body is then not
// covered, everything else still is.
TEST(SigV4, UnsignedPayloadVerifiesAndStillCoversHeaders) {
  ParsedRequest r;
  r.method = "PUT";
  r.path = "/bucket/key";
  r.body = "object bytes";
  r.headers = {{"Host", "127.0.0.1:4566"}, {"X-Amz-Date", "20150830T123600Z"}, {"X-Amz-Content-SHA256", "UNSIGNED-PAYLOAD"}};
  auth::SigV4Auth a;
  a.access_key_id = "AKIDEXAMPLE";
  a.date = "20150830";
  a.region = "us-east-1";
  a.service = "s3";
  a.signed_headers = {"host", "x-amz-content-sha256", "x-amz-date"};
  a.amz_date = "20150830T123600Z";
  a.payload_hash = "UNSIGNED-PAYLOAD";
  const std::string secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  auth::SigV4Options s3;
  s3.normalize_path = s3.double_encode = false;
  std::string authz = auth::authorization_header(r.view(), a, secret);
  r.headers.emplace_back("Authorization", authz);
  int64_t now = *timeutil::parse_amz_date("20150830T123600Z");
  auto parsed = auth::parse_sigv4(r.view());
  ASSERT_TRUE(parsed.ok());
  EXPECT_TRUE(auth::verify_sigv4(r.view(), parsed.value(), secret, now, s3).ok());
  r.body = "other bytes";  // not signed
  EXPECT_TRUE(auth::verify_sigv4(r.view(), parsed.value(), secret, now, s3).ok());
  r.headers[0].second = "127.0.0.1:4567";  // signed
  EXPECT_FALSE(auth::verify_sigv4(r.view(), parsed.value(), secret, now, s3).ok());
}
