// Temporary credentials expire: the pipeline runs on an injected clock, so a session is seen just
// before and just after its expiry without waiting for it.
#include <gtest/gtest.h>

#include "in_process_citadel.h"

using namespace citadel;
using namespace citadel::testing;

namespace {

constexpr int64_t kStart = 1796000000000;  // 2026-12-01, a fixed instant for the whole test

struct Session {
  std::string key, secret, token;
};

Session get_session_token(Fixture& f, int duration_s) {
  auto res = call(f, SignedRequest("sts", "Action=GetSessionToken&Version=2011-06-15&DurationSeconds=" + std::to_string(duration_s),
                                   f.root.access_key_id, f.root.secret_access_key, "", "", kStart));
  EXPECT_EQ(res.status, 200) << res.body;
  return {xml_field(res.body, "AccessKeyId"), xml_field(res.body, "SecretAccessKey"), xml_field(res.body, "SessionToken")};
}

protocol::HttpResponse caller_identity_at(Fixture& f, const Session& s, int64_t now_ms) {
  f.pipeline->set_fixed_now_ms(now_ms);
  return call(f, SignedRequest("sts", "Action=GetCallerIdentity&Version=2011-06-15", s.key, s.secret, "", s.token, now_ms));
}

TEST(SessionExpiry, ASessionWorksUntilItsExpiryAndNotAfter) {
  Fixture f;
  f.pipeline->set_fixed_now_ms(kStart);
  Session s = get_session_token(f, 900);
  ASSERT_FALSE(s.token.empty());
  EXPECT_EQ(caller_identity_at(f, s, kStart + 899'000).status, 200);
  auto expired = caller_identity_at(f, s, kStart + 900'000);
  EXPECT_EQ(expired.status, 403);
  EXPECT_NE(expired.body.find("<Code>ExpiredToken</Code>"), std::string::npos) << expired.body;
  EXPECT_NE(expired.body.find("The security token included in the request is expired"), std::string::npos) << expired.body;
  // Long after, still expired (not some other error).
  EXPECT_NE(caller_identity_at(f, s, kStart + 86'400'000).body.find("ExpiredToken"), std::string::npos);
}

TEST(SessionExpiry, RootSessionsAreCappedAtOneHour) {
  Fixture f;
  f.pipeline->set_fixed_now_ms(kStart);
  Session s = get_session_token(f, 129600);  // asked for 36 hours
  EXPECT_EQ(caller_identity_at(f, s, kStart + 3'599'000).status, 200);
  EXPECT_EQ(caller_identity_at(f, s, kStart + 3'600'000).status, 403);
}

TEST(SessionExpiry, AnAlteredTokenIsRefusedBeforeItsTimeMatters) {
  Fixture f;
  f.pipeline->set_fixed_now_ms(kStart);
  Session s = get_session_token(f, 900);
  s.token[s.token.size() / 2] = s.token[s.token.size() / 2] == 'A' ? 'B' : 'A';
  auto res = caller_identity_at(f, s, kStart + 1000);
  EXPECT_EQ(res.status, 403);
  EXPECT_NE(res.body.find("InvalidClientTokenId"), std::string::npos) << res.body;
}

}  // namespace
