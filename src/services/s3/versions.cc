// Versioning: Put/GetBucketVersioning, ListObjectVersions, and the storage of versions that
// objects.cc and multipart.cc write through. s3_objects holds each key's current version;
// s3_object_versions holds noncurrent versions and delete markers, ordered by seq (a version gets
// its seq when it stops being current, so a greater seq is always a newer version).
#include <algorithm>

#include "base/crypto.h"
#include "base/uri.h"
#include "services/s3/object_files.h"
#include "services/s3/s3_common.h"
#include "services/s3/s3_operations.h"

namespace citadel::services::s3 {

namespace {

constexpr int64_t kMaxKeys = 1000;
constexpr size_t kVersionIdLength = 32;
const std::string kAfterAll = "\xff";

bool version_id_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

void remove_after_commit(Call& call, const std::string& blob) {
  if (!blob.empty()) call.after_commit.push_back([dir = blob_store(call), blob] { remove_blob(dir, blob); });
}

// When a key has no current row and its newest remaining version is an object, that version
// becomes current again (after its current version or a delete marker was deleted).
Status promote_newest(Call& call, const std::string& bucket, const std::string& key) {
  auto cur = call.tx.query("SELECT 1 FROM s3_objects WHERE bucket = ? AND object_key = ?", {bucket, key});
  if (!cur) return cur.error();
  if (!cur->empty()) return Ok{};
  auto newest = call.tx.query(
      "SELECT seq, is_delete_marker FROM s3_object_versions WHERE bucket = ? AND object_key = ? ORDER BY seq DESC LIMIT 1",
      {bucket, key});
  if (!newest) return newest.error();
  if (newest->empty() || newest->front().i64(1) != 0) return Ok{};
  int64_t seq = newest->front().i64(0);
  auto ins = call.tx.exec(
      "INSERT INTO s3_objects (bucket, object_key, blob, size, etag, content_type, metadata, headers, checksum_crc32, "
      "checksum_sha256, parts_count, last_modified_ms, version_id) SELECT bucket, object_key, blob, size, etag, content_type, "
      "metadata, headers, checksum_crc32, checksum_sha256, parts_count, last_modified_ms, version_id FROM s3_object_versions "
      "WHERE seq = ?",
      {seq});
  if (!ins) return ins.error();
  auto del = call.tx.exec("DELETE FROM s3_object_versions WHERE seq = ?", {seq});
  if (!del) return del.error();
  return Ok{};
}

}  // namespace

Result<std::string> bucket_versioning(store::Tx& tx, const std::string& bucket) {
  auto rows = tx.query("SELECT versioning FROM s3_buckets WHERE name = ?", {bucket});
  if (!rows) return rows.error();
  return rows->empty() ? std::string() : rows->front().str(0);
}

Status check_version_id(const std::string& version_id) {
  bool ok = version_id == "null" ||
            (version_id.size() == kVersionIdLength && std::all_of(version_id.begin(), version_id.end(), version_id_char));
  if (ok) return Ok{};
  return AwsError::sender("InvalidArgument", "Invalid version id specified", 400)
      .with("ArgumentName", "versionId")
      .with("ArgumentValue", version_id);
}

AwsError no_such_version(const std::string& key, const std::string& version_id) {
  return AwsError::sender("NoSuchVersion", "The specified version does not exist.", 404).with("Key", key).with("VersionId", version_id);
}

std::string new_version_id() {
  // 24 random bytes in URL-safe base64: 32 characters, as S3's version ids are.
  std::string id = crypto::base64_encode(crypto::random_bytes(24));
  for (auto& c : id) {
    if (c == '+') c = '.';
    else if (c == '/') c = '_';
  }
  return id;
}

Result<std::optional<ObjectRow>> find_version(store::Tx& tx, const std::string& bucket, const std::string& key,
                                              const std::string& version_id) {
  auto cur = find_object(tx, bucket, key);
  if (!cur) return cur.error();
  if (cur->has_value() && (*cur)->version_id == version_id) return cur;
  auto rows = tx.query(std::string("SELECT ") + kObjectColumns +
                           ", is_delete_marker FROM s3_object_versions WHERE bucket = ? AND object_key = ? AND version_id = ?",
                       {bucket, key, version_id});
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<ObjectRow>();
  ObjectRow o = object_from_row(key, rows->front());
  o.delete_marker = rows->front().i64(11) != 0;
  return std::optional<ObjectRow>(std::move(o));
}

Status retire_current(Call& call, const std::string& bucket, const std::string& key, const std::string& new_version_id) {
  auto cur = find_object(call.tx, bucket, key);
  if (!cur) return cur.error();
  if (cur->has_value()) {
    if ((*cur)->version_id == "null" && new_version_id == "null") {
      remove_after_commit(call, (*cur)->blob);
    } else {
      auto keep = call.tx.exec(
          "INSERT INTO s3_object_versions (bucket, object_key, version_id, is_delete_marker, blob, size, etag, content_type, "
          "metadata, headers, checksum_crc32, checksum_sha256, parts_count, last_modified_ms) SELECT bucket, object_key, "
          "version_id, 0, blob, size, etag, content_type, metadata, headers, checksum_crc32, checksum_sha256, parts_count, "
          "last_modified_ms FROM s3_objects WHERE bucket = ? AND object_key = ?",
          {bucket, key});
      if (!keep) return keep.error();
    }
  }
  if (new_version_id == "null") {
    // At most one "null" version per key: a new one replaces a noncurrent one.
    auto old = call.tx.query(
        "SELECT seq, COALESCE(blob, '') FROM s3_object_versions WHERE bucket = ? AND object_key = ? AND version_id = 'null'",
        {bucket, key});
    if (!old) return old.error();
    for (auto& r : *old) {
      auto d = call.tx.exec("DELETE FROM s3_object_versions WHERE seq = ?", {r.i64(0)});
      if (!d) return d.error();
      remove_after_commit(call, r.str(1));
    }
  }
  return Ok{};
}

Result<DeleteOutcome> delete_object_version(Call& call, const std::string& bucket, const std::string& key,
                                            const std::string* version_id) {
  DeleteOutcome out;
  if (version_id) {
    // Permanent deletion of one version (absent versions are no error, as in S3).
    if (auto s = check_version_id(*version_id); !s) return s.error();
    out.version_id = *version_id;
    auto cur = find_object(call.tx, bucket, key);
    if (!cur) return cur.error();
    if (cur->has_value() && (*cur)->version_id == *version_id) {
      auto d = call.tx.exec("DELETE FROM s3_objects WHERE bucket = ? AND object_key = ?", {bucket, key});
      if (!d) return d.error();
      remove_after_commit(call, (*cur)->blob);
      out.existed = true;
    } else {
      auto rows = call.tx.query(
          "SELECT seq, COALESCE(blob, ''), is_delete_marker FROM s3_object_versions WHERE bucket = ? AND object_key = ? AND "
          "version_id = ?",
          {bucket, key, *version_id});
      if (!rows) return rows.error();
      if (!rows->empty()) {
        auto d = call.tx.exec("DELETE FROM s3_object_versions WHERE seq = ?", {rows->front().i64(0)});
        if (!d) return d.error();
        remove_after_commit(call, rows->front().str(1));
        out.existed = true;
        out.delete_marker = rows->front().i64(2) != 0;
      }
    }
    if (auto s = promote_newest(call, bucket, key); !s) return s.error();
    return out;
  }
  auto versioning = bucket_versioning(call.tx, bucket);
  if (!versioning) return versioning.error();
  auto cur = call.tx.query("SELECT 1 FROM s3_objects WHERE bucket = ? AND object_key = ?", {bucket, key});
  if (!cur) return cur.error();
  if (versioning->empty() && cur->empty()) return out;
  std::string marker_id = *versioning == "Enabled" ? new_version_id() : "null";
  if (auto s = retire_current(call, bucket, key, marker_id); !s) return s.error();
  auto d = call.tx.exec("DELETE FROM s3_objects WHERE bucket = ? AND object_key = ?", {bucket, key});
  if (!d) return d.error();
  out.existed = true;
  if (versioning->empty()) return out;
  // A versioned bucket keeps the deleted version and records the deletion as a delete marker.
  auto m = call.tx.exec(
      "INSERT INTO s3_object_versions (bucket, object_key, version_id, is_delete_marker, blob, size, etag, content_type, "
      "metadata, headers, last_modified_ms) VALUES (?, ?, ?, 1, NULL, 0, '', '', '{}', '{}', ?)",
      {bucket, key, marker_id, call.ctx.now_ms});
  if (!m) return m.error();
  out.delete_marker = true;
  out.version_id = marker_id;
  return out;
}

namespace {

Result<json::value> put_bucket_versioning(Call& call) {
  auto b = load_bucket(call.tx, call.str("Bucket"));
  if (!b) return b.error();
  const auto* conf = call.input.if_contains("VersioningConfiguration");
  std::string status, mfa_delete;
  if (conf && conf->is_object()) {
    status = input_str(conf->as_object(), "Status");
    mfa_delete = input_str(conf->as_object(), "MFADelete");
  }
  if (mfa_delete == "Enabled") return AwsError::not_implemented("s3: MFA delete");
  if (status != "Enabled" && status != "Suspended")
    return AwsError::sender("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema", 400);
  auto u = call.tx.exec("UPDATE s3_buckets SET versioning = ? WHERE name = ?", {status, b->name});
  if (!u) return u.error();
  return json::object{};
}

Result<json::value> get_bucket_versioning(Call& call) {
  auto b = load_bucket(call.tx, call.str("Bucket"));
  if (!b) return b.error();
  auto v = bucket_versioning(call.tx, b->name);
  if (!v) return v.error();
  json::object out;
  if (!v->empty()) out["Status"] = *v;
  return out;
}

Result<json::value> list_object_versions(Call& call) {
  auto b = load_bucket(call.tx, call.str("Bucket"));
  if (!b) return b.error();
  std::string prefix = call.str("Prefix"), delimiter = call.str("Delimiter"), key_marker = call.str("KeyMarker"),
              version_marker = call.str("VersionIdMarker");
  bool url = call.str("EncodingType") == "url";
  auto enc = [&](const std::string& s) { return url ? uri::encode(s, true) : s; };
  const auto* m = call.input.if_contains("MaxKeys");
  int64_t max_keys = m && m->is_int64() ? std::min(m->as_int64(), kMaxKeys) : kMaxKeys;
  if (!version_marker.empty() && key_marker.empty())
    return AwsError::sender("InvalidArgument", "A version-id marker cannot be specified without a key marker.", 400)
        .with("ArgumentName", "version-id-marker")
        .with("ArgumentValue", version_marker);
  std::string from = std::max(prefix, key_marker);
  // Each key's versions, newest first: the current row, then the noncurrent ones by seq.
  auto rows = call.tx.query(
      "SELECT object_key, version_id, etag, size, last_modified_ms, 0 AS marker, 0 AS cur_rank, 0 AS seq FROM s3_objects "
      "WHERE bucket = ? AND object_key >= ? AND object_key < ? UNION ALL "
      "SELECT object_key, version_id, etag, size, last_modified_ms, is_delete_marker AS marker, 1 AS cur_rank, seq FROM "
      "s3_object_versions WHERE bucket = ? AND object_key >= ? AND object_key < ? ORDER BY object_key, cur_rank, seq DESC",
      {b->name, from, prefix + kAfterAll, b->name, from, prefix + kAfterAll});
  if (!rows) return rows.error();
  json::object owner{{"ID", canonical_user_id(b->account_id)}, {"DisplayName", b->account_id}};
  json::array versions, markers, prefixes;
  int64_t count = 0;
  bool truncated = false;
  std::string next_key, next_version, last_cp = delimiter.empty() ? "" : key_marker, previous_key;
  bool skipping_marker_key = !version_marker.empty();
  for (auto& r : *rows) {
    std::string key = r.str(0), version = r.str(1);
    bool latest = key != previous_key;
    previous_key = key;
    if (!key_marker.empty() && key <= key_marker) {
      if (key < key_marker || version_marker.empty()) continue;
      // On the marker's key: skip through the marker's version.
      if (skipping_marker_key) {
        if (version == version_marker) skipping_marker_key = false;
        continue;
      }
    }
    if (!delimiter.empty()) {
      if (auto d = key.find(delimiter, prefix.size()); d != std::string::npos) {
        std::string cp = key.substr(0, d + delimiter.size());
        if (cp == last_cp) continue;
        if (count == max_keys) {
          truncated = true;
          break;
        }
        prefixes.push_back(json::object{{"Prefix", enc(cp)}});
        last_cp = cp;
        next_key = cp;
        next_version.clear();
        ++count;
        continue;
      }
    }
    if (count == max_keys) {
      truncated = true;
      break;
    }
    json::object e{{"Key", enc(key)}, {"VersionId", version}, {"IsLatest", latest}, {"LastModified", r.i64(4)}, {"Owner", owner}};
    if (r.i64(5) != 0) {
      markers.push_back(std::move(e));
    } else {
      e["ETag"] = "\"" + r.str(2) + "\"";
      e["Size"] = r.i64(3);
      e["StorageClass"] = "STANDARD";
      versions.push_back(std::move(e));
    }
    next_key = key;
    next_version = version;
    ++count;
  }
  json::object out{{"Name", b->name},
                   {"Prefix", enc(prefix)},
                   {"KeyMarker", enc(key_marker)},
                   {"VersionIdMarker", version_marker},
                   {"MaxKeys", max_keys},
                   {"IsTruncated", truncated}};
  if (!delimiter.empty()) out["Delimiter"] = enc(delimiter);
  if (url) out["EncodingType"] = "url";
  if (!versions.empty()) out["Versions"] = std::move(versions);
  if (!markers.empty()) out["DeleteMarkers"] = std::move(markers);
  if (!prefixes.empty()) out["CommonPrefixes"] = std::move(prefixes);
  if (truncated) {
    out["NextKeyMarker"] = enc(next_key);
    if (!next_version.empty()) out["NextVersionIdMarker"] = next_version;
  }
  return out;
}

}  // namespace

void add_versioning_operations(std::vector<OperationDef>& ops) {
  ops.push_back(bucket_operation("PutBucketVersioning", "s3:PutBucketVersioning", false, put_bucket_versioning));
  ops.push_back(bucket_operation("GetBucketVersioning", "s3:GetBucketVersioning", true, get_bucket_versioning));
  ops.push_back(OperationDef{"ListObjectVersions", true, false,
                             [](const RequestContext& c, const json::object& in, store::Tx& tx) {
                               return listing_authz("s3:ListBucketVersions", c, in, tx);
                             },
                             list_object_versions});
}

}  // namespace citadel::services::s3
