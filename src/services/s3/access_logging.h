#pragma once
// S3 server access logging: PutBucketLogging / GetBucketLogging, and the delivery of access log
// records in S3's format to the target bucket. As in S3, records are delivered on a best-effort
// basis: the server keeps them in memory (at most kMaxBufferedRecords; beyond that the oldest are
// dropped and counted) and a background round writes each source bucket's records as one object
// TargetPrefix + YYYY-mm-DD-HH-MM-SS-UNIQUESTRING (or the partitioned form) in the target bucket,
// whose policy must let logging.s3.amazonaws.com put objects there.
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "services/service.h"

namespace citadel::services::s3 {

constexpr size_t kMaxBufferedRecords = 100000;

// One S3 request as its access log line describes it.
struct AccessRecord {
  std::string bucket, key;
  int64_t time_ms = 0;
  std::string remote_ip, requester, request_id, operation, request_uri, error_code, user_agent, version_id, host;
  std::string signature_version, auth_type, tls_version;
  int http_status = 0;
  int64_t bytes_sent = -1, object_size = -1, total_ms = 0;
};

class AccessLogBuffer {
 public:
  void add(AccessRecord r);
  std::vector<AccessRecord> take();
  uint64_t dropped() const;

 private:
  mutable std::mutex mu_;
  std::vector<AccessRecord> records_;
  uint64_t dropped_ = 0;
};

// The server's buffer (one per process).
AccessLogBuffer& access_log_buffer();

// S3's access log line for a record ("-" for what does not apply); `owner` is the bucket owner's
// canonical id.
std::string access_log_line(const AccessRecord& r, const std::string& owner);

// Writes the buffered records of buckets with logging on to their target buckets.
void deliver_access_logs(const Env& env, int64_t now_ms);

void add_logging_operations(std::vector<OperationDef>& ops);

}  // namespace citadel::services::s3
