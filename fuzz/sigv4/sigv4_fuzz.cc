// Arbitrary Authorization headers, query strings, paths and bodies through SigV4 parsing and
// verification: nothing may crash, and nothing but the right signature may verify.
#include <cstdint>
#include <string>

#include "auth/sigv4.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string in(reinterpret_cast<const char*>(data), size);
  // Split the input into path | query | authorization | date | body on '\n'.
  std::string parts[5];
  size_t p = 0;
  for (int i = 0; i < 5; ++i) {
    size_t nl = i == 4 ? std::string::npos : in.find('\n', p);
    parts[i] = in.substr(p, nl == std::string::npos ? std::string::npos : nl - p);
    if (nl == std::string::npos) break;
    p = nl + 1;
  }
  citadel::auth::SigV4Request req{"POST", parts[0], parts[1], {}, parts[4]};
  req.headers = {{"Host", "127.0.0.1:4566"}, {"Authorization", parts[2]}, {"X-Amz-Date", parts[3]}};
  auto a = citadel::auth::parse_sigv4(req);
  if (a.ok()) {
    for (bool normalize : {true, false}) {
      citadel::auth::SigV4Options opt;
      opt.normalize_path = opt.double_encode = normalize;
      auto s = citadel::auth::verify_sigv4(req, a.value(), "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", 1440938160000, opt);
      (void)s;
    }
  }
  return 0;
}
