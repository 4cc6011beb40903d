#pragma once
// S3's daily storage metrics, published each round of the usage metrics job instead of once a day
// (so a dashboard or alarm sees a change within the round), for every bucket:
//   AWS/S3 BucketSizeBytes  {BucketName, StorageType=StandardStorage}  bytes of every version (Bytes)
//   AWS/S3 NumberOfObjects  {BucketName, StorageType=AllStorageTypes}  every version, delete
//                                                                      markers excluded (Count)
// in the bucket owner's account and the bucket's region.
#include <cstdint>

#include "base/error.h"
#include "store/store.h"

namespace citadel::services::s3 {

Status publish_storage_metrics(store::Store& store, int64_t now_ms);

}  // namespace citadel::services::s3
