// Objects: PutObject, GetObject (ranges, conditional requests), HeadObject, DeleteObject,
// DeleteObjects, CopyObject and object tags. The bytes go to a blob file first; the row that makes
// the object visible is written in the call's transaction, so an interrupted upload leaves nothing.
#include "base/crypto.h"
#include "base/uri.h"
#include "services/s3/blob_body.h"
#include "services/s3/object_files.h"
#include "services/s3/s3_common.h"
#include "services/s3/s3_operations.h"
#include "services/s3/sse_kms.h"

namespace citadel::services::s3 {

namespace {

// The headers S3 stores with an object and returns on GET and HEAD.
constexpr const char* kStoredHeaders[] = {"CacheControl", "ContentDisposition", "ContentEncoding", "ContentLanguage", "Expires"};
constexpr size_t kMaxKeyBytes = 1024;
constexpr size_t kMaxMetadataBytes = 2048;
constexpr size_t kMaxObjectTags = 10;

std::string quoted(const std::string& hex) { return "\"" + hex + "\""; }

// Tags given as a URL query string ("k1=v1&k2=v2"), as the x-amz-tagging header carries them.
Result<std::vector<std::pair<std::string, std::string>>> parse_tagging(const std::string& text) {
  auto tags = uri::parse_query(text, true);
  if (tags.size() > kMaxObjectTags) return AwsError::sender("BadRequest", "Object tags cannot be greater than 10", 400);
  return tags;
}

Status store_object_tags(store::Tx& tx, const std::string& bucket, const std::string& key,
                         const std::vector<std::pair<std::string, std::string>>& tags) {
  auto d = tx.exec("DELETE FROM s3_object_tags WHERE bucket = ? AND object_key = ?", {bucket, key});
  if (!d) return d.error();
  for (auto& [k, v] : tags) {
    auto i = tx.exec("INSERT OR REPLACE INTO s3_object_tags (bucket, object_key, tag_key, tag_value) VALUES (?, ?, ?, ?)",
                     {bucket, key, k, v});
    if (!i) return i.error();
  }
  return Ok{};
}

}  // namespace

Status check_server_side_encryption(const Call& call) {
  std::string sse = call.str("ServerSideEncryption");
  if (sse.empty() || sse == kSseS3 || sse == kSseKms) return Ok{};
  if (sse == "aws:kms:dsse") return AwsError::not_implemented("s3: dual-layer server-side encryption (" + sse + ")");
  return AwsError::sender("InvalidArgument", "The encryption method specified is not supported", 400).with("ArgumentName", "x-amz-server-side-encryption");
}

const char* const kObjectColumns =
    "COALESCE(blob, ''), size, etag, content_type, metadata, headers, COALESCE(checksum_crc32, ''), "
    "COALESCE(checksum_sha256, ''), COALESCE(parts_count, 0), last_modified_ms, version_id";

ObjectRow object_from_row(const std::string& key, const store::Row& r) {
  ObjectRow o{key, r.str(0), r.str(2), r.str(3), r.str(6), r.str(7), r.i64(1), r.i64(9), r.i64(8), {}, {}, r.str(10), false};
  o.metadata = json::parse(r.str(4)).as_object();
  o.headers = json::parse(r.str(5)).as_object();
  return o;
}

Result<std::optional<ObjectRow>> find_object(store::Tx& tx, const std::string& bucket, const std::string& key) {
  auto rows = tx.query(std::string("SELECT ") + kObjectColumns + " FROM s3_objects WHERE bucket = ? AND object_key = ?", {bucket, key});
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<ObjectRow>();
  return std::optional<ObjectRow>(object_from_row(key, rows->front()));
}

bool split_copy_source(std::string source, std::string* bucket, std::string* key, std::string* version_id) {
  if (auto q = source.find('?'); q != std::string::npos) {
    if (version_id)
      for (auto& [k, v] : uri::parse_query(source.substr(q + 1), true))
        if (k == "versionId") *version_id = v;
    source.resize(q);
  }
  source = uri::decode(source);
  if (!source.empty() && source[0] == '/') source.erase(0, 1);
  auto slash = source.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 >= source.size()) return false;
  *bucket = source.substr(0, slash);
  *key = source.substr(slash + 1);
  return true;
}

AuthzRequest copy_authz(const RequestContext& ctx, const json::object& in, store::Tx& tx) {
  auto a = object_authz("s3:PutObject", ctx, in, tx);
  std::string b, k, v;
  // A source version is read with s3:GetObjectVersion, as S3 authorizes it.
  if (split_copy_source(input_str(in, "CopySource"), &b, &k, &v)) {
    a.also.push_back(object_authz_for(v.empty() ? "s3:GetObject" : "s3:GetObjectVersion", ctx, b, k, tx));
    add_kms_read_authz(a, ctx, tx, b, k, v);
  }
  add_kms_write_authz(a, ctx, in, tx, input_str(in, "Bucket"), input_str(in, "Key"));
  return a;
}

namespace {
Status check_object_digests(const Call& call, const BlobInfo& blob) {
  if (call.has("ContentMD5")) {
    auto md5 = crypto::base64_decode(call.str("ContentMD5"));
    if (!md5 || crypto::to_hex(reinterpret_cast<const uint8_t*>(md5->data()), md5->size()) != blob.md5_hex)
      return AwsError::sender("BadDigest", "The Content-MD5 you specified did not match what we received.", 400);
  }
  if (call.has("ChecksumCRC32") && call.str("ChecksumCRC32") != blob.crc32_b64)
    return AwsError::sender("BadDigest", "The CRC32 you specified did not match the calculated checksum.", 400);
  if (call.has("ChecksumSHA256") && call.str("ChecksumSHA256") != blob.sha256_b64)
    return AwsError::sender("BadDigest", "The SHA256 you specified did not match the calculated checksum.", 400);
  return Ok{};
}
}  // namespace

Result<BlobInfo> store_request_body(const Call& call, const BlobStore& store) {
  // A streamed body is on disk already; a body read into memory (the console, tests) is written now.
  auto* streamed = dynamic_cast<BlobBody*>(call.body);
  std::optional<BlobWriter> in_memory;
  BlobWriter& writer = streamed ? streamed->writer() : in_memory.emplace(store.data_dir);
  if (!streamed)
    if (const auto* body = call.input.if_contains("Body"); body && body->is_string())
      if (auto s = writer.append(body->as_string()); !s) return s.error();
  if (auto s = writer.finish(); !s) return s.error();
  if (auto s = check_object_digests(call, writer.info()); !s) return s.error();
  return writer.commit(store);
}

Result<NewEncryption> encryption_for_write(Call& call, const std::string& bucket, const std::string& key) {
  auto kms_key = requested_kms_key(call.tx, call.input, bucket);
  if (!kms_key) return kms_key.error();
  if (kms_key->empty()) return NewEncryption{blob_store(call), {}};
  auto data_key = new_data_key(call, call.account(), *kms_key, bucket, key);
  if (!data_key) return data_key.error();
  return NewEncryption{blob_store_with_key(call, data_key->plaintext), std::move(data_key->headers)};
}

void add_encryption_output(json::object& out, const json::object& headers) {
  out["ServerSideEncryption"] = kSseS3;
  for (const char* h : {"ServerSideEncryption", "SSEKMSKeyId"})
    if (const auto* v = headers.if_contains(h)) out[h] = *v;
}

Result<std::string> put_object_row(Call& call, const std::string& bucket, const std::string& key, const BlobInfo& blob,
                                   const std::string& etag, const ObjectAttributes& attrs, int64_t parts) {
  const auto& [content_type, metadata, headers] = attrs;
  auto versioning = bucket_versioning(call.tx, bucket);
  if (!versioning) return versioning.error();
  std::string version_id = *versioning == "Enabled" ? new_version_id() : "null";
  if (auto s = retire_current(call, bucket, key, version_id); !s) return s.error();
  auto w = call.tx.exec(
      "INSERT INTO s3_objects (bucket, object_key, blob, size, etag, content_type, metadata, headers, checksum_crc32, "
      "checksum_sha256, parts_count, last_modified_ms, version_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULLIF(?, 0), ?, ?) "
      "ON CONFLICT (bucket, object_key) DO UPDATE SET blob = excluded.blob, size = excluded.size, etag = excluded.etag, "
      "content_type = excluded.content_type, metadata = excluded.metadata, headers = excluded.headers, "
      "checksum_crc32 = excluded.checksum_crc32, checksum_sha256 = excluded.checksum_sha256, parts_count = excluded.parts_count, "
      "last_modified_ms = excluded.last_modified_ms, version_id = excluded.version_id",
      {bucket, key, blob.name, blob.size, etag, content_type, json::serialize(metadata), json::serialize(headers), blob.crc32_b64,
       blob.sha256_b64, parts, call.ctx.now_ms, version_id});
  if (!w) return w.error();
  return versioning->empty() ? std::string() : version_id;
}

Result<ObjectAttributes> read_object_attributes(const Call& call) {
  ObjectAttributes a;
  if (call.has("ContentType")) a.content_type = call.str("ContentType");
  if (const auto* m = call.input.if_contains("Metadata"); m && m->is_object()) {
    size_t bytes = 0;
    for (auto& [k, v] : m->as_object()) {
      std::string key(k);
      for (auto& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      bytes += key.size() + (v.is_string() ? v.as_string().size() : 0);
      a.metadata[key] = v;
    }
    if (bytes > kMaxMetadataBytes)
      return AwsError::sender("MetadataTooLarge", "Your metadata headers exceed the maximum allowed metadata size.", 400);
  }
  for (const char* h : kStoredHeaders)
    if (const auto* v = call.input.if_contains(h)) a.headers[h] = *v;
  return a;
}

namespace {

Result<json::value> put_object(Call& call) {
  std::string bucket = call.str("Bucket"), key = call.str("Key");
  auto b = load_bucket(call.tx, bucket);
  if (!b) return b.error();
  if (key.size() > kMaxKeyBytes) return AwsError::sender("KeyTooLongError", "Your key is too long", 400);
  auto attrs = read_object_attributes(call);
  if (!attrs) return attrs.error();
  if (auto s = check_server_side_encryption(call); !s) return s.error();
  if (auto s = check_acl_allowed(call, bucket); !s) return s.error();
  std::vector<std::pair<std::string, std::string>> tags;
  if (call.has("Tagging")) {
    auto t = parse_tagging(call.str("Tagging"));
    if (!t) return t.error();
    tags = std::move(*t);
  }
  // Conditional writes: If-None-Match: * creates only; If-Match replaces only that version.
  if (call.has("IfNoneMatch") || call.has("IfMatch")) {
    auto existing = find_object(call.tx, bucket, key);
    if (!existing) return existing.error();
    if (call.has("IfNoneMatch") && existing->has_value())
      return AwsError::sender("PreconditionFailed", "At least one of the pre-conditions you specified did not hold", 412).with("Condition", "If-None-Match");
    if (call.has("IfMatch") && (!existing->has_value() || quoted((*existing)->etag) != call.str("IfMatch")))
      return existing->has_value() ? AwsError::sender("PreconditionFailed", "At least one of the pre-conditions you specified did not hold", 412).with("Condition", "If-Match")
                                   : no_such_key(key);
  }
  auto encryption = encryption_for_write(call, bucket, key);
  if (!encryption) return encryption.error();
  for (auto& [h, v] : encryption->headers) attrs->headers[h] = v;
  auto blob = store_request_body(call, encryption->store);
  if (!blob) return blob.error();
  auto version = put_object_row(call, bucket, key, *blob, blob->md5_hex, *attrs, 0);
  if (!version) {
    remove_blob(blob_store(call), blob->name);
    return version.error();
  }
  if (auto s = store_object_tags(call.tx, bucket, key, tags); !s) return s.error();
  json::object out{{"ETag", quoted(blob->md5_hex)}, {"Size", blob->size}};
  add_encryption_output(out, attrs->headers);
  if (!version->empty()) out["VersionId"] = *version;
  std::string algorithm = call.str("ChecksumAlgorithm");
  if (algorithm == "CRC32" || call.has("ChecksumCRC32")) out["ChecksumCRC32"] = blob->crc32_b64;
  if (algorithm == "SHA256" || call.has("ChecksumSHA256")) out["ChecksumSHA256"] = blob->sha256_b64;
  return out;
}

// GET and HEAD: conditions, range, headers; `with_body` reads the bytes.
Result<json::value> read_object(Call& call, bool with_body) {
  std::string bucket = call.str("Bucket"), key = call.str("Key");
  auto b = load_bucket(call.tx, bucket);
  if (!b) return b.error();
  bool by_version = call.has("VersionId");
  if (by_version)
    if (auto s = check_version_id(call.str("VersionId")); !s) return s.error();
  auto found = by_version ? find_version(call.tx, bucket, key, call.str("VersionId")) : find_object(call.tx, bucket, key);
  if (!found) return found.error();
  if (!found->has_value()) return by_version ? no_such_version(key, call.str("VersionId")) : no_such_key(key);
  const ObjectRow& o = **found;
  if (o.delete_marker)
    return AwsError::sender("MethodNotAllowed", "The specified method is not allowed against this resource.", 405)
        .with("Method", with_body ? "GET" : "HEAD")
        .with("ResourceType", "DeleteMarker");
  auto versioning = bucket_versioning(call.tx, bucket);
  if (!versioning) return versioning.error();
  bool current = !by_version || [&] {
    auto c = find_object(call.tx, bucket, key);
    return c && c->has_value() && (*c)->version_id == o.version_id;
  }();
  json::object out{{"ETag", quoted(o.etag)},
                   {"LastModified", o.last_modified_ms},
                   {"ContentType", o.content_type},
                   {"AcceptRanges", "bytes"},
                   {"ServerSideEncryption", kSseS3}};
  if (!o.metadata.empty()) out["Metadata"] = o.metadata;
  for (auto& [k, v] : o.headers)
    if (!is_private_header(k)) out[k] = v;
  if (o.parts > 0) out["PartsCount"] = o.parts;
  if (!versioning->empty() || o.version_id != "null") out["VersionId"] = o.version_id;

  // Conditions as RFC 7232 orders them: If-Match, If-Unmodified-Since, If-None-Match, If-Modified-Since.
  auto failed = [](const char* condition) {
    return AwsError::sender("PreconditionFailed", "At least one of the pre-conditions you specified did not hold", 412)
        .with("Condition", condition);
  };
  const int64_t modified_s = o.last_modified_ms / 1000;
  bool if_match = call.has("IfMatch");
  if (if_match && call.str("IfMatch") != "*" && call.str("IfMatch") != quoted(o.etag)) return failed("If-Match");
  if (!if_match && call.has("IfUnmodifiedSince") && modified_s > call.input.at("IfUnmodifiedSince").to_number<int64_t>() / 1000)
    return failed("If-Unmodified-Since");
  bool if_none_match = call.has("IfNoneMatch");
  bool not_modified = if_none_match ? (call.str("IfNoneMatch") == "*" || call.str("IfNoneMatch") == quoted(o.etag))
                                    : call.has("IfModifiedSince") &&
                                          modified_s <= call.input.at("IfModifiedSince").to_number<int64_t>() / 1000;
  if (not_modified) {
    json::object nm{{"ETag", quoted(o.etag)}, {"LastModified", o.last_modified_ms}, {kHttpStatus, 304}};
    return nm;
  }

  int64_t start = 0, length = o.size;
  if (call.has("Range")) {
    // "bytes=a-b", "bytes=a-", "bytes=-n"; anything else is ignored, as S3 does.
    std::string range = call.str("Range");
    long long a = -1, z = -1;
    if (range.rfind("bytes=", 0) == 0 && range.find(',') == std::string::npos) {
      std::string spec = range.substr(6);
      auto dash = spec.find('-');
      if (dash != std::string::npos) {
        std::string left = spec.substr(0, dash), right = spec.substr(dash + 1);
        try {
          if (!left.empty()) a = std::stoll(left);
          if (!right.empty()) z = std::stoll(right);
        } catch (const std::exception&) {
          a = z = -2;
        }
        if (a >= 0 || z >= 0) {
          if (a < 0) {  // the last z bytes
            a = std::max<long long>(0, o.size - z);
            z = o.size - 1;
          } else if (z < 0 || z >= o.size) {
            z = o.size - 1;
          }
          if (a >= o.size || a > z)
            return AwsError::sender("InvalidRange", "The requested range is not satisfiable", 416)
                .with("RangeRequested", range)
                .with("ActualObjectRange", "bytes */" + std::to_string(o.size));
          start = a;
          length = z - a + 1;
          out["ContentRange"] = "bytes " + std::to_string(a) + "-" + std::to_string(z) + "/" + std::to_string(o.size);
          out[kHttpStatus] = 206;
        }
      }
    }
  }
  out["ContentLength"] = length;
  if (call.str("ChecksumMode") == "ENABLED" && length == o.size) {
    if (!o.crc32.empty()) out["ChecksumCRC32"] = o.crc32;
    if (!o.sha256.empty()) out["ChecksumSHA256"] = o.sha256;
  }
  // Tags belong to the current version.
  auto tags = call.tx.query("SELECT COUNT(*) FROM s3_object_tags WHERE bucket = ? AND object_key = ?", {bucket, key});
  if (!tags) return tags.error();
  if (current && tags->front().i64(0) > 0) out["TagCount"] = tags->front().i64(0);
  if (with_body) {
    auto store = object_blob_store(call, o.headers, bucket, key);
    if (!store) return store.error();
    auto source = open_blob_source(*store, o.blob, start, length);
    if (!source) return source.error();
    call.response_body = std::move(*source);
  }
  return out;
}

Result<json::value> get_object(Call& call) { return read_object(call, true); }
Result<json::value> head_object(Call& call) { return read_object(call, false); }

Result<json::value> delete_object(Call& call) {
  auto b = load_bucket(call.tx, call.str("Bucket"));
  if (!b) return b.error();
  std::string version_id = call.str("VersionId");
  auto d = delete_object_version(call, b->name, call.str("Key"), call.has("VersionId") ? &version_id : nullptr);
  if (!d) return d.error();
  json::object out{{kHttpStatus, 204}};
  if (d->delete_marker) out["DeleteMarker"] = true;
  if (!d->version_id.empty()) out["VersionId"] = d->version_id;
  return out;
}

Result<json::value> delete_objects(Call& call) {
  auto b = load_bucket(call.tx, call.str("Bucket"));
  if (!b) return b.error();
  const auto* del = call.input.if_contains("Delete");
  const auto* objects = del && del->is_object() ? del->as_object().if_contains("Objects") : nullptr;
  if (!objects || !objects->is_array() || objects->as_array().empty() || objects->as_array().size() > 1000)
    return AwsError::sender("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema", 400);
  bool quiet = del->as_object().contains("Quiet") && del->as_object().at("Quiet").is_bool() && del->as_object().at("Quiet").as_bool();
  json::array deleted, errors;
  for (auto& o : objects->as_array()) {
    std::string key(o.as_object().at("Key").as_string());
    const auto* v = o.as_object().if_contains("VersionId");
    std::string version_id = v && v->is_string() ? std::string(v->as_string()) : "";
    if (v) {
      if (auto s = check_version_id(version_id); !s) {
        errors.push_back(json::object{{"Key", key}, {"VersionId", version_id}, {"Code", "NoSuchVersion"},
                                      {"Message", "The specified version does not exist."}});
        continue;
      }
    }
    auto d = delete_object_version(call, b->name, key, v ? &version_id : nullptr);
    if (!d) return d.error();
    if (quiet) continue;
    json::object entry{{"Key", key}};
    if (v) {
      entry["VersionId"] = version_id;
      if (d->delete_marker) {
        entry["DeleteMarker"] = true;
        entry["DeleteMarkerVersionId"] = version_id;
      }
    } else if (d->delete_marker) {
      entry["DeleteMarker"] = true;
      entry["DeleteMarkerVersionId"] = d->version_id;
    }
    deleted.push_back(std::move(entry));
  }
  json::object out;
  if (!deleted.empty()) out["Deleted"] = std::move(deleted);
  if (!errors.empty()) out["Errors"] = std::move(errors);
  return out;
}

Result<json::value> copy_object(Call& call) {
  std::string bucket = call.str("Bucket"), key = call.str("Key"), src_bucket, src_key, src_version;
  if (!split_copy_source(call.str("CopySource"), &src_bucket, &src_key, &src_version))
    return AwsError::sender("InvalidArgument", "Copy Source must mention the source bucket and key: sourcebucket/sourcekey", 400);
  auto dest = load_bucket(call.tx, bucket);
  if (!dest) return dest.error();
  if (auto s = check_acl_allowed(call, bucket); !s) return s.error();
  auto src_b = load_bucket(call.tx, src_bucket);
  if (!src_b) return src_b.error();
  if (!src_version.empty())
    if (auto s = check_version_id(src_version); !s) return s.error();
  auto src = src_version.empty() ? find_object(call.tx, src_bucket, src_key) : find_version(call.tx, src_bucket, src_key, src_version);
  if (!src) return src.error();
  if (!src->has_value()) return src_version.empty() ? no_such_key(src_key) : no_such_version(src_key, src_version);
  const ObjectRow& o = **src;
  // A delete marker cannot be copied: S3 answers 400 InvalidRequest.
  if (o.delete_marker)
    return AwsError::sender("InvalidRequest", "The source of a copy request may not specifically refer to a delete marker by version id.", 400);
  bool replace = call.str("MetadataDirective") == "REPLACE";
  if (src_bucket == bucket && src_key == key && !replace && src_version.empty())
    return AwsError::sender("InvalidRequest",
                            "This copy request is illegal because it is trying to copy an object to itself without changing the "
                            "object's metadata, storage class, website redirect location or encryption attributes.",
                            400);
  // The copy is a new blob: objects never share files, so deleting one never touches another. It
  // is encrypted as the request (or the destination bucket's default) says, not as its source.
  auto from = object_blob_store(call, o.headers, src_bucket, src_key);
  if (!from) return from.error();
  auto encryption = encryption_for_write(call, bucket, key);
  if (!encryption) return encryption.error();
  auto blob = concat_blobs(*from, encryption->store, {o.blob});
  if (!blob) return blob.error();
  ObjectAttributes attrs{o.content_type, o.metadata, without_encryption(o.headers)};
  if (replace) {
    auto a = read_object_attributes(call);
    if (!a) return a.error();
    attrs = std::move(*a);
  }
  for (auto& [h, v] : encryption->headers) attrs.headers[h] = v;
  auto version = put_object_row(call, bucket, key, *blob, blob->md5_hex, attrs, 0);
  if (!version) {
    remove_blob(blob_store(call), blob->name);
    return version.error();
  }
  json::object out{{"CopyObjectResult", json::object{{"ETag", quoted(blob->md5_hex)}, {"LastModified", call.ctx.now_ms}}}};
  add_encryption_output(out, attrs.headers);
  if (!version->empty()) out["VersionId"] = *version;
  if (!src_version.empty()) out["CopySourceVersionId"] = src_version;
  return out;
}

// ---- Object tags ----------------------------------------------------------------------------------

Result<json::value> put_object_tagging(Call& call) {
  std::string bucket = call.str("Bucket"), key = call.str("Key");
  auto o = find_object(call.tx, bucket, key);
  if (!o) return o.error();
  if (!o->has_value()) return no_such_key(key);
  std::vector<std::pair<std::string, std::string>> tags;
  if (const auto* t = call.input.if_contains("Tagging"); t && t->is_object())
    if (const auto* set = t->as_object().if_contains("TagSet"); set && set->is_array())
      for (auto& e : set->as_array())
        tags.emplace_back(e.as_object().at("Key").as_string(), e.as_object().at("Value").as_string());
  if (tags.size() > kMaxObjectTags) return AwsError::sender("BadRequest", "Object tags cannot be greater than 10", 400);
  if (auto s = store_object_tags(call.tx, bucket, key, tags); !s) return s.error();
  return json::object{};
}

Result<json::value> get_object_tagging(Call& call) {
  std::string bucket = call.str("Bucket"), key = call.str("Key");
  auto o = find_object(call.tx, bucket, key);
  if (!o) return o.error();
  if (!o->has_value()) return no_such_key(key);
  auto rows = call.tx.query("SELECT tag_key, tag_value FROM s3_object_tags WHERE bucket = ? AND object_key = ? ORDER BY tag_key",
                            {bucket, key});
  if (!rows) return rows.error();
  json::array set;
  for (auto& r : *rows) set.push_back(json::object{{"Key", r.str(0)}, {"Value", r.str(1)}});
  return json::object{{"TagSet", std::move(set)}};
}

Result<json::value> delete_object_tagging(Call& call) {
  std::string bucket = call.str("Bucket"), key = call.str("Key");
  auto o = find_object(call.tx, bucket, key);
  if (!o) return o.error();
  if (!o->has_value()) return no_such_key(key);
  if (auto s = store_object_tags(call.tx, bucket, key, {}); !s) return s.error();
  return json::object{{kHttpStatus, 204}};
}

// s3:ExistingObjectTag/KEY for calls on an existing object.
void add_existing_tags(AuthzRequest& a, const json::object& in, store::Tx& tx) {
  auto rows = tx.query("SELECT tag_key, tag_value FROM s3_object_tags WHERE bucket = ? AND object_key = ?",
                       {input_str(in, "Bucket"), input_str(in, "Key")});
  if (rows)
    for (auto& r : *rows) a.condition_keys["s3:ExistingObjectTag/" + r.str(0)] = r.str(1);
}

}  // namespace

void add_object_operations(std::vector<OperationDef>& ops) {
  auto on_object = [&](const char* name, const char* action, bool ro, Handler h) {
    ops.push_back(OperationDef{name, ro, false,
                               [action](const RequestContext& c, const json::object& in, store::Tx& tx) {
                                 auto a = object_authz(action, c, in, tx);
                                 add_existing_tags(a, in, tx);
                                 return a;
                               },
                               std::move(h)});
  };
  ops.push_back(OperationDef{"PutObject", false, false,
                             [](const RequestContext& c, const json::object& in, store::Tx& tx) {
                               auto a = object_authz("s3:PutObject", c, in, tx);
                               if (auto sse = input_str(in, "ServerSideEncryption"); !sse.empty())
                                 a.condition_keys["s3:x-amz-server-side-encryption"] = sse;
                               if (auto ct = input_str(in, "ContentType"); !ct.empty()) a.condition_keys["s3:content-type"] = ct;
                               add_kms_write_authz(a, c, in, tx, input_str(in, "Bucket"), input_str(in, "Key"));
                               return a;
                             },
                             put_object});
  ops.back().streamed_body = new_blob_body;
  // A call naming a version is authorized as its own action, as S3 does (s3:GetObjectVersion ...).
  auto on_object_version = [&](const char* name, const char* action, const char* version_action, bool ro, Handler h) {
    ops.push_back(OperationDef{name, ro, false,
                               [action, version_action](const RequestContext& c, const json::object& in, store::Tx& tx) {
                                 auto a = object_authz(in.contains("VersionId") ? version_action : action, c, in, tx);
                                 add_existing_tags(a, in, tx);
                                 return a;
                               },
                               std::move(h)});
  };
  on_object_version("GetObject", "s3:GetObject", "s3:GetObjectVersion", true, get_object);
  // Reading an SSE-KMS object's bytes needs kms:Decrypt on its key too (HEAD does not).
  ops.back().authz = [](const RequestContext& c, const json::object& in, store::Tx& tx) {
    auto a = object_authz(in.contains("VersionId") ? "s3:GetObjectVersion" : "s3:GetObject", c, in, tx);
    add_existing_tags(a, in, tx);
    add_kms_read_authz(a, c, tx, input_str(in, "Bucket"), input_str(in, "Key"), input_str(in, "VersionId"));
    return a;
  };
  on_object_version("HeadObject", "s3:GetObject", "s3:GetObjectVersion", true, head_object);
  on_object_version("DeleteObject", "s3:DeleteObject", "s3:DeleteObjectVersion", false, delete_object);
  on_object("PutObjectTagging", "s3:PutObjectTagging", false, put_object_tagging);
  on_object("GetObjectTagging", "s3:GetObjectTagging", true, get_object_tagging);
  on_object("DeleteObjectTagging", "s3:DeleteObjectTagging", false, delete_object_tagging);
  ops.push_back(OperationDef{"DeleteObjects", false, false,
                             [](const RequestContext& c, const json::object& in, store::Tx& tx) {
                               // Each key is authorized, as S3 decides each deletion on its own ARN; a
                               // key given with a VersionId needs s3:DeleteObjectVersion.
                               std::string bucket = input_str(in, "Bucket");
                               auto a = object_authz_for("s3:DeleteObject", c, bucket, "", tx);
                               auto versions = object_authz_for("s3:DeleteObjectVersion", c, bucket, "", tx);
                               a.resources.clear();
                               versions.resources.clear();
                               if (const auto* del = in.if_contains("Delete"); del && del->is_object())
                                 if (const auto* objects = del->as_object().if_contains("Objects"); objects && objects->is_array())
                                   for (auto& o : objects->as_array())
                                     if (o.is_object() && o.as_object().contains("Key"))
                                       (o.as_object().contains("VersionId") ? versions : a)
                                           .resources.push_back(object_arn(bucket, std::string(o.as_object().at("Key").as_string())));
                               if (a.resources.empty() && !versions.resources.empty()) return versions;
                               if (a.resources.empty()) a.resources.push_back(object_arn(bucket, "*"));
                               if (!versions.resources.empty()) a.also.push_back(std::move(versions));
                               return a;
                             },
                             delete_objects});
  // CopyObject writes the destination and reads the source: both must be allowed.
  ops.push_back(OperationDef{"CopyObject", false, false,
                             copy_authz,
                             copy_object});
}

}  // namespace citadel::services::s3
