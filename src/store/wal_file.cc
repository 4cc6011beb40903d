#include "store/wal_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <vector>

namespace citadel::store {

namespace {

constexpr size_t kWalHeader = 32;
constexpr size_t kFrameHeader = 24;
constexpr uint32_t kMagic = 0x377f0682;  // the low bit says the checksums read words big-endian
constexpr uint32_t kVersion = 3007000;

uint32_t big_endian(const unsigned char* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}
uint32_t little_endian(const unsigned char* p) {
  return (uint32_t{p[3]} << 24) | (uint32_t{p[2]} << 16) | (uint32_t{p[1]} << 8) | p[0];
}

// The log's checksum: over 32-bit words in the byte order the magic names, two running sums.
struct Checksum {
  bool big;
  uint32_t s0 = 0, s1 = 0;
  void add(const unsigned char* p, size_t n) {
    for (size_t i = 0; i + 8 <= n; i += 8) {
      uint32_t a = big ? big_endian(p + i) : little_endian(p + i);
      uint32_t b = big ? big_endian(p + i + 4) : little_endian(p + i + 4);
      s0 += a + s1;
      s1 += b + s0;
    }
  }
  bool matches(const unsigned char* stored) const { return big_endian(stored) == s0 && big_endian(stored + 4) == s1; }
};

uint64_t salts_of(const unsigned char* header) {
  return (uint64_t{big_endian(header + 16)} << 32) | big_endian(header + 20);
}

bool read_all(int fd, unsigned char* p, size_t n, off_t at) {
  while (n > 0) {
    ssize_t r = ::pread(fd, p, n, at);
    if (r <= 0) return false;
    p += r, n -= static_cast<size_t>(r), at += r;
  }
  return true;
}

}  // namespace

WalEnd read_wal_end(const std::string& path) {
  WalEnd end;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return end;
  unsigned char h[kWalHeader];
  if (!read_all(fd, h, kWalHeader, 0)) {
    ::close(fd);
    return end;
  }
  uint32_t magic = big_endian(h), page = big_endian(h + 8);
  Checksum sum{(magic & 1) != 0};
  sum.add(h, 24);
  if ((magic & ~1u) != kMagic || big_endian(h + 4) != kVersion || page < 512 || page > 65536 || (page & (page - 1)) ||
      !sum.matches(h + 24)) {
    ::close(fd);
    return end;
  }
  end.valid = true;
  end.salts = salts_of(h);
  // Frame by frame, the running checksum carried on from the header's.
  std::vector<unsigned char> frame(kFrameHeader + page);
  off_t at = kWalHeader;
  for (uint64_t n = 1; read_all(fd, frame.data(), frame.size(), at); ++n, at += static_cast<off_t>(frame.size())) {
    const unsigned char* fh = frame.data();
    if (big_endian(fh) == 0 || std::memcmp(fh + 8, h + 16, 8) != 0) break;
    sum.add(fh, 8);
    sum.add(fh + kFrameHeader, page);
    if (!sum.matches(fh + 16)) break;
    if (big_endian(fh + 4) != 0) end.frames = n;  // a commit frame: the database's size after it
  }
  ::close(fd);
  return end;
}

void WalSalts::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

uint64_t WalSalts::current() {
  // Kept open: SQLite truncates the log in place but never deletes it while a connection is open.
  if (fd_ < 0) fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  unsigned char h[24];  // the header up to its salts
  if (fd_ < 0 || ::pread(fd_, h, sizeof h, 0) != static_cast<ssize_t>(sizeof h)) return 0;
  return salts_of(h);
}

}  // namespace citadel::store
