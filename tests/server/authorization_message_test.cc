// Encoded authorization failure messages round-trip through sts:DecodeAuthorizationMessage, and a
// changed or foreign message is refused.
#include <gtest/gtest.h>

#include "auth/authorization_message.h"
#include "in_process_citadel.h"

using namespace citadel;
using namespace citadel::testing;

namespace {

protocol::HttpResponse decode(Fixture& f, const std::string& message) {
  return call(f, SignedRequest("sts", "Action=DecodeAuthorizationMessage&Version=2011-06-15&EncodedMessage=" + form_escape(message),
                               f.root.access_key_id, f.root.secret_access_key));
}

auth::Principal someone() {
  auth::Principal p;
  p.type = auth::PrincipalType::IAMUser;
  p.account_id = "123456789012";
  p.arn = "arn:aws:iam::123456789012:user/alice";
  p.principal_id = "AIDAEXAMPLEEXAMPLE01";
  p.user_name = "alice";
  return p;
}

TEST(AuthorizationMessage, DecodesToAwsDocument) {
  Fixture f;
  auth::DenialFacts facts{true, "ec2:RunInstances", "arn:aws:ec2:us-east-1:123456789012:instance/*", {{"ec2:Region", {"us-east-1"}}}};
  auto res = decode(f, auth::encode_authorization_message(*f.box, someone(), facts));
  ASSERT_EQ(res.status, 200) << res.body;
  std::string decoded = xml_field(res.body, "DecodedMessage");
  for (const char* part : {R"("allowed":false)", R"("explicitDeny":true)", R"("action":"ec2:RunInstances")",
                           "arn:aws:iam::123456789012:user/alice", R"("key":"ec2:Region")"})
    EXPECT_NE(decoded.find(part), std::string::npos) << part << " in " << decoded;
}

TEST(AuthorizationMessage, ChangedOrForeignMessagesAreRefused) {
  Fixture f;
  std::string message = auth::encode_authorization_message(*f.box, someone(), {false, "ec2:StopInstances", "*", {}});
  std::string changed = message;
  changed[changed.size() / 2] = changed[changed.size() / 2] == 'A' ? 'B' : 'A';
  store::SecretBox other(std::string(32, 'o'));
  for (const auto& bad : {changed, std::string("not-a-message"), auth::encode_authorization_message(other, someone(), {})}) {
    auto res = decode(f, bad);
    EXPECT_EQ(res.status, 400);
    EXPECT_NE(res.body.find("InvalidAuthorizationMessageException"), std::string::npos) << res.body;
  }
}

}  // namespace
