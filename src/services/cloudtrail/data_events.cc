#include "services/cloudtrail/data_events.h"

#include <algorithm>
#include <array>

namespace citadel::services::cloudtrail {

namespace {
// S3's object-level operations (Amazon S3 User Guide, "Amazon S3 CloudTrail events"); sorted.
constexpr std::array<std::string_view, 24> kS3ObjectOperations{
    "AbortMultipartUpload", "CompleteMultipartUpload", "CopyObject",          "CreateMultipartUpload",
    "DeleteObject",         "DeleteObjectTagging",     "DeleteObjects",       "GetObject",
    "GetObjectAcl",         "GetObjectAttributes",     "GetObjectLegalHold",  "GetObjectRetention",
    "GetObjectTagging",     "GetObjectTorrent",        "HeadObject",          "ListParts",
    "PutObject",            "PutObjectAcl",            "PutObjectLegalHold",  "PutObjectRetention",
    "PutObjectTagging",     "RestoreObject",           "UploadPart",          "UploadPartCopy"};
}  // namespace

bool is_data_event(std::string_view event_source, std::string_view event_name) {
  if (event_source != "s3.amazonaws.com") return false;
  return std::binary_search(kS3ObjectOperations.begin(), kS3ObjectOperations.end(), event_name);
}

}  // namespace citadel::services::cloudtrail
