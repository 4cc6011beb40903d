// libFuzzer target: a whole `citadel policy eval` request (principal, context, every policy
// kind) loaded, evaluated and rendered.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "policy/request_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  policy::RequestError err;
  auto loaded = policy::LoadedRequest::load(text, &err);
  if (!loaded) {
    (void)policy::request_error_to_json(err);
    return 0;
  }
  policy::Decision d = policy::evaluate(loaded->request(), loaded->policies());
  (void)policy::decision_to_json(d);
  return 0;
}
