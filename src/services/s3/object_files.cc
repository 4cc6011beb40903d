#include "services/s3/object_files.h"

#include <fcntl.h>
#include <openssl/crypto.h>
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

constexpr std::string_view kMagic = "CSB1";
constexpr std::string_view kMagicKms = "CSB2";  // the blob key is also wrapped by an SSE-KMS data key
constexpr size_t kSegment = 64 * 1024;         // plaintext bytes per segment
constexpr size_t kSealOverhead = 12 + 16;      // nonce + tag
constexpr size_t kSealedSegment = kSegment + kSealOverhead;

std::string blob_dir(const BlobStore& s) { return s.data_dir + "/s3/blobs"; }
std::string blob_path(const BlobStore& s, const std::string& name) { return blob_dir(s) + "/" + name; }
std::string key_context(const std::string& name) { return "citadel/s3/blob/" + name; }
std::string segment_aad(const std::string& name, uint64_t index) {
  std::string aad = name;
  for (int i = 7; i >= 0; --i) aad.push_back(static_cast<char>(index >> (8 * i)));
  return aad;
}

// MD5 (the ETag), CRC32 and SHA-256 (S3's checksums) of the plaintext as it streams past.
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

Status write_all(int fd, const char* data, size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd, data, n);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) return io_error("write");
    data += w;
    n -= static_cast<size_t>(w);
  }
  return Ok{};
}

// A blob being written under a temporary name; removed unless committed.
class PendingBlob {
 public:
  explicit PendingBlob(const BlobStore& store) : store_(store) {
    std::error_code ec;
    std::filesystem::create_directories(blob_dir(store), ec);
    info_.name = crypto::to_hex(reinterpret_cast<const uint8_t*>(crypto::random_bytes(16).data()), 16);
    tmp_ = blob_path(store, info_.name) + ".tmp";
    fd_ = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    key_ = crypto::random_bytes(32);
    buffer_.reserve(kSegment);
  }
  ~PendingBlob() {
    OPENSSL_cleanse(key_.data(), key_.size());
    if (fd_ >= 0) ::close(fd_);
    if (!committed_) ::unlink(tmp_.c_str());
  }
  Status open() {
    if (fd_ < 0) return io_error("create");
    std::string wrapped = store_.data_key.empty() ? key_ : crypto::aes256gcm_seal(store_.data_key, key_, key_context(info_.name));
    std::string sealed = store_.secrets->seal(wrapped, key_context(info_.name));
    std::string header(store_.data_key.empty() ? kMagic : kMagicKms);
    header.push_back(static_cast<char>(sealed.size() >> 8));
    header.push_back(static_cast<char>(sealed.size() & 0xff));
    header += sealed;
    return write_all(fd_, header.data(), header.size());
  }
  Status append(const char* data, size_t n) {
    digests_.update(data, n);
    info_.size += static_cast<int64_t>(n);
    while (n > 0) {
      size_t take = std::min(n, kSegment - buffer_.size());
      buffer_.append(data, take);
      data += take;
      n -= take;
      if (buffer_.size() == kSegment)
        if (auto s = flush(); !s) return s;
    }
    return Ok{};
  }
  // The bytes reach the disk before the row that names them is committed.
  Result<BlobInfo> commit() {
    if (!buffer_.empty())
      if (auto s = flush(); !s) return s.error();
    if (::fsync(fd_) != 0) return io_error("fsync");
    ::close(fd_);
    fd_ = -1;
    if (::rename(tmp_.c_str(), blob_path(store_, info_.name).c_str()) != 0) return io_error("rename");
    committed_ = true;
    digests_.finish(info_);
    return info_;
  }

 private:
  Status flush() {
    std::string sealed = crypto::aes256gcm_seal(key_, buffer_, segment_aad(info_.name, segment_++));
    OPENSSL_cleanse(buffer_.data(), buffer_.size());
    buffer_.clear();
    return write_all(fd_, sealed.data(), sealed.size());
  }

  BlobStore store_;
  std::string tmp_, key_, buffer_;
  int fd_ = -1;
  bool committed_ = false;
  uint64_t segment_ = 0;
  BlobInfo info_;
  Digests digests_;
};

// An open blob: its key and where its segments start.
class BlobReader {
 public:
  ~BlobReader() {
    OPENSSL_cleanse(key_.data(), key_.size());
    if (fd_ >= 0) ::close(fd_);
  }
  Status open(const BlobStore& store, const std::string& name) {
    name_ = name;
    fd_ = ::open(blob_path(store, name).c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) return io_error("open");
    char head[6];
    if (!read_at(head, sizeof head, 0)) return corrupt();
    bool kms = std::string_view(head, 4) == kMagicKms;
    if (!kms && std::string_view(head, 4) != kMagic) return corrupt();
    size_t sealed_len = (static_cast<unsigned char>(head[4]) << 8) | static_cast<unsigned char>(head[5]);
    std::string sealed(sealed_len, '\0');
    if (!read_at(sealed.data(), sealed_len, 6)) return corrupt();
    auto key = store.secrets->open_sealed(sealed, key_context(name));
    if (key && kms) key = store.data_key.empty() ? std::nullopt : crypto::aes256gcm_open(store.data_key, *key, key_context(name));
    if (!key) return corrupt();
    key_ = std::move(*key);
    data_start_ = static_cast<int64_t>(6 + sealed_len);
    struct stat st {};
    if (::fstat(fd_, &st) != 0) return io_error("stat");
    int64_t sealed_bytes = st.st_size - data_start_;
    int64_t full = sealed_bytes / static_cast<int64_t>(kSealedSegment), rest = sealed_bytes % static_cast<int64_t>(kSealedSegment);
    size_ = full * static_cast<int64_t>(kSegment) + (rest > 0 ? rest - static_cast<int64_t>(kSealOverhead) : 0);
    return Ok{};
  }
  int64_t size() const { return size_; }
  // Appends the plaintext of [offset, offset + length) to `out`.
  Status read(int64_t offset, int64_t length, std::string& out) {
    if (offset < 0 || length < 0 || offset + length > size_) return corrupt();
    while (length > 0) {
      uint64_t index = static_cast<uint64_t>(offset) / kSegment;
      int64_t seg_start = static_cast<int64_t>(index * kSegment);
      size_t seg_plain = static_cast<size_t>(std::min<int64_t>(static_cast<int64_t>(kSegment), size_ - seg_start));
      std::string sealed(seg_plain + kSealOverhead, '\0');
      if (!read_at(sealed.data(), sealed.size(), data_start_ + static_cast<int64_t>(index * kSealedSegment))) return corrupt();
      auto plain = crypto::aes256gcm_open(key_, sealed, segment_aad(name_, index));
      if (!plain) return corrupt();
      size_t from = static_cast<size_t>(offset - seg_start);
      size_t take = static_cast<size_t>(std::min<int64_t>(length, static_cast<int64_t>(plain->size() - from)));
      out.append(*plain, from, take);
      OPENSSL_cleanse(plain->data(), plain->size());
      offset += static_cast<int64_t>(take);
      length -= static_cast<int64_t>(take);
    }
    return Ok{};
  }

 private:
  bool read_at(char* out, size_t n, int64_t at) {
    size_t done = 0;
    while (done < n) {
      ssize_t r = ::pread(fd_, out + done, n - done, at + static_cast<int64_t>(done));
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) return false;
      done += static_cast<size_t>(r);
    }
    return true;
  }
  AwsError corrupt() const { return AwsError::internal("object storage: blob " + name_ + " is damaged or not this deployment's"); }

  std::string name_, key_;
  int fd_ = -1;
  int64_t data_start_ = 0, size_ = 0;
};

// Appends [offset, offset + length) of blob `name` (length -1: to its end) to `out`, 1 MiB at a time.
Status append_range(const BlobStore& store, const std::string& name, int64_t offset, int64_t length, PendingBlob& out) {
  BlobReader in;
  if (auto s = in.open(store, name); !s) return s;
  if (length < 0) length = in.size() - offset;
  std::string buf;
  while (length > 0) {
    int64_t take = std::min<int64_t>(length, 1 << 20);
    buf.clear();
    if (auto s = in.read(offset, take, buf); !s) return s;
    if (auto s = out.append(buf.data(), buf.size()); !s) return s;
    offset += take;
    length -= take;
  }
  OPENSSL_cleanse(buf.data(), buf.size());
  return Ok{};
}

}  // namespace

Result<BlobInfo> write_blob(const BlobStore& store, std::string_view bytes) {
  PendingBlob blob(store);
  if (auto s = blob.open(); !s) return s.error();
  if (auto s = blob.append(bytes.data(), bytes.size()); !s) return s.error();
  return blob.commit();
}

Result<BlobInfo> concat_blobs(const BlobStore& from, const BlobStore& to, const std::vector<std::string>& parts) {
  PendingBlob blob(to);
  if (auto s = blob.open(); !s) return s.error();
  for (const auto& part : parts)
    if (auto s = append_range(from, part, 0, -1, blob); !s) return s.error();
  return blob.commit();
}

Result<BlobInfo> copy_blob_range(const BlobStore& from, const BlobStore& to, const std::string& name, int64_t offset,
                                 int64_t length) {
  PendingBlob blob(to);
  if (auto s = blob.open(); !s) return s.error();
  if (auto s = append_range(from, name, offset, length, blob); !s) return s.error();
  return blob.commit();
}

Result<std::string> read_blob(const BlobStore& store, const std::string& name, int64_t offset, int64_t length) {
  BlobReader in;
  if (auto s = in.open(store, name); !s) return s.error();
  std::string out;
  out.reserve(static_cast<size_t>(length));
  if (auto s = in.read(offset, length, out); !s) return s.error();
  return out;
}

void remove_blob(const BlobStore& store, const std::string& name) { ::unlink(blob_path(store, name).c_str()); }

}  // namespace citadel::services::s3
