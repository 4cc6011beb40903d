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
constexpr std::string_view kMagicFixed = "CSB3";     // CSB1 with a fixed-size header
constexpr std::string_view kMagicFixedKms = "CSB4";  // CSB2 with a fixed-size header
constexpr size_t kFixedHeader = 512;

std::string blob_dir(const std::string& data_dir) { return data_dir + "/s3/blobs"; }
std::string blob_path(const BlobStore& s, const std::string& name) { return blob_dir(s.data_dir) + "/" + name; }
std::string key_context(const std::string& name) { return "citadel/s3/blob/" + name; }
std::string segment_aad(const std::string& name, uint64_t index) {
  std::string aad = name;
  for (int i = 7; i >= 0; --i) aad.push_back(static_cast<char>(index >> (8 * i)));
  return aad;
}

AwsError io_error(const std::string& what) {
  return AwsError::internal("object storage: " + what + ": " + std::strerror(errno));
}

Status write_all(int fd, const char* data, size_t n, int64_t at) {
  while (n > 0) {
    ssize_t w = ::pwrite(fd, data, n, at);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) return io_error("write");
    data += w;
    at += w;
    n -= static_cast<size_t>(w);
  }
  return Ok{};
}

}  // namespace

// MD5 (the ETag), CRC32 and SHA-256 (S3's checksums) of the plaintext as it streams past.
class BlobWriter::Digests {
 public:
  void update(std::string_view data) {
    md5_.update(data);
    sha_.update(data);
    crc_.process_bytes(data.data(), data.size());
  }
  void finish(BlobInfo& info) {
    std::string md5 = md5_.finish();
    info.md5_hex = crypto::to_hex(reinterpret_cast<const uint8_t*>(md5.data()), md5.size());
    info.sha256_b64 = crypto::base64_encode(sha_.finish());
    uint32_t c = crc_.checksum();
    char be[4] = {static_cast<char>(c >> 24), static_cast<char>(c >> 16), static_cast<char>(c >> 8), static_cast<char>(c)};
    info.crc32_b64 = crypto::base64_encode(std::string_view(be, 4));
  }

 private:
  crypto::IncrementalDigest md5_{crypto::IncrementalDigest::Algorithm::Md5}, sha_{crypto::IncrementalDigest::Algorithm::Sha256};
  boost::crc_32_type crc_;
};

BlobWriter::BlobWriter(const std::string& data_dir) : data_dir_(data_dir), digests_(std::make_unique<Digests>()) {
  std::error_code ec;
  std::filesystem::create_directories(blob_dir(data_dir_), ec);
  info_.name = crypto::to_hex(reinterpret_cast<const uint8_t*>(crypto::random_bytes(16).data()), 16);
  tmp_ = blob_dir(data_dir_) + "/" + info_.name + ".tmp";
  fd_ = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  key_ = crypto::random_bytes(32);
  buffer_.reserve(kSegment);
}

BlobWriter::~BlobWriter() {
  OPENSSL_cleanse(key_.data(), key_.size());
  OPENSSL_cleanse(buffer_.data(), buffer_.size());
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) ::unlink(tmp_.c_str());
}

Status BlobWriter::append(std::string_view bytes) {
  if (fd_ < 0) return io_error("create");
  if (finished_) return AwsError::internal("object storage: append after finish");
  digests_->update(bytes);
  info_.size += static_cast<int64_t>(bytes.size());
  while (!bytes.empty()) {
    size_t take = std::min(bytes.size(), kSegment - buffer_.size());
    buffer_.append(bytes.substr(0, take));
    bytes.remove_prefix(take);
    if (buffer_.size() == kSegment)
      if (auto s = flush(); !s) return s;
  }
  return Ok{};
}

Status BlobWriter::flush() {
  std::string sealed = crypto::aes256gcm_seal(key_, buffer_, segment_aad(info_.name, segment_));
  OPENSSL_cleanse(buffer_.data(), buffer_.size());
  buffer_.clear();
  auto at = static_cast<int64_t>(kFixedHeader + segment_++ * kSealedSegment);
  return write_all(fd_, sealed.data(), sealed.size(), at);
}

Status BlobWriter::finish() {
  if (fd_ < 0) return io_error("create");
  if (finished_) return Ok{};
  if (!buffer_.empty())
    if (auto s = flush(); !s) return s;
  finished_ = true;
  digests_->finish(info_);
  return Ok{};
}

Status BlobWriter::sync() {
  if (auto s = finish(); !s) return s;
  if (::fdatasync(fd_) != 0) return io_error("fdatasync");
  return Ok{};
}

Result<BlobInfo> BlobWriter::commit(const BlobStore& store) {
  if (auto s = finish(); !s) return s.error();
  if (committed_) return AwsError::internal("object storage: blob committed twice");
  std::string wrapped = store.data_key.empty() ? key_ : crypto::aes256gcm_seal(store.data_key, key_, key_context(info_.name));
  std::string sealed = store.secrets->seal(wrapped, key_context(info_.name));
  std::string header(store.data_key.empty() ? kMagicFixed : kMagicFixedKms);
  header.push_back(static_cast<char>(sealed.size() >> 8));
  header.push_back(static_cast<char>(sealed.size() & 0xff));
  header += sealed;
  if (header.size() > kFixedHeader) return AwsError::internal("object storage: sealed blob key too large for its header");
  header.resize(kFixedHeader, '\0');
  if (auto s = write_all(fd_, header.data(), header.size(), 0); !s) return s.error();
  if (::fsync(fd_) != 0) return io_error("fsync");
  ::close(fd_);
  fd_ = -1;
  if (::rename(tmp_.c_str(), blob_path(store, info_.name).c_str()) != 0) return io_error("rename");
  committed_ = true;
  return info_;
}

namespace {

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
    std::string_view magic(head, 4);
    bool fixed = magic == kMagicFixed || magic == kMagicFixedKms;
    bool kms = magic == kMagicKms || magic == kMagicFixedKms;
    if (!fixed && !kms && magic != kMagic) return corrupt();
    size_t sealed_len = (static_cast<unsigned char>(head[4]) << 8) | static_cast<unsigned char>(head[5]);
    std::string sealed(sealed_len, '\0');
    if (!read_at(sealed.data(), sealed_len, 6)) return corrupt();
    auto key = store.secrets->open_sealed(sealed, key_context(name));
    if (key && kms) key = store.data_key.empty() ? std::nullopt : crypto::aes256gcm_open(store.data_key, *key, key_context(name));
    if (!key) return corrupt();
    key_ = std::move(*key);
    data_start_ = static_cast<int64_t>(fixed ? kFixedHeader : 6 + sealed_len);
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
Status append_range(const BlobStore& store, const std::string& name, int64_t offset, int64_t length, BlobWriter& out) {
  BlobReader in;
  if (auto s = in.open(store, name); !s) return s;
  if (length < 0) length = in.size() - offset;
  std::string buf;
  while (length > 0) {
    int64_t take = std::min<int64_t>(length, 1 << 20);
    buf.clear();
    if (auto s = in.read(offset, take, buf); !s) return s;
    if (auto s = out.append(buf); !s) return s;
    offset += take;
    length -= take;
  }
  OPENSSL_cleanse(buf.data(), buf.size());
  return Ok{};
}

// A response body from a blob: a few segments are decrypted at a time, as the connection drains them.
class BlobSource : public protocol::BodySource {
 public:
  static constexpr int64_t kPiece = 4 * static_cast<int64_t>(kSegment);
  BlobSource(int64_t offset, int64_t length) : offset_(offset), remaining_(length) {}
  ~BlobSource() override { OPENSSL_cleanse(buf_.data(), buf_.size()); }
  BlobReader& reader() { return in_; }
  int64_t size() const override { return size_; }
  Result<std::string_view> next() override {
    OPENSSL_cleanse(buf_.data(), buf_.size());
    buf_.clear();
    if (remaining_ == 0) return std::string_view();
    int64_t take = std::min(remaining_, kPiece - offset_ % static_cast<int64_t>(kSegment));
    if (auto s = in_.read(offset_, take, buf_); !s) return s.error();
    offset_ += take;
    remaining_ -= take;
    return std::string_view(buf_);
  }

 private:
  BlobReader in_;
  int64_t offset_, remaining_, size_ = remaining_;
  std::string buf_;
};

}  // namespace

Result<BlobInfo> write_blob(const BlobStore& store, std::string_view bytes) {
  BlobWriter blob(store.data_dir);
  if (auto s = blob.append(bytes); !s) return s.error();
  return blob.commit(store);
}

Result<BlobInfo> concat_blobs(const BlobStore& from, const BlobStore& to, const std::vector<std::string>& parts) {
  BlobWriter blob(to.data_dir);
  for (const auto& part : parts)
    if (auto s = append_range(from, part, 0, -1, blob); !s) return s.error();
  return blob.commit(to);
}

Result<BlobInfo> copy_blob_range(const BlobStore& from, const BlobStore& to, const std::string& name, int64_t offset,
                                 int64_t length) {
  BlobWriter blob(to.data_dir);
  if (auto s = append_range(from, name, offset, length, blob); !s) return s.error();
  return blob.commit(to);
}

Result<std::shared_ptr<protocol::BodySource>> open_blob_source(const BlobStore& store, const std::string& name, int64_t offset,
                                                               int64_t length) {
  auto source = std::make_shared<BlobSource>(offset, length);
  if (auto s = source->reader().open(store, name); !s) return s.error();
  if (offset < 0 || length < 0 || offset + length > source->reader().size())
    return AwsError::internal("object storage: blob " + name + " is shorter than its object");
  return std::shared_ptr<protocol::BodySource>(std::move(source));
}

void remove_blob(const BlobStore& store, const std::string& name) { ::unlink(blob_path(store, name).c_str()); }

size_t sweep_unfinished_uploads(const std::string& data_dir) {
  std::error_code ec;
  size_t removed = 0;
  for (const auto& entry : std::filesystem::directory_iterator(blob_dir(data_dir), ec))
    if (entry.path().extension() == ".tmp" && std::filesystem::remove(entry.path(), ec)) ++removed;
  return removed;
}

}  // namespace citadel::services::s3
