#include "services/cloudtrail/journal_records.h"

#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "services/cloudtrail/api_call_record.h"

namespace citadel::services::cloudtrail::journal {

namespace {

// Payload: the event's fields in a fixed order, strings as u32 length + bytes (no escaping:
// the CloudTrail JSON is copied as it is).
void put_u32(std::string& out, uint32_t v) { out.append(reinterpret_cast<const char*>(&v), 4); }
void put_str(std::string& out, std::string_view s) {
  put_u32(out, static_cast<uint32_t>(s.size()));
  out.append(s);
}

// Bump when the payload layout changes; replay still reads the older ones. Format 3 lacks the
// error code; format 4 the caller's entity ARN and whether a transaction marker decides; format 6
// is format 5 with an API call's fields in place of its JSON. From format 5 on, the byte of the
// commit kind (RecordCommit) is followed, for kPoint, by the point's four words.
constexpr char kFormatApiCall = 6;
constexpr char kFormat = 5;
constexpr char kFormatWithoutEntity = 4;
constexpr char kFormatWithoutErrorCode = 3;

class Reader {
 public:
  explicit Reader(std::string_view s) : s_(s) {}
  bool u32(uint32_t& v) { return raw(&v, 4); }
  bool i64(int64_t& v) { return raw(&v, 8); }
  bool u64(uint64_t& v) { return raw(&v, 8); }
  bool byte(uint8_t& v) { return raw(&v, 1); }
  bool str(std::string& v) {
    std::string_view view;
    if (!skip_str(view)) return false;
    v.assign(view);
    return true;
  }
  bool skip_str(std::string_view& v) {
    uint32_t n;
    if (!u32(n) || n > s_.size()) return false;
    v = s_.substr(0, n);
    s_.remove_prefix(n);
    return true;
  }
  bool done() const { return s_.empty(); }
  std::string_view rest() const { return s_; }

 private:
  bool raw(void* p, size_t n) {
    if (s_.size() < n) return false;
    std::memcpy(p, s_.data(), n);
    s_.remove_prefix(n);
    return true;
  }
  std::string_view s_;
};

}  // namespace

// A 64-bit multiply-xorshift hash over 8-byte words: catches torn and corrupt records, not an
// adversary (the journal lives in the private data directory).
uint64_t checksum(std::string_view s) {
  uint64_t h = 0x9E3779B97F4A7C15ULL ^ s.size();
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    h = (h ^ w) * 0xBF58476D1CE4E5B9ULL;
    h ^= h >> 31;
  }
  for (; i < s.size(); ++i) h = (h ^ static_cast<unsigned char>(s[i])) * 0x94D049BB133111EBULL;
  return h ^ (h >> 29);
}

size_t encode(const StoredEvent& e, const RecordCommit& commit, std::string& out) {
  size_t start = out.size();
  bool api_call = !e.api_call.empty();
  out.push_back(api_call ? kFormatApiCall : kFormat);
  put_str(out, e.account_id);
  put_str(out, e.event_id);
  out.append(reinterpret_cast<const char*>(&e.event_time_ms), 8);
  put_str(out, e.event_name);
  put_str(out, e.event_source);
  put_str(out, e.username);
  put_str(out, e.access_key_id);
  put_str(out, e.region);
  out.push_back(e.read_only ? 1 : 0);
  put_str(out, e.error_code);
  put_str(out, e.entity_arn);
  out.push_back(static_cast<char>(commit.kind));
  if (commit.kind == RecordCommit::kPoint)
    for (uint64_t w : {commit.point.run, commit.point.commits, commit.point.log, commit.point.log_end})
      out.append(reinterpret_cast<const char*>(&w), 8);
  put_u32(out, static_cast<uint32_t>(e.resources.size()));
  for (auto& [t, n] : e.resources) {
    put_str(out, t);
    put_str(out, n);
  }
  if (api_call) {
    out.append(e.api_call);  // the rest of the payload
    return out.size() - start;
  }
  put_str(out, e.event_json);
  return e.event_json.size();
}

bool decode(std::string_view payload, StoredEvent& e, RecordCommit& commit, std::string_view* api_call) {
  Reader r(payload);
  uint8_t format = 0, ro = 0, in_tx = 0;
  uint32_t nres = 0;
  if (!r.byte(format) || (format != kFormatApiCall && format != kFormat && format != kFormatWithoutEntity &&
                          format != kFormatWithoutErrorCode))
    return false;
  if (!r.str(e.account_id) || !r.str(e.event_id) || !r.i64(e.event_time_ms) || !r.str(e.event_name) ||
      !r.str(e.event_source) || !r.str(e.username) || !r.str(e.access_key_id) || !r.str(e.region) || !r.byte(ro))
    return false;
  e.error_code.clear();
  e.entity_arn.clear();
  if (format >= kFormatWithoutEntity && !r.str(e.error_code)) return false;
  if (format >= kFormat && (!r.str(e.entity_arn) || !r.byte(in_tx))) return false;
  if (in_tx > RecordCommit::kPoint) return false;
  commit.kind = static_cast<RecordCommit::Kind>(in_tx);
  if (commit.kind == RecordCommit::kPoint &&
      !(r.u64(commit.point.run) && r.u64(commit.point.commits) && r.u64(commit.point.log) && r.u64(commit.point.log_end)))
    return false;
  if (!r.u32(nres) || nres > payload.size()) return false;
  e.read_only = ro != 0;
  e.resources.resize(nres);
  for (auto& [type, name] : e.resources)
    if (!r.str(type) || !r.str(name)) return false;
  e.event_json.clear();
  if (format == kFormatApiCall) {
    if (api_call) *api_call = r.rest();
    e.json_length = static_cast<int64_t>(payload.size());
    return true;
  }
  std::string_view json;
  if (!r.skip_str(json) || !r.done()) return false;
  e.json_length = static_cast<int64_t>(json.size());
  return true;
}

Result<std::string> record_json(std::string_view readable) {
  if (!readable.empty() && readable.front() == '{') return std::string(readable);
  thread_local StoredEvent e;  // reused: its strings keep their capacity
  RecordCommit commit;
  std::string_view api_call;
  if (readable.empty() || readable.front() != kFormatApiCall || !decode(readable, e, commit, &api_call))
    return AwsError::internal("an audit record does not decode");
  return render_api_call(e, api_call);
}

void locate_json(StoredEvent& e, int64_t segment, uint64_t record_end) {
  e.segment = segment;
  e.json_offset = static_cast<int64_t>(record_end) - e.json_length;
}


bool SegmentReader::next(StoredEvent& e, RecordCommit& commit) {
  if (!fill(kHeader)) return false;
  uint32_t len;
  uint64_t sum;
  std::memcpy(&len, buf_.data() + pos_, 4);
  std::memcpy(&sum, buf_.data() + pos_ + 4, 8);
  commit.rolled_back = (len & kRolledBack) != 0;
  len &= ~kRolledBack;
  if (!fill(kHeader + len)) return false;
  std::string_view payload(buf_.data() + pos_ + kHeader, len);
  if ((verify_ && checksum(payload) != sum) || !decode(payload, e, commit)) return false;
  pos_ += kHeader + len;
  offset_ += kHeader + len;
  locate_json(e, segment_, offset_);
  json_ = std::string_view(buf_.data() + pos_ - e.json_length, static_cast<size_t>(e.json_length));
  return true;
}

bool SegmentReader::fill(size_t n) {
  if (offset_ + n > limit_) return false;
  if (pos_ + n <= len_) return true;
  std::memmove(buf_.data(), buf_.data() + pos_, len_ - pos_);
  len_ -= pos_;
  pos_ = 0;
  if (buf_.size() < std::max(n, kChunk)) buf_.resize(std::max(n, kChunk));
  while (len_ < n) {
    uint64_t want = std::min<uint64_t>(buf_.size() - len_, limit_ - (offset_ + len_));
    if (want == 0) return false;
    ssize_t got = ::pread(fd_, buf_.data() + len_, want, static_cast<off_t>(offset_ + len_));
    if (got <= 0) return false;
    len_ += static_cast<size_t>(got);
  }
  return true;
}

}  // namespace citadel::services::cloudtrail::journal
