#pragma once
// SQLite's write-ahead log read as its documented file format
// (https://www.sqlite.org/fileformat2.html#walformat), for two things SQLite's API does not say:
// which generation of the log is current (the header's salts, drawn anew each time the log starts
// over from its beginning), and where its last commit ends — exactly what SQLite's recovery keeps
// when it opens the database after a crash. The store uses them to answer, after a crash, whether
// a transaction that was committing when the process died did commit (Store::committed_since).
#include <cstdint>
#include <string>

namespace citadel::store {

struct WalEnd {
  bool valid = false;   // a well-formed header; a missing, empty or corrupt log holds no commit
  uint64_t salts = 0;   // salt-1 and salt-2 of the header: the log's generation
  uint64_t frames = 0;  // the frames up to and including the last commit frame recovery accepts
};

// Reads the log at `path` as SQLite's recovery does: frames count while their salts match the
// header's and their running checksum holds; the last commit frame among them ends the log.
WalEnd read_wal_end(const std::string& path);

// The salts of a log's header, as a write transaction finds them: read from the file when asked
// (8 bytes; not mapped, since another process — `citadel admin` — may truncate the log, and a
// mapped page past the end of a file is a SIGBUS).
class WalSalts {
 public:
  explicit WalSalts(std::string path) : path_(std::move(path)) {}
  ~WalSalts() { close(); }
  WalSalts(const WalSalts&) = delete;
  WalSalts& operator=(const WalSalts&) = delete;
  // 0 while the log has no header.
  uint64_t current();
  void close();

 private:
  std::string path_;
  int fd_ = -1;
};

}  // namespace citadel::store
