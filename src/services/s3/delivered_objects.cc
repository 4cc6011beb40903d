#include "services/s3/delivered_objects.h"

#include "services/s3/object_files.h"
#include "services/s3/s3_common.h"
#include "services/s3/s3_operations.h"
#include "services/s3/sse_kms.h"

namespace citadel::services::s3 {

Status put_delivered_object(Call& call, const DeliveredObject& object) {
  ObjectAttributes attrs{object.content_type, object.metadata, object.headers};
  BlobStore store = blob_store(call);
  if (!object.kms_key.empty()) {
    auto data_key = new_data_key(call, object.kms_account, object.kms_key, object.bucket, object.key, object.kms_context);
    if (!data_key) return data_key.error();
    for (auto& [h, v] : data_key->headers) attrs.headers[h] = v;
    store = blob_store_with_key(call, data_key->plaintext);
  }
  auto blob = write_blob(store, object.bytes);
  if (!blob) return blob.error();
  auto version = put_object_row(call, object.bucket, object.key, *blob, blob->md5_hex, attrs, 0);
  if (!version) {
    remove_blob(blob_store(call), blob->name);
    return version.error();
  }
  return Ok{};
}

}  // namespace citadel::services::s3
