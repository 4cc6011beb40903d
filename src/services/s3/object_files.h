#pragma once
// Object bytes on disk, encrypted at rest (S3's SSE-S3): each object and each multipart part is one
// blob file under DATA/s3/blobs/, written whole to a temporary name and renamed into place, so a
// blob is either complete or absent. The store's rows name blobs; a blob no row names is garbage,
// never visible.
//
// A blob file is "CSB3", a 2-byte length and the blob's own AES-256 key sealed under the master key
// (bound to the blob's name) — "CSB4" when that key is first sealed under an SSE-KMS data key —,
// zeros up to a 512-byte header, then the bytes in 64 KiB segments, each sealed with AES-256-GCM
// (nonce, ciphertext, tag) with the blob's name and the segment's index as associated data, so
// segments cannot be changed, reordered or moved between blobs, and a range is read by opening only
// the segments it covers. The header has a fixed size so that it can be written last: a body
// streams into its segments before the call that stores it knows how it is encrypted (its
// bucket's default, an SSE-KMS data key), and the blob's key exists only in memory until then — a
// crash leaves a temporary file no one can read. Blobs written before have "CSB1"/"CSB2" with the
// segments right after the sealed key; they read as before.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "protocol/body_source.h"
#include "store/secret_box.h"

namespace citadel::services::s3 {

struct BlobStore {
  std::string data_dir;
  const store::SecretBox* secrets = nullptr;
  // SSE-KMS (sse_kms.h): the object's data key. Its blobs ("CSB2") wrap their key under it as well
  // as under the master key, so they open only with the data key KMS decrypts.
  std::string data_key;
};

struct BlobInfo {
  std::string name;  // random, 32 hex characters
  int64_t size = 0;  // of the plaintext
  std::string md5_hex;
  std::string crc32_b64, sha256_b64;  // x-amz-checksum-* forms
};

// A new blob, written as its bytes arrive: encrypted into a temporary file under a key of its own
// that stays in memory until commit() seals it into the header for `store` and renames the file
// into place. Destroyed uncommitted, it removes its file.
class BlobWriter {
 public:
  explicit BlobWriter(const std::string& data_dir);
  ~BlobWriter();
  BlobWriter(const BlobWriter&) = delete;
  BlobWriter& operator=(const BlobWriter&) = delete;
  Status append(std::string_view bytes);
  // Ends the bytes: size and digests are final (info()). Needed before commit().
  Status finish();
  const BlobInfo& info() const { return info_; }
  // finish(), and the bytes made durable now: a streamed body does it before its call's
  // transaction, so that commit() has only the header left to sync inside it.
  Status sync();
  // The bytes reach the disk before the row that names them is committed.
  Result<BlobInfo> commit(const BlobStore& store);

 private:
  class Digests;
  Status flush();

  std::string data_dir_, tmp_, key_, buffer_;
  int fd_ = -1;
  bool finished_ = false, committed_ = false;
  uint64_t segment_ = 0;
  BlobInfo info_;
  std::unique_ptr<Digests> digests_;
};

// Writes `bytes` as a new blob.
Result<BlobInfo> write_blob(const BlobStore& store, std::string_view bytes);
// Concatenates blobs of `from` into a new one of `to`, streaming (multipart completion, copies),
// digesting the whole.
Result<BlobInfo> concat_blobs(const BlobStore& from, const BlobStore& to, const std::vector<std::string>& parts);
// Copies [offset, offset + length) of a blob of `from` into a new one of `to`, streaming (UploadPartCopy).
Result<BlobInfo> copy_blob_range(const BlobStore& from, const BlobStore& to, const std::string& name, int64_t offset,
                                 int64_t length);
// [offset, offset + length) of a blob as a response body, decrypted a few segments at a time as it
// is sent. The file is opened now, inside the call's transaction, so a blob removed after the call
// (the object replaced or deleted meanwhile) still reads to its end.
Result<std::shared_ptr<protocol::BodySource>> open_blob_source(const BlobStore& store, const std::string& name, int64_t offset,
                                                               int64_t length);
// Removes a blob (after the row that named it is gone); a missing blob is not an error.
void remove_blob(const BlobStore& store, const std::string& name);

// Removes the temporary files of uploads a crash cut off (NAME.tmp in the blob directory: never
// visible, and unreadable, since their key is written last); run before the server takes requests.
// Returns how many it removed.
size_t sweep_unfinished_uploads(const std::string& data_dir);

}  // namespace citadel::services::s3
