// Multipart uploads: CreateMultipartUpload, UploadPart, CompleteMultipartUpload,
// AbortMultipartUpload, ListParts, ListMultipartUploads. Each part is its own blob; completing
// streams them into the object's blob, so no part or object is ever held whole in memory twice.
#include <openssl/evp.h>

#include <map>

#include "base/crypto.h"
#include "services/s3/blob_body.h"
#include "services/s3/object_files.h"
#include "services/s3/s3_common.h"
#include "services/s3/s3_operations.h"
#include "services/s3/sse_kms.h"

namespace citadel::services::s3 {

namespace {

constexpr int64_t kMinPartSize = 5 * 1024 * 1024;  // every part but the last
constexpr int64_t kMaxPartNumber = 10000;

struct Upload {
  std::string id, bucket, key, initiator;
  ObjectAttributes attrs;
  int64_t created_ms = 0;
};

Result<Upload> load_upload(Call& call) {
  std::string id = call.str("UploadId");
  auto rows = call.tx.query("SELECT bucket, object_key, content_type, metadata, headers, initiator, created_ms FROM s3_uploads "
                            "WHERE upload_id = ?",
                            {id});
  if (!rows) return rows.error();
  if (rows->empty()) return no_such_upload(id);
  const auto& r = rows->front();
  if (r.str(0) != call.str("Bucket") || r.str(1) != call.str("Key")) return no_such_upload(id);
  Upload u{id, r.str(0), r.str(1), r.str(5), {r.str(2), json::parse(r.str(3)).as_object(), json::parse(r.str(4)).as_object()}, r.i64(6)};
  return u;
}

// kms:Decrypt on the key of the upload the request names, when it has one.
void add_upload_kms_authz(AuthzRequest& a, const RequestContext& ctx, const json::object& in, store::Tx& tx) {
  auto rows = tx.query("SELECT headers FROM s3_uploads WHERE upload_id = ?", {input_str(in, "UploadId")});
  if (!rows || rows->empty()) return;
  boost::system::error_code ec;
  auto headers = json::parse(rows->front().str(0), ec);
  if (!ec && headers.is_object())
    add_kms_decrypt_authz(a, ctx, tx, headers.as_object(), input_str(in, "Bucket"), input_str(in, "Key"));
}

json::object owner_json(const std::string& account) {
  return json::object{{"ID", canonical_user_id(account)}, {"DisplayName", account}};
}

Result<json::value> create_multipart_upload(Call& call) {
  auto b = load_bucket(call.tx, call.str("Bucket"));
  if (!b) return b.error();
  auto attrs = read_object_attributes(call);
  if (!attrs) return attrs.error();
  if (auto s = check_server_side_encryption(call); !s) return s.error();
  if (auto s = check_acl_allowed(call, b->name); !s) return s.error();
  // The upload's data key (SSE-KMS) is made now and kept with it: every part is encrypted under it.
  auto encryption = encryption_for_write(call, b->name, call.str("Key"));
  if (!encryption) return encryption.error();
  for (auto& [h, v] : encryption->headers) attrs->headers[h] = v;
  std::string id = crypto::base64_encode(crypto::random_bytes(36));
  for (auto& c : id) c = c == '+' ? '-' : c == '/' ? '_' : c;  // URL-safe, as upload ids travel in query strings
  auto ins = call.tx.exec("INSERT INTO s3_uploads (upload_id, bucket, object_key, content_type, metadata, headers, initiator, created_ms) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                          {id, b->name, call.str("Key"), attrs->content_type, json::serialize(attrs->metadata),
                           json::serialize(attrs->headers), call.ctx.principal->arn, call.ctx.now_ms});
  if (!ins) return ins.error();
  json::object out{{"Bucket", b->name}, {"Key", call.str("Key")}, {"UploadId", id}};
  add_encryption_output(out, attrs->headers);
  return out;
}

// Makes `blob` part `number` of the upload, replacing (and after commit deleting) an earlier one.
Status store_part(Call& call, const std::string& upload_id, int64_t number, const BlobInfo& blob) {
  auto old = call.tx.query("SELECT blob FROM s3_upload_parts WHERE upload_id = ? AND part_number = ?", {upload_id, number});
  if (!old) return old.error();
  auto w = call.tx.exec("INSERT INTO s3_upload_parts (upload_id, part_number, blob, size, etag, created_ms) VALUES (?, ?, ?, ?, ?, ?) "
                        "ON CONFLICT (upload_id, part_number) DO UPDATE SET blob = excluded.blob, size = excluded.size, "
                        "etag = excluded.etag, created_ms = excluded.created_ms",
                        {upload_id, number, blob.name, blob.size, blob.md5_hex, call.ctx.now_ms});
  if (!w) {
    remove_blob(blob_store(call), blob.name);
    return w.error();
  }
  if (!old->empty()) call.after_commit.push_back([dir = blob_store(call), b = old->front().str(0)] { remove_blob(dir, b); });
  return Ok{};
}

Result<json::value> upload_part(Call& call) {
  auto u = load_upload(call);
  if (!u) return u.error();
  int64_t number = call.has("PartNumber") ? call.input.at("PartNumber").to_number<int64_t>() : 0;
  if (number < 1 || number > kMaxPartNumber)
    return AwsError::sender("InvalidArgument", "Part number must be an integer between 1 and 10000, inclusive", 400)
        .with("ArgumentName", "partNumber")
        .with("ArgumentValue", std::to_string(number));
  auto store = object_blob_store(call, u->attrs.headers, u->bucket, u->key);
  if (!store) return store.error();
  auto blob = store_request_body(call, *store);
  if (!blob) return blob.error();
  if (auto st = store_part(call, u->id, number, *blob); !st) return st.error();
  json::object out{{"ETag", "\"" + blob->md5_hex + "\""}};
  add_encryption_output(out, u->attrs.headers);
  if (call.str("ChecksumAlgorithm") == "CRC32" || call.has("ChecksumCRC32")) out["ChecksumCRC32"] = blob->crc32_b64;
  return out;
}

// A part copied from (a byte range of) an existing object.
Result<json::value> upload_part_copy(Call& call) {
  auto u = load_upload(call);
  if (!u) return u.error();
  int64_t number = call.has("PartNumber") ? call.input.at("PartNumber").to_number<int64_t>() : 0;
  if (number < 1 || number > kMaxPartNumber)
    return AwsError::sender("InvalidArgument", "Part number must be an integer between 1 and 10000, inclusive", 400);
  std::string src_bucket, src_key;
  if (!split_copy_source(call.str("CopySource"), &src_bucket, &src_key))
    return AwsError::sender("InvalidArgument", "Copy Source must mention the source bucket and key: sourcebucket/sourcekey", 400);
  auto src_b = load_bucket(call.tx, src_bucket);
  if (!src_b) return src_b.error();
  auto src = find_object(call.tx, src_bucket, src_key);
  if (!src) return src.error();
  if (!src->has_value()) return no_such_key(src_key);
  int64_t start = 0, length = (*src)->size;
  if (call.has("CopySourceRange")) {
    long long a = 0, z = 0;
    if (std::sscanf(call.str("CopySourceRange").c_str(), "bytes=%lld-%lld", &a, &z) != 2 || a < 0 || z < a || z >= (*src)->size)
      return AwsError::sender("InvalidArgument", "The x-amz-copy-source-range value must be of the form bytes=first-last where first and last "
                                                 "are the zero-based offsets of the first and last bytes to copy",
                              400);
    start = a;
    length = z - a + 1;
  }
  auto from = object_blob_store(call, (*src)->headers, src_bucket, src_key);
  if (!from) return from.error();
  auto to = object_blob_store(call, u->attrs.headers, u->bucket, u->key);
  if (!to) return to.error();
  auto blob = copy_blob_range(*from, *to, (*src)->blob, start, length);
  if (!blob) return blob.error();
  if (auto st = store_part(call, u->id, number, *blob); !st) return st.error();
  return json::object{{"CopyPartResult", json::object{{"ETag", "\"" + blob->md5_hex + "\""}, {"LastModified", call.ctx.now_ms}}}};
}

std::string unquote(std::string s) {
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  return s;
}

Result<json::value> complete_multipart_upload(Call& call) {
  auto u = load_upload(call);
  if (!u) return u.error();
  const auto* mu = call.input.if_contains("MultipartUpload");
  const auto* parts = mu && mu->is_object() ? mu->as_object().if_contains("Parts") : nullptr;
  if (!parts || !parts->is_array() || parts->as_array().empty())
    return AwsError::sender("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema", 400);
  auto stored = call.tx.query("SELECT part_number, blob, size, etag FROM s3_upload_parts WHERE upload_id = ?", {u->id});
  if (!stored) return stored.error();
  std::map<int64_t, const store::Row*> by_number;
  for (auto& r : *stored) by_number[r.i64(0)] = &r;

  std::vector<std::string> blobs;
  std::string md5s;  // the parts' binary MD5s, whose MD5 is the object's ETag
  const auto& list = parts->as_array();
  auto number_of = [](const json::value& part) {
    const auto& p = part.as_object();
    return p.contains("PartNumber") ? p.at("PartNumber").to_number<int64_t>() : 0;
  };
  // The order is checked over the whole list before any part is.
  for (size_t i = 1; i < list.size(); ++i)
    if (number_of(list[i]) <= number_of(list[i - 1]))
      return AwsError::sender("InvalidPartOrder", "The list of parts was not in ascending order. Parts must be ordered by part number.", 400)
          .with("UploadId", u->id);
  for (size_t i = 0; i < list.size(); ++i) {
    const auto& p = list[i].as_object();
    int64_t number = number_of(list[i]);
    auto it = by_number.find(number);
    std::string etag = p.contains("ETag") ? unquote(std::string(p.at("ETag").as_string())) : "";
    if (it == by_number.end() || it->second->str(3) != etag)
      return AwsError::sender("InvalidPart",
                              "One or more of the specified parts could not be found.  The part may not have been uploaded, or the "
                              "specified entity tag may not match the part's entity tag.",
                              400)
          .with("UploadId", u->id)
          .with("PartNumber", std::to_string(number))
          .with("ETag", etag);
    if (i + 1 < list.size() && it->second->i64(2) < kMinPartSize)
      return AwsError::sender("EntityTooSmall", "Your proposed upload is smaller than the minimum allowed object size.", 400)
          .with("ProposedSize", std::to_string(it->second->i64(2)))
          .with("MinSizeAllowed", std::to_string(kMinPartSize))
          .with("PartNumber", std::to_string(number))
          .with("ETag", etag);
    blobs.push_back(it->second->str(1));
    std::string raw(16, '\0');
    for (size_t k = 0; k < 16; ++k) raw[k] = static_cast<char>(std::stoi(etag.substr(2 * k, 2), nullptr, 16));
    md5s += raw;
  }
  auto store = object_blob_store(call, u->attrs.headers, u->bucket, u->key);
  if (!store) return store.error();
  auto blob = concat_blobs(*store, *store, blobs);
  if (!blob) return blob.error();
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(md5s.data(), md5s.size(), md, &n, EVP_md5(), nullptr);
  std::string etag = crypto::to_hex(md, n) + "-" + std::to_string(list.size());
  auto version = put_object_row(call, u->bucket, u->key, *blob, etag, u->attrs, static_cast<int64_t>(list.size()));
  if (!version) {
    remove_blob(blob_store(call), blob->name);
    return version.error();
  }
  std::vector<std::string> all_parts;
  for (auto& r : *stored) all_parts.push_back(r.str(1));
  auto d = call.tx.exec("DELETE FROM s3_uploads WHERE upload_id = ?", {u->id});
  if (!d) return d.error();
  call.after_commit.push_back([dir = blob_store(call), all_parts] {
    for (auto& p : all_parts) remove_blob(dir, p);
  });
  json::object out{{"Location", "/" + u->bucket + "/" + u->key},
                   {"Bucket", u->bucket},
                   {"Key", u->key},
                   {"ETag", "\"" + etag + "\""}};
  add_encryption_output(out, u->attrs.headers);
  if (!version->empty()) out["VersionId"] = *version;
  return out;
}

Result<json::value> abort_multipart_upload(Call& call) {
  auto u = load_upload(call);
  if (!u) return u.error();
  auto parts = call.tx.query("SELECT blob FROM s3_upload_parts WHERE upload_id = ?", {u->id});
  if (!parts) return parts.error();
  std::vector<std::string> blobs;
  for (auto& r : *parts) blobs.push_back(r.str(0));
  auto d = call.tx.exec("DELETE FROM s3_uploads WHERE upload_id = ?", {u->id});
  if (!d) return d.error();
  call.after_commit.push_back([dir = blob_store(call), blobs] {
    for (auto& p : blobs) remove_blob(dir, p);
  });
  return json::object{{kHttpStatus, 204}};
}

Result<json::value> list_parts(Call& call) {
  auto u = load_upload(call);
  if (!u) return u.error();
  int64_t marker = call.has("PartNumberMarker") ? call.input.at("PartNumberMarker").to_number<int64_t>() : 0;
  int64_t max_parts = call.has("MaxParts") ? std::min<int64_t>(call.input.at("MaxParts").to_number<int64_t>(), 1000) : 1000;
  auto rows = call.tx.query("SELECT part_number, created_ms, etag, size FROM s3_upload_parts WHERE upload_id = ? AND part_number > ? "
                            "ORDER BY part_number LIMIT ?",
                            {u->id, marker, max_parts + 1});
  if (!rows) return rows.error();
  json::array parts;
  bool truncated = static_cast<int64_t>(rows->size()) > max_parts;
  int64_t last = marker;
  for (size_t i = 0; i < rows->size() && static_cast<int64_t>(i) < max_parts; ++i) {
    const auto& r = (*rows)[i];
    parts.push_back(json::object{{"PartNumber", r.i64(0)}, {"LastModified", r.i64(1)}, {"ETag", "\"" + r.str(2) + "\""}, {"Size", r.i64(3)}});
    last = r.i64(0);
  }
  auto b = load_bucket(call.tx, u->bucket);
  if (!b) return b.error();
  json::object out{{"Bucket", u->bucket},   {"Key", u->key},          {"UploadId", u->id},
                   {"PartNumberMarker", marker}, {"MaxParts", max_parts}, {"IsTruncated", truncated},
                   {"StorageClass", "STANDARD"},
                   {"Initiator", json::object{{"ID", u->initiator}, {"DisplayName", u->initiator}}},
                   {"Owner", owner_json(b->account_id)}};
  if (truncated) out["NextPartNumberMarker"] = last;
  if (!parts.empty()) out["Parts"] = std::move(parts);
  return out;
}

Result<json::value> list_multipart_uploads(Call& call) {
  auto b = load_bucket(call.tx, call.str("Bucket"));
  if (!b) return b.error();
  std::string prefix = call.str("Prefix");
  auto rows = call.tx.query("SELECT object_key, upload_id, created_ms, initiator FROM s3_uploads WHERE bucket = ? AND "
                            "substr(object_key, 1, length(?)) = ? ORDER BY object_key, upload_id LIMIT 1000",
                            {b->name, prefix, prefix});
  if (!rows) return rows.error();
  json::array uploads;
  for (auto& r : *rows)
    uploads.push_back(json::object{{"Key", r.str(0)},
                                   {"UploadId", r.str(1)},
                                   {"Initiated", r.i64(2)},
                                   {"StorageClass", "STANDARD"},
                                   {"Initiator", json::object{{"ID", r.str(3)}, {"DisplayName", r.str(3)}}},
                                   {"Owner", owner_json(b->account_id)}});
  json::object out{{"Bucket", b->name}, {"Prefix", prefix}, {"MaxUploads", 1000}, {"IsTruncated", false}};
  if (!uploads.empty()) out["Uploads"] = std::move(uploads);
  return out;
}

}  // namespace

void add_multipart_operations(std::vector<OperationDef>& ops) {
  using Authz = std::function<AuthzRequest(const RequestContext&, const json::object&, store::Tx&)>;
  auto add = [&](const char* name, bool ro, Authz authz, Handler h) {
    ops.push_back(OperationDef{name, ro, false, std::move(authz), std::move(h)});
  };
  auto as = [](const char* action) -> Authz {
    return [action](const RequestContext& c, const json::object& in, store::Tx& tx) { return object_authz(action, c, in, tx); };
  };
  // Writing to an SSE-KMS upload opens its data key: kms:Decrypt, as S3 requires for multipart uploads.
  Authz upload_write = [](const RequestContext& c, const json::object& in, store::Tx& tx) {
    auto a = object_authz("s3:PutObject", c, in, tx);
    add_upload_kms_authz(a, c, in, tx);
    return a;
  };
  add("CreateMultipartUpload", false,
      [](const RequestContext& c, const json::object& in, store::Tx& tx) {
        auto a = object_authz("s3:PutObject", c, in, tx);
        add_kms_write_authz(a, c, in, tx, input_str(in, "Bucket"), input_str(in, "Key"));
        return a;
      },
      create_multipart_upload);
  add("UploadPart", false, upload_write, upload_part);
  ops.back().streamed_body = new_blob_body;
  // UploadPartCopy reads the source as well.
  add("UploadPartCopy", false,
      [upload_write](const RequestContext& c, const json::object& in, store::Tx& tx) {
        auto a = upload_write(c, in, tx);
        std::string b, k, v;
        if (split_copy_source(input_str(in, "CopySource"), &b, &k, &v)) {
          a.also.push_back(object_authz_for(v.empty() ? "s3:GetObject" : "s3:GetObjectVersion", c, b, k, tx));
          add_kms_read_authz(a, c, tx, b, k, v);
        }
        return a;
      },
      upload_part_copy);
  add("CompleteMultipartUpload", false, upload_write, complete_multipart_upload);
  add("AbortMultipartUpload", false, as("s3:AbortMultipartUpload"), abort_multipart_upload);
  add("ListParts", true, as("s3:ListMultipartUploadParts"), list_parts);
  add("ListMultipartUploads", true,
      [](const RequestContext& c, const json::object& in, store::Tx& tx) {
        return bucket_authz("s3:ListBucketMultipartUploads", c, in, tx);
      },
      list_multipart_uploads);
}

}  // namespace citadel::services::s3
