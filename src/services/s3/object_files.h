#pragma once
// Object bytes on disk: each object (and each multipart part) is one blob file under
// DATA/s3/blobs/, written whole to a temporary name and renamed into place, so a blob is either
// complete or absent. The store's rows name blobs; a blob no row names is garbage, never visible.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace citadel::services::s3 {

struct BlobInfo {
  std::string name;  // random, 32 hex characters
  int64_t size = 0;
  std::string md5_hex;
  std::string crc32_b64, sha256_b64;  // x-amz-checksum-* forms
};

// Writes `bytes` as a new blob under `data_dir`.
Result<BlobInfo> write_blob(const std::string& data_dir, std::string_view bytes);
// Concatenates blobs into a new one, streaming (multipart completion), with the MD5 of the whole.
Result<BlobInfo> concat_blobs(const std::string& data_dir, const std::vector<std::string>& parts);
// Copies [offset, offset + length) of a blob into a new one, streaming (UploadPartCopy).
Result<BlobInfo> copy_blob_range(const std::string& data_dir, const std::string& name, int64_t offset, int64_t length);
// Reads [offset, offset + length) of a blob.
Result<std::string> read_blob(const std::string& data_dir, const std::string& name, int64_t offset, int64_t length);
// Removes a blob (after the row that named it is gone); a missing blob is not an error.
void remove_blob(const std::string& data_dir, const std::string& name);

}  // namespace citadel::services::s3
