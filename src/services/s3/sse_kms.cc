#include "services/s3/sse_kms.h"

#include "base/crypto.h"
#include "services/kms/envelope.h"
#include "services/kms/kms_operations.h"
#include "services/s3/s3_common.h"
#include "services/s3/s3_operations.h"

namespace citadel::services::s3 {

namespace {

constexpr const char* kDataKeyHeader = "CitadelSseKmsDataKey";  // never shown: is_private_header
constexpr const char* kContextHeader = "CitadelSseKmsContext";  // encryption context beyond aws:s3:arn
constexpr const char* kKeyIdHeader = "SSEKMSKeyId";
constexpr const char* kAlgorithmHeader = "ServerSideEncryption";

// The object's encryption context: its ARN, and what the stored headers add.
json::object encryption_context(const std::string& bucket, const std::string& key, const json::object& headers = {}) {
  json::object context{{"aws:s3:arn", object_arn(bucket, key)}};
  if (const auto* extra = headers.if_contains(kContextHeader); extra && extra->is_object())
    for (const auto& [k, v] : extra->as_object()) context[k] = v;
  return context;
}

AuthzRequest kms_authz(const char* action, const char* grant_operation, const RequestContext& ctx, const std::string& key_id,
                       const json::object& context, store::Tx& tx) {
  kms::KeyArg arg{"KeyId", true, grant_operation, nullptr, "EncryptionContext"};
  // What a KMS decision is asked about, as KMS's own operations would be.
  json::object input{{"KeyId", key_id}, {"EncryptionContext", context}};
  auto a = kms::key_authz(ctx, input, tx, action, arg);
  a.condition_keys["kms:ViaService"] = "s3." + ctx.region + ".amazonaws.com";
  return a;
}

// KMS's refusal as S3 passes it on: "KMS." before the code.
AwsError as_s3(const AwsError& e) {
  if (e.code.rfind("KMS.", 0) == 0 || e.http_status >= 500) return e;
  return AwsError::sender("KMS." + e.code, e.message, 400);
}

}  // namespace

Result<std::string> requested_kms_key(store::Tx& tx, const json::object& input, const std::string& bucket) {
  std::string sse = input_str(input, "ServerSideEncryption");
  std::string key = input_str(input, "SSEKMSKeyId");
  if (sse == kSseKms) {
    if (!key.empty()) return key;
  } else if (!sse.empty()) {
    return std::string();  // SSE-S3 asked for: the bucket default does not apply
  } else if (!key.empty()) {
    return AwsError::sender("InvalidArgument",
                            "Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms",
                            400);
  }
  auto rows = tx.query("SELECT COALESCE(default_kms_key, '') FROM s3_buckets WHERE name = ?", {bucket});
  if (!rows) return rows.error();
  std::string fallback = rows->empty() ? std::string() : rows->front().str(0);
  if (sse == kSseKms && fallback.empty())
    return AwsError::not_implemented("s3: SSE-KMS with the AWS managed key aws/s3 (name a key with SSEKMSKeyId)");
  return fallback;
}

void add_kms_write_authz(AuthzRequest& a, const RequestContext& ctx, const json::object& in, store::Tx& tx,
                         const std::string& bucket, const std::string& key) {
  auto kms_key = requested_kms_key(tx, in, bucket);
  if (!kms_key || kms_key->empty()) return;
  a.also.push_back(kms_authz("kms:GenerateDataKey", "GenerateDataKey", ctx, *kms_key, encryption_context(bucket, key), tx));
}

void add_kms_decrypt_authz(AuthzRequest& a, const RequestContext& ctx, store::Tx& tx, const json::object& headers,
                           const std::string& bucket, const std::string& key) {
  const auto* kms_key = headers.if_contains(kKeyIdHeader);
  if (!kms_key || !kms_key->is_string()) return;
  a.also.push_back(
      kms_authz("kms:Decrypt", "Decrypt", ctx, std::string(kms_key->as_string()), encryption_context(bucket, key, headers), tx));
}

void add_kms_read_authz(AuthzRequest& a, const RequestContext& ctx, store::Tx& tx, const std::string& bucket,
                        const std::string& key, const std::string& version_id) {
  auto o = version_id.empty() ? find_object(tx, bucket, key) : find_version(tx, bucket, key, version_id);
  if (o && o->has_value()) add_kms_decrypt_authz(a, ctx, tx, (*o)->headers, bucket, key);
}

Result<NewDataKey> new_data_key(Call& call, const std::string& account, const std::string& kms_key, const std::string& bucket,
                                const std::string& key, const json::object& extra_context) {
  auto ref = kms::resolve_key(call.tx, account, call.ctx.region, kms_key, true, call.ctx.now_ms);
  if (!ref) return as_s3(ref.error());
  if (auto s = kms::require_encryption_key(ref->key, "SYMMETRIC_DEFAULT", "GenerateDataKey"); !s) return as_s3(s.error());
  NewDataKey out;
  out.plaintext = crypto::random_bytes(32);
  if (!extra_context.empty()) out.headers[kContextHeader] = extra_context;
  auto context = encryption_context(bucket, key, out.headers);
  auto blob = kms::encrypt_under(call, ref->key, "SYMMETRIC_DEFAULT", out.plaintext, &context);
  if (!blob) return as_s3(blob.error());
  out.headers[kAlgorithmHeader] = kSseKms;
  out.headers[kKeyIdHeader] = ref->key.arn();
  out.headers[kDataKeyHeader] = crypto::base64_encode(*blob);
  return out;
}

Result<BlobStore> object_blob_store(Call& call, const json::object& headers, const std::string& bucket, const std::string& key) {
  const auto* blob = headers.if_contains(kDataKeyHeader);
  if (!blob || !blob->is_string()) return blob_store(call);
  auto raw = crypto::base64_decode(blob->as_string());
  if (!raw) return AwsError::internal("s3: an object's data key is damaged");
  auto context = encryption_context(bucket, key, headers);
  auto opened = kms::decrypt_input(call, *raw, nullptr, "SYMMETRIC_DEFAULT", &context);
  if (!opened) return as_s3(opened.error());
  return blob_store_with_key(call, opened->plaintext.bytes());
}

BlobStore blob_store_with_key(const Call& call, const std::string& data_key) {
  BlobStore store = blob_store(call);
  store.data_key = data_key;
  return store;
}

bool is_private_header(std::string_view name) { return name == kDataKeyHeader || name == kContextHeader; }

json::object without_encryption(const json::object& headers) {
  json::object out = headers;
  out.erase(kDataKeyHeader);
  out.erase(kContextHeader);
  out.erase(kKeyIdHeader);
  out.erase(kAlgorithmHeader);
  return out;
}

}  // namespace citadel::services::s3
