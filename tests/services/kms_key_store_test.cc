// The KMS key store: KeyIds in every form name the right key in the right account, a key whose
// deletion date has passed is gone and its material destroyed, and due automatic rotations add
// material versions.
#include <gtest/gtest.h>

#include <filesystem>

#include "services/kms/kms_service.h"
#include "services/kms/key_store.h"
#include "temp_store.h"

using namespace citadel;
using namespace citadel::services::kms;

namespace {

constexpr int64_t kNow = 1'800'000'000'000;
constexpr int64_t kDay = 86'400'000;
const std::string kAccount = "111122223333";
const std::string kRegion = "us-east-1";
const std::string kKey = "1234abcd-12ab-34cd-56ef-1234567890ab";

class KeyStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(store_.migrated());
    env_.store = store_.get();
    env_.secrets = &box_;
    write([&](store::Tx& tx) -> Status {
      auto ins = tx.exec("INSERT INTO kms_keys VALUES (?, ?, ?, '', 'ENCRYPT_DECRYPT', 'SYMMETRIC_DEFAULT', 'AWS_KMS', 'Enabled', "
                         "'{}', ?, 0, 0, 0, 0, 0, 1)",
                         {kKey, kAccount, kRegion, kNow});
      if (!ins) return ins.error();
      if (auto s = put_material(tx, env_, kKey, 1, generate_material(*key_spec_info("SYMMETRIC_DEFAULT")), "NEW", kNow); !s) return s;
      auto alias = tx.exec("INSERT INTO kms_aliases VALUES (?, ?, 'alias/app', ?, ?, ?)", {kAccount, kRegion, kKey, kNow, kNow});
      if (!alias) return alias.error();
      return Ok{};
    });
  }
  void write(const store::TxFn& fn) { ASSERT_TRUE(store_->write(fn).ok()); }
  int64_t count(const std::string& sql) {
    int64_t n = -1;
    store_->read([&](store::Tx& tx) -> Status {
      n = tx.query(sql)->front().i64(0);
      return Ok{};
    });
    return n;
  }
  Result<KeyRef> resolve(const std::string& id, const std::string& account = kAccount, bool cross = false, int64_t now = kNow) {
    Result<KeyRef> out = not_found("unset");
    store_->read([&](store::Tx& tx) -> Status {
      out = resolve_key(tx, account, kRegion, id, cross, now);
      return Ok{};
    });
    return out;
  }

  citadel::testing::TempStore store_{"kms", KmsService().migrations()};
  store::SecretBox box_{std::string(32, 'm')};
  services::Env env_;
};

}  // namespace

TEST_F(KeyStoreTest, EveryFormOfKeyIdNamesTheKey) {
  const std::string arn = "arn:aws:kms:us-east-1:" + kAccount + ":key/" + kKey;
  for (const std::string& id : {kKey, arn, std::string("alias/app"), "arn:aws:kms:us-east-1:" + kAccount + ":alias/app"}) {
    auto r = resolve(id);
    ASSERT_TRUE(r.ok()) << id << ": " << r.error().message;
    EXPECT_EQ(r->key.arn(), arn);
  }
  EXPECT_EQ(resolve("alias/app")->alias_name, "alias/app");
  EXPECT_EQ(resolve("alias/other").error().code, "NotFoundException");
  EXPECT_EQ(resolve("nonsense").error().message, "Invalid keyId 'nonsense'");
  // Another account reaches it only by ARN, and only where the operation allows it.
  EXPECT_FALSE(resolve(kKey, "444455556666").ok());
  EXPECT_FALSE(resolve(arn, "444455556666").ok());
  EXPECT_TRUE(resolve(arn, "444455556666", true).ok());
  EXPECT_FALSE(resolve("alias/app", "444455556666", true).ok());
}

TEST_F(KeyStoreTest, MaterialIsSealedUnderTheMasterKey) {
  store_->read([&](store::Tx& tx) -> Status {
    auto m = material(tx, env_, kKey, 1);
    EXPECT_TRUE(m.ok() && m->has_value());
    EXPECT_EQ((*m)->bytes().size(), 32u);
    auto sealed = tx.query("SELECT material_sealed FROM kms_key_material")->front().str(0);
    EXPECT_EQ(sealed.find((*m)->bytes()), std::string::npos);
    store::SecretBox other(std::string(32, 'o'));
    services::Env wrong = env_;
    wrong.secrets = &other;
    EXPECT_FALSE(material(tx, wrong, kKey, 1).ok());
    EXPECT_FALSE(material(tx, env_, kKey, 2)->has_value());
    return Ok{};
  });
}

TEST_F(KeyStoreTest, AKeyPastItsDeletionDateIsGoneWithItsMaterial) {
  write([&](store::Tx& tx) -> Status {
    tx.exec("UPDATE kms_keys SET key_state = 'PendingDeletion', deletion_ms = ?, pending_window_days = 7", {kNow + 7 * kDay});
    return maintain(tx, env_, kNow + kDay);
  });
  EXPECT_TRUE(resolve(kKey, kAccount, false, kNow + kDay).ok());
  EXPECT_EQ(count("SELECT COUNT(*) FROM kms_key_material"), 1);
  // Once the date passes the key no longer resolves, even before the next maintenance...
  EXPECT_EQ(resolve(kKey, kAccount, false, kNow + 7 * kDay).error().code, "NotFoundException");
  // ...which destroys its material and everything that named it.
  write([&](store::Tx& tx) -> Status { return maintain(tx, env_, kNow + 7 * kDay); });
  EXPECT_EQ(count("SELECT COUNT(*) FROM kms_keys"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM kms_key_material"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM kms_aliases"), 0);
}

TEST_F(KeyStoreTest, DueAutomaticRotationsAddMaterialVersions) {
  write([&](store::Tx& tx) -> Status {
    tx.exec("UPDATE kms_keys SET rotation_enabled = 1, rotation_period_days = 90, next_rotation_ms = ?", {kNow + 90 * kDay});
    return maintain(tx, env_, kNow + 89 * kDay);
  });
  EXPECT_EQ(count("SELECT current_version FROM kms_keys"), 1);
  write([&](store::Tx& tx) -> Status { return maintain(tx, env_, kNow + 91 * kDay); });
  EXPECT_EQ(count("SELECT current_version FROM kms_keys"), 2);
  EXPECT_EQ(count("SELECT COUNT(*) FROM kms_key_material WHERE rotation_type = 'AUTOMATIC'"), 1);
  EXPECT_EQ(count("SELECT next_rotation_ms FROM kms_keys"), kNow + 180 * kDay);
  // A key that missed several periods rotates once and is scheduled after now.
  write([&](store::Tx& tx) -> Status { return maintain(tx, env_, kNow + 400 * kDay); });
  EXPECT_EQ(count("SELECT current_version FROM kms_keys"), 3);
  EXPECT_EQ(count("SELECT next_rotation_ms FROM kms_keys"), kNow + 450 * kDay);
}
