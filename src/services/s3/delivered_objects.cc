#include "services/s3/delivered_objects.h"

#include "services/s3/object_files.h"
#include "services/s3/s3_common.h"
#include "services/s3/s3_operations.h"

namespace citadel::services::s3 {

Status put_delivered_object(Call& call, const DeliveredObject& object) {
  auto blob = write_blob(blob_store(call), object.bytes);
  if (!blob) return blob.error();
  ObjectAttributes attrs{object.content_type, object.metadata, object.headers};
  auto version = put_object_row(call, object.bucket, object.key, *blob, blob->md5_hex, attrs, 0);
  if (!version) {
    remove_blob(blob_store(call), blob->name);
    return version.error();
  }
  return Ok{};
}

}  // namespace citadel::services::s3
