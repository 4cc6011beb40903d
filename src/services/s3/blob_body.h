#pragma once
// The body of a PutObject or an UploadPart, streamed into a new blob as it arrives (RequestBody):
// the pipeline fills it before the call's transaction, the handler commits it under the object's
// encryption (store_request_body) or drops it.
#include <memory>
#include <string>

#include "services/s3/object_files.h"
#include "services/service.h"

namespace citadel::services::s3 {

class BlobBody : public RequestBody {
 public:
  // S3's largest object in one PUT, and its largest part.
  static constexpr int64_t kMaxSize = int64_t{5} << 30;
  explicit BlobBody(const std::string& data_dir) : writer_(data_dir) {}
  int64_t max_size() const override { return kMaxSize; }
  Status append(std::string_view bytes) override { return writer_.append(bytes); }
  Status finish() override { return writer_.sync(); }
  int64_t size() const override { return writer_.info().size; }
  std::string sha256_hex() const override;
  BlobWriter& writer() { return writer_; }

 private:
  BlobWriter writer_;
};

// OperationDef::streamed_body of PutObject and UploadPart.
std::unique_ptr<RequestBody> new_blob_body(const Env& env);

}  // namespace citadel::services::s3
