#include "services/s3/storage_metrics.h"

#include "services/cloudwatch/metric_store.h"

namespace citadel::services::s3 {

namespace {

Status put(store::Tx& tx, const store::Row& bucket, const char* name, const char* storage_type, const char* unit,
           double value, int64_t now_ms) {
  cloudwatch::MetricKey key{bucket.str(1), bucket.str(2), "AWS/S3", name,
                            {{"BucketName", bucket.str(0)}, {"StorageType", storage_type}}};
  return cloudwatch::put_value(tx, key, unit, value, now_ms, now_ms);
}

}  // namespace

Status publish_storage_metrics(store::Store& store, int64_t now_ms) {
  return store.write([&](store::Tx& tx) -> Status {
    // Current versions, plus noncurrent versions that are not delete markers.
    auto buckets = tx.query(
        "SELECT b.name, b.account_id, b.region, "
        "  (SELECT COUNT(*) FROM s3_objects o WHERE o.bucket = b.name) + "
        "  (SELECT COUNT(*) FROM s3_object_versions v WHERE v.bucket = b.name AND v.is_delete_marker = 0), "
        "  (SELECT COALESCE(SUM(size), 0) FROM s3_objects o WHERE o.bucket = b.name) + "
        "  (SELECT COALESCE(SUM(size), 0) FROM s3_object_versions v WHERE v.bucket = b.name AND v.is_delete_marker = 0) "
        "FROM s3_buckets b");
    if (!buckets) return buckets.error();
    for (const auto& b : *buckets) {
      if (auto s = put(tx, b, "NumberOfObjects", "AllStorageTypes", "Count", static_cast<double>(b.i64(3)), now_ms); !s) return s;
      if (auto s = put(tx, b, "BucketSizeBytes", "StandardStorage", "Bytes", static_cast<double>(b.i64(4)), now_ms); !s) return s;
    }
    return Ok{};
  });
}

}  // namespace citadel::services::s3
