// DESIGN.md principle 4: evaluate() does no heap allocation. Counts operator new calls around
// evaluate() on a realistic policy set (variables, conditions, IP ranges, SCPs, resource policy).
#include <gtest/gtest.h>

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"  // malloc/free pairing is deliberate
#endif

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#include "policy/compiled.h"
#include "policy/evaluate.h"

#if defined(__SANITIZE_ADDRESS__)
#define CITADEL_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CITADEL_SANITIZED 1
#endif
#endif

namespace {
std::atomic<bool> g_counting{false};
std::atomic<long> g_allocations{0};
}  // namespace

#ifndef CITADEL_SANITIZED  // the sanitizers own operator new
void* operator new(std::size_t n) {
  if (g_counting.load(std::memory_order_relaxed)) g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
// Replacing the global operator new requires the matching deletes; free() pairs with malloc().
void operator delete(void* p) noexcept { std::free(p); }  // NOLINT
void operator delete(void* p, std::size_t) noexcept { std::free(p); }  // NOLINT
#endif

namespace {

std::shared_ptr<const policy::CompiledPolicy> make(const char* json, policy::PolicyKind kind) {
  auto r = policy::parse(json, kind);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return policy::compile(r.value());
}

TEST(NoAllocation, EvaluateDoesNotAllocate) {
#ifdef CITADEL_SANITIZED
  GTEST_SKIP() << "operator new is replaced by the sanitizer runtime";
#endif
  auto id1 = make(R"({"Version":"2012-10-17","Statement":[
      {"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::home/${aws:username}/*",
       "Condition":{"IpAddress":{"aws:SourceIp":["10.0.0.0/8","2001:db8::/32"]},"StringLike":{"s3:prefix":"${aws:username}/*"}}},
      {"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"},
      {"Effect":"Allow","Action":"ec2:Describe*","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}}]})",
                  policy::PolicyKind::Identity);
  auto scp = make(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},
      {"Effect":"Deny","NotAction":["s3:*","ec2:*"],"Resource":"*","Condition":{"ForAnyValue:StringEquals":{"aws:TagKeys":["forbidden"]}}}]})",
                  policy::PolicyKind::SCP);
  auto res = make(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},
      "Action":"s3:*","Resource":"arn:aws:s3:::home/*","Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:user/*"}}}]})",
                  policy::PolicyKind::Resource);
  policy::PolicyRef ids[] = {{id1.get(), "p1"}};
  policy::PolicyRef scps[] = {{scp.get(), "scp"}};
  policy::PolicyLevel levels[] = {{scps}, {scps}, {scps}};
  policy::PolicySet set;
  set.identity = ids;
  set.scps = levels;
  set.resource = {res.get(), "bucket"};

  std::string_view ip[] = {"10.1.2.3"};
  std::string_view prefix[] = {"alice/docs"};
  std::string_view tags[] = {"a", "b"};
  std::string_view now[] = {"2026-01-01T00:00:00Z"};
  policy::ContextEntry ctx[] = {{"aws:SourceIp", ip}, {"s3:prefix", prefix}, {"aws:TagKeys", tags}, {"aws:CurrentTime", now}};
  policy::Request req;
  req.principal = policy::principal_from_arn("arn:aws:iam::111122223333:user/alice");
  req.action = "s3:GetObject";
  req.resource = "arn:aws:s3:::home/alice/docs/report.pdf";
  req.context = ctx;

  policy::Decision warm = policy::evaluate(req, set);
  ASSERT_EQ(warm.type, policy::DecisionType::Allowed) << warm.reason;

  g_allocations = 0;
  g_counting = true;
  policy::Decision d = policy::evaluate(req, set);
  req.action = "ec2:DescribeInstances";
  req.resource = "*";
  policy::Decision d2 = policy::evaluate(req, set);
  req.action = "s3:DeleteBucket";
  policy::Decision d3 = policy::evaluate(req, set);
  g_counting = false;
  EXPECT_EQ(g_allocations.load(), 0);
  EXPECT_EQ(d.type, policy::DecisionType::Allowed);
  EXPECT_EQ(d2.type, policy::DecisionType::Allowed);
  EXPECT_EQ(d3.type, policy::DecisionType::ExplicitlyDenied);
}

// Context keys past the hashed window are still found (by text).
TEST(LargeContext, KeysBeyondTheHashedWindowAreFound) {
  auto p = make(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*",
      "Condition":{"StringEquals":{"custom:Key59":"yes"}}}]})",
                policy::PolicyKind::Identity);
  std::vector<std::string> keys;
  for (int i = 0; i < 60; ++i) keys.push_back("custom:key" + std::to_string(i));
  std::string_view yes[] = {"yes"};
  std::vector<policy::ContextEntry> ctx;
  for (const auto& k : keys) ctx.push_back({k, yes});
  policy::PolicyRef ids[] = {{p.get(), "p"}};
  policy::PolicySet set;
  set.identity = ids;
  policy::Request req;
  req.principal = policy::principal_from_arn("arn:aws:iam::111122223333:user/alice");
  req.action = "s3:GetObject";
  req.resource = "*";
  req.context = ctx;
  EXPECT_EQ(policy::evaluate(req, set).type, policy::DecisionType::Allowed);
  ctx.pop_back();
  req.context = ctx;
  EXPECT_EQ(policy::evaluate(req, set).type, policy::DecisionType::ImplicitlyDenied);
}

// Deny by default: a policy without Principal elements in the resource slot grants nobody.
TEST(ResourceSlot, StatementsWithoutPrincipalApplyToNobody) {
  auto identity = make(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]})",
                       policy::PolicyKind::Identity);
  policy::PolicySet set;
  set.resource = {identity.get(), "misplaced"};
  policy::Request req;
  req.principal = policy::principal_from_arn("*");
  req.action = "s3:GetObject";
  req.resource = "arn:aws:s3:::b/k";
  EXPECT_EQ(policy::evaluate(req, set).type, policy::DecisionType::ImplicitlyDenied);
  req.principal = policy::principal_from_arn("arn:aws:iam::111122223333:user/a");
  EXPECT_EQ(policy::evaluate(req, set).type, policy::DecisionType::ImplicitlyDenied);
}

TEST(PrincipalFromArn, Types) {
  using policy::PrincipalType;
  EXPECT_EQ(policy::principal_from_arn("*").type, PrincipalType::Anonymous);
  EXPECT_EQ(policy::principal_from_arn("arn:aws:iam::111122223333:root").type, PrincipalType::Account);
  EXPECT_EQ(policy::principal_from_arn("arn:aws:iam::111122223333:user/a").type, PrincipalType::User);
  EXPECT_EQ(policy::principal_from_arn("arn:aws:sts::111122223333:assumed-role/r/s").type, PrincipalType::AssumedRole);
  auto role = policy::principal_from_arn("arn:aws:iam::111122223333:role/path/r");
  EXPECT_EQ(role.type, PrincipalType::AssumedRole);
  EXPECT_EQ(role.role_arn, "arn:aws:iam::111122223333:role/path/r");
  EXPECT_EQ(policy::principal_from_arn("arn:aws:sts::111122223333:federated-user/f").type, PrincipalType::FederatedUser);
  EXPECT_EQ(policy::principal_from_arn("s3.amazonaws.com").type, PrincipalType::Service);
  EXPECT_EQ(policy::principal_from_arn("111122223333").account, "111122223333");
  EXPECT_EQ(policy::principal_from_arn("arn:aws:iam::111122223333:user/a").account, "111122223333");
}

}  // namespace
