#pragma once
// Object bytes on disk, encrypted at rest (S3's SSE-S3): each object and each multipart part is one
// blob file under DATA/s3/blobs/, written whole to a temporary name and renamed into place, so a
// blob is either complete or absent. The store's rows name blobs; a blob no row names is garbage,
// never visible.
//
// A blob file is "CSB1", a 2-byte length and the blob's own AES-256 key sealed under the master key
// (bound to the blob's name) — "CSB2" when that key is first sealed under an SSE-KMS data key —, then the bytes in 64 KiB segments, each sealed with AES-256-GCM
// (nonce, ciphertext, tag) with the blob's name and the segment's index as associated data, so
// segments cannot be changed, reordered or moved between blobs, and a range is read by opening only
// the segments it covers.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
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

// Writes `bytes` as a new blob.
Result<BlobInfo> write_blob(const BlobStore& store, std::string_view bytes);
// Concatenates blobs of `from` into a new one of `to`, streaming (multipart completion, copies),
// digesting the whole.
Result<BlobInfo> concat_blobs(const BlobStore& from, const BlobStore& to, const std::vector<std::string>& parts);
// Copies [offset, offset + length) of a blob of `from` into a new one of `to`, streaming (UploadPartCopy).
Result<BlobInfo> copy_blob_range(const BlobStore& from, const BlobStore& to, const std::string& name, int64_t offset,
                                 int64_t length);
// Reads [offset, offset + length) of a blob.
Result<std::string> read_blob(const BlobStore& store, const std::string& name, int64_t offset, int64_t length);
// Removes a blob (after the row that named it is gone); a missing blob is not an error.
void remove_blob(const BlobStore& store, const std::string& name);

}  // namespace citadel::services::s3
