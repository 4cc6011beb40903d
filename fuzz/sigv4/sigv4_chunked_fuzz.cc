// aws-chunked bodies are attacker-controlled bytes: decoding any of them, in every form, must end in
// a result or an error — never a crash, an overread or a hang.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "auth/aws_chunked.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  citadel::auth::SigV4Auth auth;
  auth.date = "20130524";
  auth.region = "us-east-1";
  auth.service = "s3";
  auth.amz_date = "20130524T000000Z";
  auth.signature = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
  for (const char* form : {"STREAMING-AWS4-HMAC-SHA256-PAYLOAD", "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
                           "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"}) {
    auth.payload_hash = form;
    auto decoded = citadel::auth::decode_aws_chunked(body, auth, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
    if (decoded && decoded->payload.size() > body.size()) __builtin_trap();  // never more bytes than came in
  }
  return 0;
}
