#include "services/sns/signing_key.h"

#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>

#include "base/crypto.h"

namespace citadel::services::sns {

namespace {

constexpr const char* kSealingContext = "sns-signing-key:current";
constexpr const char* kCommonName = "sns.citadel.local";
constexpr int kValidDays = 3650;

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using Bio = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;

Pkey load_private(std::string_view der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  PKCS8_PRIV_KEY_INFO* info = d2i_PKCS8_PRIV_KEY_INFO(nullptr, &p, static_cast<long>(der.size()));
  if (!info) return nullptr;
  Pkey key(EVP_PKCS82PKEY(info));
  PKCS8_PRIV_KEY_INFO_free(info);
  return key;
}

Result<SigningKey> read_key(store::Tx& tx, const store::SecretBox& secrets) {
  auto rows = tx.query("SELECT private_sealed, certificate_pem FROM sns_signing_keys WHERE id = 'current'");
  if (!rows) return rows.error();
  if (rows->empty()) return AwsError::sender("NotFound", "no SNS signing key yet", 404);
  auto sealed = crypto::base64_decode(rows->front().str(0));
  auto opened = sealed ? secrets.open_sealed(*sealed, kSealingContext) : std::nullopt;
  if (!opened) return AwsError::internal("the SNS signing key does not open under the master key");
  return SigningKey{kms::Secret(std::move(*opened)), rows->front().str(1)};
}

}  // namespace

std::optional<std::string> self_signed_certificate(std::string_view private_pkcs8, std::string_view common_name,
                                                   int64_t now_ms, int valid_days) {
  Pkey key = load_private(private_pkcs8);
  X509Ptr cert(X509_new());
  if (!key || !cert) return std::nullopt;
  // A random 128-bit serial, positive (RFC 5280 allows up to 20 octets).
  std::string serial = crypto::random_bytes(16);
  serial[0] = static_cast<char>(serial[0] & 0x7f);
  BIGNUM* bn = BN_bin2bn(reinterpret_cast<const unsigned char*>(serial.data()), static_cast<int>(serial.size()), nullptr);
  bool ok = bn && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get())) != nullptr;
  BN_free(bn);
  ok = ok && X509_set_version(cert.get(), 2) == 1;
  time_t now = static_cast<time_t>(now_ms / 1000);
  ok = ok && X509_time_adj_ex(X509_getm_notBefore(cert.get()), 0, -3600, &now) &&  // an hour of clock skew
       X509_time_adj_ex(X509_getm_notAfter(cert.get()), valid_days, 0, &now);
  X509_NAME* name = X509_get_subject_name(cert.get());
  ok = ok && X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("Citadel"), -1, -1, 0) &&
       X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(std::string(common_name).c_str()),
                                  -1, -1, 0) &&
       X509_set_issuer_name(cert.get(), name) && X509_set_pubkey(cert.get(), key.get()) &&
       X509_sign(cert.get(), key.get(), EVP_sha256()) > 0;
  if (!ok) return std::nullopt;
  Bio bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert.get()) != 1) return std::nullopt;
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

Result<SigningKey> load_signing_key(store::Store& store, const store::SecretBox& secrets, int64_t now_ms) {
  std::optional<SigningKey> key;
  auto found = store.read([&](store::Tx& tx) -> Status {
    auto k = read_key(tx, secrets);
    if (k) key = std::move(*k);
    return k.ok() || k.error().code == "NotFound" ? Status(Ok{}) : Status(k.error());
  });
  if (!found) return found.error();
  if (key) return std::move(*key);
  auto made = store.write([&](store::Tx& tx) -> Status {
    // Another node may have made it since the read: keep the first.
    if (auto k = read_key(tx, secrets); k) {
      key = std::move(*k);
      return Ok{};
    }
    kms::Secret priv = kms::generate_material(*kms::key_spec_info("RSA_2048"));
    auto pem = self_signed_certificate(priv.view(), kCommonName, now_ms, kValidDays);
    if (!pem) return AwsError::internal("could not make the SNS signing certificate");
    auto w = tx.exec("INSERT INTO sns_signing_keys (id, private_sealed, certificate_pem, created_ms) VALUES ('current', ?, ?, ?) "
                     "ON CONFLICT (id) DO NOTHING",
                     {crypto::base64_encode(secrets.seal(priv.view(), kSealingContext)), *pem, now_ms});
    if (!w) return w.error();
    auto k = read_key(tx, secrets);  // ours, or the one a concurrent writer got in first with
    if (!k) return k.error();
    key = std::move(*k);
    return Ok{};
  });
  if (!made) return made.error();
  return std::move(*key);
}

Result<std::string> sign(const SigningKey& key, std::string_view signature_version, std::string_view text) {
  auto sig = kms::sign(key.private_pkcs8, signature_version == "2" ? "RSASSA_PKCS1_V1_5_SHA_256" : "RSASSA_PKCS1_V1_5_SHA_1",
                       text, false);
  if (!sig) return AwsError::internal("signing an SNS message failed");
  return crypto::base64_encode(*sig);
}

std::vector<store::Migration> signing_key_migrations() {
  return {{"sns/002_signing_key", R"sql(
CREATE TABLE sns_signing_keys (
  id              TEXT PRIMARY KEY,
  private_sealed  TEXT NOT NULL,
  certificate_pem TEXT NOT NULL,
  created_ms      INTEGER NOT NULL
);
)sql"}};
}

}  // namespace citadel::services::sns
