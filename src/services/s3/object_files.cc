#include "services/s3/object_files.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/crc.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>

#include "base/crypto.h"

namespace citadel::services::s3 {

namespace {

std::string blob_dir(const std::string& data_dir) { return data_dir + "/s3/blobs"; }
std::string blob_path(const std::string& data_dir, const std::string& name) { return blob_dir(data_dir) + "/" + name; }

// MD5 (the ETag), CRC32 and SHA-256 (S3's checksums) of the bytes as they stream past.
class Digests {
 public:
  Digests() : md5_(EVP_MD_CTX_new(), EVP_MD_CTX_free), sha_(EVP_MD_CTX_new(), EVP_MD_CTX_free) {
    EVP_DigestInit_ex(md5_.get(), EVP_md5(), nullptr);
    EVP_DigestInit_ex(sha_.get(), EVP_sha256(), nullptr);
  }
  void update(const char* data, size_t n) {
    EVP_DigestUpdate(md5_.get(), data, n);
    EVP_DigestUpdate(sha_.get(), data, n);
    crc_.process_bytes(data, n);
  }
  void finish(BlobInfo& info) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_DigestFinal_ex(md5_.get(), md, &n);
    info.md5_hex = crypto::to_hex(md, n);
    EVP_DigestFinal_ex(sha_.get(), md, &n);
    info.sha256_b64 = crypto::base64_encode(std::string_view(reinterpret_cast<char*>(md), n));
    uint32_t c = crc_.checksum();
    char be[4] = {static_cast<char>(c >> 24), static_cast<char>(c >> 16), static_cast<char>(c >> 8), static_cast<char>(c)};
    info.crc32_b64 = crypto::base64_encode(std::string_view(be, 4));
  }

 private:
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> md5_, sha_;
  boost::crc_32_type crc_;
};

AwsError io_error(const std::string& what) {
  return AwsError::internal("object storage: " + what + ": " + std::strerror(errno));
}

// A file being written under a temporary name; removed unless committed.
class PendingBlob {
 public:
  explicit PendingBlob(const std::string& data_dir) : data_dir_(data_dir) {
    std::error_code ec;
    std::filesystem::create_directories(blob_dir(data_dir), ec);
    info_.name = crypto::to_hex(reinterpret_cast<const uint8_t*>(crypto::random_bytes(16).data()), 16);
    tmp_ = blob_path(data_dir, info_.name) + ".tmp";
    fd_ = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  }
  ~PendingBlob() {
    if (fd_ >= 0) ::close(fd_);
    if (!committed_) ::unlink(tmp_.c_str());
  }
  bool ok() const { return fd_ >= 0; }
  Status append(const char* data, size_t n) {
    digests_.update(data, n);
    info_.size += static_cast<int64_t>(n);
    while (n > 0) {
      ssize_t w = ::write(fd_, data, n);
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) return io_error("write");
      data += w;
      n -= static_cast<size_t>(w);
    }
    return Ok{};
  }
  // The bytes reach the disk before the row that names them is committed.
  Result<BlobInfo> commit() {
    if (::fsync(fd_) != 0) return io_error("fsync");
    ::close(fd_);
    fd_ = -1;
    if (::rename(tmp_.c_str(), blob_path(data_dir_, info_.name).c_str()) != 0) return io_error("rename");
    committed_ = true;
    digests_.finish(info_);
    return info_;
  }

 private:
  std::string data_dir_, tmp_;
  int fd_ = -1;
  bool committed_ = false;
  BlobInfo info_;
  Digests digests_;
};

}  // namespace

Result<BlobInfo> write_blob(const std::string& data_dir, std::string_view bytes) {
  PendingBlob blob(data_dir);
  if (!blob.ok()) return io_error("create");
  if (auto s = blob.append(bytes.data(), bytes.size()); !s) return s.error();
  return blob.commit();
}

namespace {
// Appends [offset, offset + length) of blob `name` (length -1: to its end) to `out`, 1 MiB at a time.
Status append_range(const std::string& data_dir, const std::string& name, int64_t offset, int64_t length, PendingBlob& out) {
  int fd = ::open(blob_path(data_dir, name).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return io_error("open");
  std::vector<char> buf(1 << 20);
  int64_t done = 0;
  Status status = Ok{};
  while (length < 0 || done < length) {
    size_t want = length < 0 ? buf.size() : static_cast<size_t>(std::min<int64_t>(static_cast<int64_t>(buf.size()), length - done));
    ssize_t r = ::pread(fd, buf.data(), want, offset + done);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      status = io_error("read");
      break;
    }
    if (r == 0) {
      if (length >= 0) status = AwsError::internal("object storage: the blob is shorter than its record");
      break;
    }
    if (auto s = out.append(buf.data(), static_cast<size_t>(r)); !s) {
      status = s;
      break;
    }
    done += r;
  }
  ::close(fd);
  return status;
}
}  // namespace

Result<BlobInfo> concat_blobs(const std::string& data_dir, const std::vector<std::string>& parts) {
  PendingBlob blob(data_dir);
  if (!blob.ok()) return io_error("create");
  for (const auto& part : parts)
    if (auto s = append_range(data_dir, part, 0, -1, blob); !s) return s.error();
  return blob.commit();
}

Result<BlobInfo> copy_blob_range(const std::string& data_dir, const std::string& name, int64_t offset, int64_t length) {
  PendingBlob blob(data_dir);
  if (!blob.ok()) return io_error("create");
  if (auto s = append_range(data_dir, name, offset, length, blob); !s) return s.error();
  return blob.commit();
}

Result<std::string> read_blob(const std::string& data_dir, const std::string& name, int64_t offset, int64_t length) {
  int fd = ::open(blob_path(data_dir, name).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return io_error("open");
  std::string out(static_cast<size_t>(length), '\0');
  size_t done = 0;
  while (done < out.size()) {
    ssize_t r = ::pread(fd, out.data() + done, out.size() - done, offset + static_cast<int64_t>(done));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    done += static_cast<size_t>(r);
  }
  ::close(fd);
  if (done != out.size()) return AwsError::internal("object storage: the blob is shorter than its record");
  return out;
}

void remove_blob(const std::string& data_dir, const std::string& name) { ::unlink(blob_path(data_dir, name).c_str()); }

}  // namespace citadel::services::s3
