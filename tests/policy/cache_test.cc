// The compiled-policy cache: keyed by document hash and kind, thread-safe, bounded.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "policy/compiled.h"
#include "policy/evaluate.h"

namespace {

const char* kDoc = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]})";

TEST(PolicyCache, SameDocumentSameObject) {
  policy::PolicyCache cache(8);
  auto a = cache.get(kDoc, policy::PolicyKind::Identity);
  auto b = cache.get(kDoc, policy::PolicyKind::Identity);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a.value().get(), b.value().get());
  EXPECT_EQ(cache.hits(), 1u);
  EXPECT_EQ(cache.misses(), 1u);
}

TEST(PolicyCache, KindIsPartOfTheKey) {
  policy::PolicyCache cache(8);
  auto a = cache.get(kDoc, policy::PolicyKind::Identity);
  auto b = cache.get(kDoc, policy::PolicyKind::PermissionsBoundary);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a.value().get(), b.value().get());
  EXPECT_EQ(b.value()->kind(), policy::PolicyKind::PermissionsBoundary);
  EXPECT_NE(policy::document_hash(kDoc, policy::PolicyKind::Identity),
            policy::document_hash(kDoc, policy::PolicyKind::SCP));
}

TEST(PolicyCache, ErrorsAreReturnedNotCached) {
  policy::PolicyCache cache(8);
  auto r = cache.get("{", policy::PolicyKind::Identity);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "MalformedPolicyDocument");
  EXPECT_EQ(cache.size(), 0u);
}

TEST(PolicyCache, EvictsLeastRecentlyUsed) {
  policy::PolicyCache cache(2);
  auto doc = [](int i) {
    return std::string(R"({"Version":"2012-10-17","Statement":[{"Sid":"S)") + std::to_string(i) +
           R"(","Effect":"Allow","Action":"s3:*","Resource":"*"}]})";
  };
  cache.get(doc(1), policy::PolicyKind::Identity);
  cache.get(doc(2), policy::PolicyKind::Identity);
  cache.get(doc(1), policy::PolicyKind::Identity);  // 1 is now most recent
  cache.get(doc(3), policy::PolicyKind::Identity);  // evicts 2
  EXPECT_EQ(cache.size(), 2u);
  const auto hits = cache.hits();
  cache.get(doc(1), policy::PolicyKind::Identity);
  EXPECT_EQ(cache.hits(), hits + 1);
  cache.get(doc(2), policy::PolicyKind::Identity);
  EXPECT_EQ(cache.hits(), hits + 1);
}

TEST(PolicyCache, ConcurrentUse) {
  policy::PolicyCache cache(64);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        auto r = cache.get(kDoc, policy::PolicyKind::Identity);
        ASSERT_TRUE(r.ok());
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(cache.size(), 1u);
}

// Compiled policies are immutable: many threads evaluate against the same set at once.
TEST(PolicyCache, ConcurrentEvaluationOfSharedPolicies) {
  policy::PolicyCache cache(8);
  auto p = cache.get(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::home/${aws:username}/*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]})",
                     policy::PolicyKind::Identity);
  ASSERT_TRUE(p.ok());
  policy::PolicyRef ids[] = {{p.value().get(), "p"}};
  policy::PolicySet set;
  set.identity = ids;
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      std::string_view ip[] = {t % 2 ? "10.1.1.1" : "192.0.2.1"};
      policy::ContextEntry ctx[] = {{"aws:SourceIp", ip}};
      policy::Request req;
      req.principal = policy::principal_from_arn("arn:aws:iam::111122223333:user/alice");
      req.action = "s3:GetObject";
      req.resource = "arn:aws:s3:::home/alice/x";
      req.context = ctx;
      const auto want = t % 2 ? policy::DecisionType::Allowed : policy::DecisionType::ImplicitlyDenied;
      for (int i = 0; i < 20000; ++i)
        if (policy::evaluate(req, set).type != want) ++wrong;
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
