#pragma once
// CloudTrail log file integrity validation: for each trail with validation on, one digest chain
// per account and region. Every digest period a digest file lists the log files delivered in it
// (with the SHA-256 of their uncompressed bytes), links to the previous digest, and is signed
// with the region's key (SHA256withRSA) over AWS's string to sign:
//   digestEndTime \n digestS3Bucket/digestS3Object \n hex(SHA-256(digest)) \n previousDigestSignature
// The signature travels in the object's metadata (signature, signature-algorithm), so
// `aws cloudtrail validate-logs` verifies it with the key ListPublicKeys gives.
#include "services/cloudtrail/trail_store.h"

namespace citadel::services::cloudtrail {

// Writes the digests of `trail` that are due at `now_ms`, in the caller's transaction.
Status write_due_digests(Call& call, const TrailRow& trail, int64_t digest_interval_ms);

// "20261124T111548Z" of a time.
std::string compact_time(int64_t ms);

}  // namespace citadel::services::cloudtrail
