// The messages SNS POSTs to HTTP/S endpoints: the string SignatureVersion 1 signs (AWS's order,
// Subject only when there is one), the JSON bodies of notifications and confirmations, their
// headers; signatures that verify with the served certificate; endpoint URLs.
#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "base/crypto.h"
#include "services/kms/key_crypto.h"
#include "services/outbound/endpoint_url.h"
#include "services/sns/signing_key.h"
#include "services/sns/sns_message.h"

using namespace citadel;
using namespace citadel::services::sns;
namespace outbound = citadel::services::outbound;
namespace json = boost::json;

namespace {

constexpr int64_t kTime = 1'700'000'000'123;  // 2023-11-14T22:13:20.123Z
const Links kLinks{"http://127.0.0.1:4566"};

Message notification(std::string subject) {
  Message m;
  m.type = "Notification";
  m.message_id = "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324";
  m.topic_arn = "arn:aws:sns:us-west-2:123456789012:MyTopic";
  m.subscription_arn = m.topic_arn + ":c9135db0-26c4-47ec-8998-413945fb5a96";
  m.subject = std::move(subject);
  m.message = "Hello world!";
  m.timestamp_ms = kTime;
  return m;
}

Message confirmation() {
  Message m = notification("");
  m.type = "SubscriptionConfirmation";
  m.token = "2336412f37";
  m.message = confirmation_text(m.topic_arn);
  return m;
}

// Verifies a base64 RSASSA-PKCS1-v1_5 signature with the public key of a PEM certificate.
bool verifies(const std::string& pem, const char* digest, const std::string& text, const std::string& signature_b64) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (!cert) return false;
  EVP_PKEY* key = X509_get_pubkey(cert);
  auto sig = crypto::base64_decode(signature_b64);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = key && sig && EVP_DigestVerifyInit(ctx, nullptr, EVP_get_digestbyname(digest), nullptr, key) == 1 &&
            EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(sig->data()), sig->size(),
                             reinterpret_cast<const unsigned char*>(text.data()), text.size()) == 1;
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  X509_free(cert);
  return ok;
}

}  // namespace

TEST(SnsMessage, NotificationStringToSignInAwsOrder) {
  EXPECT_EQ(string_to_sign(notification("My First Message"), kLinks),
            "Message\nHello world!\nMessageId\n22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324\nSubject\nMy First Message\n"
            "Timestamp\n2023-11-14T22:13:20.123Z\nTopicArn\narn:aws:sns:us-west-2:123456789012:MyTopic\nType\nNotification\n");
  // Without a subject, Subject is neither signed nor sent.
  EXPECT_EQ(string_to_sign(notification(""), kLinks).find("Subject"), std::string::npos);
}

TEST(SnsMessage, ConfirmationStringToSignHasSubscribeUrlAndToken) {
  std::string url = "http://127.0.0.1:4566/?Action=ConfirmSubscription&TopicArn=arn%3Aaws%3Asns%3Aus-west-2%3A123456789012%3AMyTopic&Token=2336412f37";
  EXPECT_EQ(kLinks.subscribe_url(confirmation().topic_arn, "2336412f37"), url);
  EXPECT_EQ(string_to_sign(confirmation(), kLinks),
            "Message\nYou have chosen to subscribe to the topic arn:aws:sns:us-west-2:123456789012:MyTopic.\n"
            "To confirm the subscription, visit the SubscribeURL included in this message.\n"
            "MessageId\n22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324\nSubscribeURL\n" + url +
                "\nTimestamp\n2023-11-14T22:13:20.123Z\nToken\n2336412f37\nTopicArn\narn:aws:sns:us-west-2:123456789012:MyTopic\n"
                "Type\nSubscriptionConfirmation\n");
}

TEST(SnsMessage, NotificationBodyHasAwsMembers) {
  Message m = notification("Hi");
  m.attributes = json::object{{"color", json::object{{"DataType", "String"}, {"StringValue", "blue"}}},
                              {"blob", json::object{{"DataType", "Binary"}, {"BinaryValue", "AAEC"}}}};
  json::value body = json::parse(message_body(m, kLinks, "1", "c2ln"));
  const auto& o = body.as_object();
  std::vector<std::string> keys;
  for (const auto& [k, v] : o) keys.emplace_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"Type", "MessageId", "TopicArn", "Subject", "Message", "Timestamp", "SignatureVersion",
                                            "Signature", "SigningCertURL", "UnsubscribeURL", "MessageAttributes"}));
  EXPECT_EQ(o.at("Timestamp"), "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(o.at("SigningCertURL"), "http://127.0.0.1:4566/_citadel/sns/cert.pem");
  EXPECT_EQ(o.at("UnsubscribeURL"),
            "http://127.0.0.1:4566/?Action=Unsubscribe&SubscriptionArn=arn%3Aaws%3Asns%3Aus-west-2%3A123456789012%3AMyTopic%3Ac9135db0-26c4-47ec-8998-413945fb5a96");
  EXPECT_EQ(o.at("MessageAttributes").at("color"), (json::object{{"Type", "String"}, {"Value", "blue"}}));
  EXPECT_EQ(o.at("MessageAttributes").at("blob"), (json::object{{"Type", "Binary"}, {"Value", "AAEC"}}));
}

TEST(SnsMessage, ConfirmationBodyAndHeaders) {
  json::value body = json::parse(message_body(confirmation(), kLinks, "1", "c2ln"));
  const auto& o = body.as_object();
  EXPECT_EQ(o.at("Type"), "SubscriptionConfirmation");
  EXPECT_EQ(o.at("Token"), "2336412f37");
  EXPECT_TRUE(o.contains("SubscribeURL"));
  EXPECT_FALSE(o.contains("UnsubscribeURL"));
  EXPECT_FALSE(o.contains("Subject"));
  auto h = message_headers(confirmation(), false);
  EXPECT_EQ(h.front(), (std::pair<std::string, std::string>{"x-amz-sns-message-type", "SubscriptionConfirmation"}));
  for (const auto& [k, v] : h) EXPECT_NE(k, "x-amz-sns-subscription-arn");
  bool has_subscription = false;
  for (const auto& [k, v] : message_headers(notification(""), false)) has_subscription |= k == "x-amz-sns-subscription-arn";
  EXPECT_TRUE(has_subscription);
}

TEST(SnsMessage, SignaturesVerifyWithTheCertificate) {
  services::kms::Secret priv = services::kms::generate_material(*services::kms::key_spec_info("RSA_2048"));
  auto pem = self_signed_certificate(priv.view(), "sns.citadel.local", kTime, 30);
  ASSERT_TRUE(pem);
  EXPECT_EQ(pem->rfind("-----BEGIN CERTIFICATE-----", 0), 0u);
  SigningKey key{std::move(priv), *pem};
  std::string text = string_to_sign(notification("s"), kLinks);
  auto v1 = sign(key, "1", text), v2 = sign(key, "2", text);
  ASSERT_TRUE(v1.ok());
  ASSERT_TRUE(v2.ok());
  EXPECT_TRUE(verifies(*pem, "SHA1", text, *v1));
  EXPECT_TRUE(verifies(*pem, "SHA256", text, *v2));
  EXPECT_FALSE(verifies(*pem, "SHA1", text + "x", *v1));
}

TEST(EndpointUrl, ParsesWhatSubscribeAccepts) {
  auto u = outbound::parse_endpoint_url("https://user:p%40ss@example.com:8443/hook?x=1#frag");
  ASSERT_TRUE(u);
  EXPECT_TRUE(u->https);
  EXPECT_EQ(u->host, "example.com");
  EXPECT_EQ(u->port, 8443);
  EXPECT_EQ(u->target, "/hook?x=1");
  EXPECT_EQ(u->userinfo, "user:p%40ss");
  EXPECT_EQ(u->host_header(), "example.com:8443");
  auto plain = outbound::parse_endpoint_url("http://127.0.0.1");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->port, 80);
  EXPECT_EQ(plain->target, "/");
  EXPECT_EQ(plain->host_header(), "127.0.0.1");
  auto v6 = outbound::parse_endpoint_url("http://[::1]:9000/x");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->host_header(), "[::1]:9000");
  for (const char* bad : {"ftp://x", "http://", "http://:80/", "http://h:0/", "http://h:99999/", "http://h:8a/", "http://a b/", "mailto:x@y"})
    EXPECT_FALSE(outbound::parse_endpoint_url(bad)) << bad;
}
