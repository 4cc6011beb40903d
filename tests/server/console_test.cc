// The console's parts that need no server: the sign-in throttle's window, the ConsoleLogin record's
// shape, the cookie settings, where a redirect may go, and sessions in a real store.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "auth/identity_schema.h"
#include "server/console/login_event.h"
#include "server/console/sessions.h"
#include "server/console/signin_throttle.h"
#include "server/console/web.h"
#include "temp_store.h"

using namespace citadel;
using namespace citadel::server::console;
namespace json = boost::json;

TEST(SignInThrottle, RefusesAfterTheLimitUntilTheOldestFailureLeavesTheWindow) {
  SignInThrottle t({3, 100, 60000});
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(t.retry_after_ms("iam:1/alice", "10.0.0.1", 1000 + i), 0);
    t.failed("iam:1/alice", "10.0.0.1", 1000 + i);
  }
  EXPECT_EQ(t.retry_after_ms("iam:1/alice", "10.0.0.1", 2000), 59000);
  EXPECT_EQ(t.retry_after_ms("iam:1/bob", "10.0.0.1", 2000), 0) << "another name is not held up";
  EXPECT_EQ(t.retry_after_ms("iam:1/alice", "10.0.0.1", 61000), 0) << "the first failure has left the window";
  t.succeeded("iam:1/alice");
  EXPECT_EQ(t.retry_after_ms("iam:1/alice", "10.0.0.1", 2000), 0);
}

TEST(SignInThrottle, OneAddressGuessingManyNamesIsHeldUp) {
  SignInThrottle t({100, 4, 60000});
  for (int i = 0; i < 4; ++i) t.failed("iam:1/user" + std::to_string(i), "10.0.0.9", 1000);
  EXPECT_GT(t.retry_after_ms("iam:1/someone-else", "10.0.0.9", 1000), 0);
  EXPECT_EQ(t.retry_after_ms("iam:1/someone-else", "10.0.0.10", 1000), 0);
}

TEST(ConsoleLoginEvent, SuccessAndFailureAsAwsDocumentsThem) {
  LoginAttempt a;
  a.principal.type = auth::PrincipalType::IAMUser;
  a.principal.account_id = "111122223333";
  a.principal.user_name = "JohnDoe";
  a.principal.principal_id = "AIDACKCEVSQ6C2EXAMPLE";
  a.principal.arn = "arn:aws:iam::111122223333:user/JohnDoe";
  a.success = true;
  a.source_ip = "192.0.2.110";
  a.user_agent = "Mozilla/5.0";
  a.login_to = "https://console.example/_citadel/dashboards";
  a.now_ms = 1'700'000'000'000;
  auto ev = console_login_event(a);
  auto v = json::parse(ev.event_json).as_object();
  EXPECT_EQ(v["eventName"], "ConsoleLogin");
  EXPECT_EQ(v["eventSource"], "signin.amazonaws.com");
  EXPECT_EQ(v["eventType"], "AwsConsoleSignIn");
  EXPECT_EQ(v["responseElements"], (json::object{{"ConsoleLogin", "Success"}}));
  EXPECT_EQ(v["additionalEventData"], (json::object{{"LoginTo", a.login_to}, {"MobileVersion", "No"}, {"MFAUsed", "No"}}));
  EXPECT_EQ(v["userIdentity"].as_object()["arn"], "arn:aws:iam::111122223333:user/JohnDoe");
  EXPECT_EQ(v["userIdentity"].as_object()["accessKeyId"], "");
  EXPECT_FALSE(v.contains("errorMessage"));
  EXPECT_EQ(ev.username, "JohnDoe");
  EXPECT_EQ(ev.account_id, "111122223333");

  a.success = false;
  a.mfa_used = true;
  auto failed = json::parse(console_login_event(a).event_json).as_object();
  EXPECT_EQ(failed["errorMessage"], "Failed authentication");
  EXPECT_EQ(failed["responseElements"], (json::object{{"ConsoleLogin", "Failure"}}));
  EXPECT_EQ(failed["additionalEventData"].as_object()["MFAUsed"], "Yes");
  EXPECT_FALSE(failed["userIdentity"].as_object().contains("arn")) << "a failed sign-in does not name the ARN";

  a.known = false;
  a.principal.user_name = "typed-a-password-here";
  auto hidden = console_login_event(a);
  EXPECT_EQ(hidden.username, kHiddenUserName);
  EXPECT_EQ(hidden.event_json.find("typed-a-password-here"), std::string::npos);
}

TEST(ConsoleWeb, CookiesAreHttpOnlyStrictAndSecureOverTls) {
  EXPECT_EQ(cookie("s", "v", "/_citadel/", 60, false), "s=v; Path=/_citadel/; Max-Age=60; HttpOnly; SameSite=Strict");
  EXPECT_EQ(cookie("s", "", "/_citadel/", 0, true), "s=; Path=/_citadel/; Max-Age=0; HttpOnly; SameSite=Strict; Secure");
}

TEST(ConsoleWeb, RedirectsStayInTheConsole) {
  EXPECT_EQ(safe_redirect("/_citadel/dashboards/x?y=1", "/f"), "/_citadel/dashboards/x?y=1");
  for (const char* bad : {"https://evil.example/", "//evil.example/", "/_citadel//evil.example", "/_citadel/\\evil",
                          "/_citadel/../metrics", "/other", "", "/_citadel/x\r\nSet-Cookie: a=b"})
    EXPECT_EQ(safe_redirect(bad, "/f"), "/f") << bad;
}

TEST(ConsoleWeb, HtmlEscaping) { EXPECT_EQ(html_escape("<a href=\"x\">'&'</a>"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"); }

TEST(ConsoleSessions, OnlyTheHashIsStoredAndSignOutEndsTheSession) {
  auto migrations = auth::identity_migrations();
  for (auto& m : session_migrations()) migrations.push_back(m);
  citadel::testing::TempStore store("console", migrations);
  ASSERT_TRUE(store.migrated());
  auth::Principal root;
  root.type = auth::PrincipalType::Root;
  root.account_id = "111122223333";
  root.arn = "arn:aws:iam::111122223333:root";
  root.principal_id = "111122223333";
  ConsoleSession made;
  std::string id;
  ASSERT_TRUE(store->write([&](store::Tx& tx) -> Status {
    auto r = create_session(tx, root, true, 1000, made);
    if (!r) return r.error();
    id = *r;
    return Ok{};
  }));
  EXPECT_GE(id.size(), 43u) << "256 random bits";
  EXPECT_TRUE(made.principal.temporary);
  EXPECT_TRUE(made.principal.mfa_authenticated);
  EXPECT_EQ(made.principal.access_key_id.substr(0, 4), "ASIA");
  int64_t stored = 0;
  ASSERT_TRUE(store->read([&](store::Tx& tx) -> Status {
    stored = tx.query("SELECT COUNT(*) FROM console_sessions WHERE id_hash = ?", {id})->front().i64(0);
    return Ok{};
  }));
  EXPECT_EQ(stored, 0) << "the id itself is not in the store";
  auto found = find_session(*store, id, 2000);
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->principal.arn, root.arn);
  EXPECT_EQ((*found)->csrf_token, made.csrf_token);
  EXPECT_FALSE(find_session(*store, id + "x", 2000)->has_value());
  EXPECT_FALSE(find_session(*store, id, 1000 + kSessionLifetimeMs)->has_value()) << "expired";
  ASSERT_TRUE(end_session(*store, id));
  EXPECT_FALSE(find_session(*store, id, 2000)->has_value());
}
