// Listing objects: ListObjectsV2 and ListObjects, with Prefix, Delimiter (common prefixes),
// pagination (ContinuationToken / StartAfter, Marker) and EncodingType=url.
#include "base/crypto.h"
#include "base/uri.h"
#include "services/s3/s3_common.h"
#include "services/s3/s3_operations.h"

namespace citadel::services::s3 {

namespace {

constexpr int64_t kMaxKeys = 1000;
// Greater than every byte of a UTF-8 key: "prefix" + kAfterAll bounds the keys under prefix.
const std::string kAfterAll = "\xff";

struct Listing {
  json::array contents, common_prefixes;
  bool truncated = false;
  std::string last;  // the last key or common prefix returned: where the next page starts after
};

// Keys under `prefix` after `after`, grouped by `delimiter`, at most `max_keys` entries.
Result<Listing> list_keys(store::Tx& tx, const std::string& bucket, const std::string& prefix, const std::string& delimiter,
                          std::string after, int64_t max_keys, bool url, bool owner, const std::string& account) {
  Listing out;
  if (max_keys <= 0) return out;
  if (after < prefix) after = prefix;
  bool inclusive = after == prefix;  // the prefix itself may be a key
  std::string upper = prefix + kAfterAll;
  auto enc = [&](const std::string& s) { return url ? uri::encode(s, true) : s; };
  int64_t count = 0;
  while (true) {
    auto rows = tx.query(std::string("SELECT object_key, last_modified_ms, etag, size FROM s3_objects WHERE bucket = ? AND object_key ") +
                             (inclusive ? ">=" : ">") + " ? AND object_key < ? ORDER BY object_key LIMIT 1001",
                         {bucket, after, upper});
    if (!rows) return rows.error();
    if (rows->empty()) return out;
    bool skipped = false;  // a common prefix ended this batch: query again after it
    for (auto& r : *rows) {
      std::string key = r.str(0);
      if (!delimiter.empty()) {
        auto d = key.find(delimiter, prefix.size());
        if (d != std::string::npos) {
          std::string cp = key.substr(0, d + delimiter.size());
          if (count == max_keys) {
            out.truncated = true;
            return out;
          }
          out.common_prefixes.push_back(json::object{{"Prefix", enc(cp)}});
          out.last = cp;
          ++count;
          // Skip every other key under this common prefix.
          after = cp + kAfterAll;
          inclusive = false;
          skipped = true;
          break;
        }
      }
      if (count == max_keys) {
        out.truncated = true;
        return out;
      }
      {
        json::object c{{"Key", enc(key)}, {"LastModified", r.i64(1)}, {"ETag", "\"" + r.str(2) + "\""}, {"Size", r.i64(3)},
                       {"StorageClass", "STANDARD"}};
        if (owner) c["Owner"] = json::object{{"ID", canonical_user_id(account)}, {"DisplayName", account}};
        out.contents.push_back(std::move(c));
      }
      out.last = key;
      ++count;
      after = key;
      inclusive = false;
    }
    if (!skipped && rows->size() < 1001) return out;
  }
}

int64_t max_keys_of(const Call& call) {
  const auto* m = call.input.if_contains("MaxKeys");
  return m && m->is_int64() ? std::min(m->as_int64(), kMaxKeys) : kMaxKeys;
}

Result<json::value> list_objects_v2(Call& call) {
  auto b = load_bucket(call.tx, call.str("Bucket"));
  if (!b) return b.error();
  std::string prefix = call.str("Prefix"), delimiter = call.str("Delimiter"), after = call.str("StartAfter");
  if (call.has("ContinuationToken")) {
    auto t = crypto::base64_decode(call.str("ContinuationToken"));
    if (!t || t->rfind("v2:", 0) != 0)
      return AwsError::sender("InvalidArgument", "The continuation token provided is incorrect", 400).with("ArgumentName", "continuation-token");
    after = t->substr(3);
  }
  bool url = call.str("EncodingType") == "url";
  bool fetch_owner = call.has("FetchOwner") && call.input.at("FetchOwner").is_bool() && call.input.at("FetchOwner").as_bool();
  int64_t max_keys = max_keys_of(call);
  auto l = list_keys(call.tx, b->name, prefix, delimiter, after, max_keys, url, fetch_owner, b->account_id);
  if (!l) return l.error();
  auto enc = [&](const std::string& s) { return url ? uri::encode(s, true) : s; };
  json::object out{{"Name", b->name},
                   {"Prefix", enc(prefix)},
                   {"MaxKeys", max_keys},
                   {"KeyCount", static_cast<int64_t>(l->contents.size() + l->common_prefixes.size())},
                   {"IsTruncated", l->truncated}};
  if (!delimiter.empty()) out["Delimiter"] = enc(delimiter);
  if (url) out["EncodingType"] = "url";
  if (!l->contents.empty()) out["Contents"] = std::move(l->contents);
  if (!l->common_prefixes.empty()) out["CommonPrefixes"] = std::move(l->common_prefixes);
  if (call.has("ContinuationToken")) out["ContinuationToken"] = call.str("ContinuationToken");
  if (call.has("StartAfter")) out["StartAfter"] = enc(call.str("StartAfter"));
  if (l->truncated) out["NextContinuationToken"] = crypto::base64_encode("v2:" + l->last);
  return out;
}

Result<json::value> list_objects(Call& call) {
  auto b = load_bucket(call.tx, call.str("Bucket"));
  if (!b) return b.error();
  std::string prefix = call.str("Prefix"), delimiter = call.str("Delimiter"), marker = call.str("Marker");
  bool url = call.str("EncodingType") == "url";
  int64_t max_keys = max_keys_of(call);
  auto l = list_keys(call.tx, b->name, prefix, delimiter, marker, max_keys, url, true, b->account_id);
  if (!l) return l.error();
  auto enc = [&](const std::string& s) { return url ? uri::encode(s, true) : s; };
  json::object out{{"Name", b->name}, {"Prefix", enc(prefix)}, {"Marker", enc(marker)}, {"MaxKeys", max_keys}, {"IsTruncated", l->truncated}};
  if (!delimiter.empty()) out["Delimiter"] = enc(delimiter);
  if (url) out["EncodingType"] = "url";
  if (!l->contents.empty()) out["Contents"] = std::move(l->contents);
  if (!l->common_prefixes.empty()) out["CommonPrefixes"] = std::move(l->common_prefixes);
  // S3 gives NextMarker only with a delimiter; without one, clients continue after the last key.
  if (l->truncated && !delimiter.empty()) out["NextMarker"] = enc(l->last);
  return out;
}

}  // namespace

AuthzRequest listing_authz(std::string action, const RequestContext& c, const json::object& in, store::Tx& tx) {
  auto a = bucket_authz(std::move(action), c, in, tx);
  a.condition_keys["s3:prefix"] = input_str(in, "Prefix");
  if (in.contains("Delimiter")) a.condition_keys["s3:delimiter"] = input_str(in, "Delimiter");
  if (const auto* m = in.if_contains("MaxKeys"); m && m->is_int64()) a.condition_keys["s3:max-keys"] = std::to_string(m->as_int64());
  return a;
}

void add_listing_operations(std::vector<OperationDef>& ops) {
  auto list_authz = [](const RequestContext& c, const json::object& in, store::Tx& tx) {
    return listing_authz("s3:ListBucket", c, in, tx);
  };
  ops.push_back(OperationDef{"ListObjectsV2", true, false, list_authz, list_objects_v2});
  ops.push_back(OperationDef{"ListObjects", true, false, list_authz, list_objects});
}

}  // namespace citadel::services::s3
