// Key policies and grants as the KMS service hands them to the policy engine: the default policy
// is AWS's text, the lockout check follows the caller, and grant constraints match encryption
// contexts as AWS's Subset and Equals do.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "services/kms/grant_store.h"
#include "services/kms/key_policy.h"

using namespace citadel;
using namespace citadel::services::kms;
namespace json = boost::json;

namespace {

auth::Principal user(const std::string& name) {
  auth::Principal p;
  p.type = auth::PrincipalType::IAMUser;
  p.account_id = "111122223333";
  p.arn = "arn:aws:iam::111122223333:user/" + name;
  p.user_name = name;
  p.principal_id = "AIDAEXAMPLE";
  return p;
}

const std::string kKeyArn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

json::object ctx(const char* text) { return json::parse(text).as_object(); }

}  // namespace

TEST(KeyPolicy, TheDefaultIsAwsText) {
  auto doc = json::parse(default_key_policy("111122223333"));
  EXPECT_EQ(doc.at("Id"), "key-default-1");
  EXPECT_EQ(doc.at("Statement").at(0).at("Sid"), "Enable IAM User Permissions");
  EXPECT_EQ(doc.at("Statement").at(0).at("Principal").at("AWS"), "arn:aws:iam::111122223333:root");
  EXPECT_TRUE(check_key_policy(default_key_policy("111122223333")).ok());
  EXPECT_EQ(check_key_policy("{").error().code, "MalformedPolicyDocumentException");
  EXPECT_EQ(check_key_policy(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*"}]})").error().code,
            "MalformedPolicyDocumentException");  // no Principal
}

TEST(KeyPolicy, LockoutCheckFollowsTheCaller) {
  const std::string alice_only =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"kms:*","Resource":"*"}]})";
  EXPECT_TRUE(check_lockout(user("alice"), kKeyArn, alice_only).ok());
  EXPECT_EQ(check_lockout(user("bob"), kKeyArn, alice_only).error().message,
            "The new key policy will not allow you to update the key policy in the future.");
  // Naming the account delegates to IAM: not a lockout.
  EXPECT_TRUE(check_lockout(user("bob"), kKeyArn, default_key_policy("111122223333")).ok());
  const std::string deny_put =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"kms:*","Resource":"*"},)"
      R"({"Effect":"Deny","Principal":"*","Action":"kms:PutKeyPolicy","Resource":"*"}]})";
  EXPECT_FALSE(check_lockout(user("alice"), kKeyArn, deny_put).ok());
}

TEST(Grants, ConstraintsMatchLikeAws) {
  json::object none;
  auto subset = ctx(R"({"EncryptionContextSubset":{"tenant":"acme"}})");
  auto equals = ctx(R"({"EncryptionContextEquals":{"tenant":"acme"}})");
  auto exact = ctx(R"({"tenant":"acme"})"), more = ctx(R"({"tenant":"acme","job":"7"})"), other = ctx(R"({"tenant":"x"})");
  EXPECT_TRUE(constraints_allow(none, nullptr));
  EXPECT_TRUE(constraints_allow(none, &other));
  EXPECT_TRUE(constraints_allow(subset, &exact));
  EXPECT_TRUE(constraints_allow(subset, &more));
  EXPECT_FALSE(constraints_allow(subset, &other));
  EXPECT_FALSE(constraints_allow(subset, nullptr));
  EXPECT_TRUE(constraints_allow(equals, &exact));
  EXPECT_FALSE(constraints_allow(equals, &more));
  EXPECT_FALSE(constraints_allow(equals, nullptr));
}

TEST(Grants, TheCallerIsItsArnItsRoleAndItsAccount) {
  auth::Principal session;
  session.type = auth::PrincipalType::AssumedRole;
  session.account_id = "111122223333";
  session.arn = "arn:aws:sts::111122223333:assumed-role/app/s1";
  session.role_arn = "arn:aws:iam::111122223333:role/app";
  EXPECT_EQ(grant_principals(session), (std::vector<std::string>{"arn:aws:sts::111122223333:assumed-role/app/s1",
                                                                 "arn:aws:iam::111122223333:role/app",
                                                                 "arn:aws:iam::111122223333:root"}));
  EXPECT_EQ(grant_principals(user("alice")).size(), 2u);
}
