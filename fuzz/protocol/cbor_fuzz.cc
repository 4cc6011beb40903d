// Arbitrary bytes through the CBOR reader, and whatever it accepts back through the writer and
// the reader again: nothing may crash, hang or read out of bounds, and a value survives the trip.
#include <cmath>
#include <cstdint>
#include <string>

#include "protocol/cbor.h"

using namespace citadel::protocol;
namespace json = boost::json;

namespace {

// NaN never equals itself, so values holding one are not compared.
bool has_nan(const json::value& v) {
  if (v.is_double()) return std::isnan(v.get_double());
  if (v.is_array())
    for (auto& e : v.get_array())
      if (has_nan(e)) return true;
  if (v.is_object())
    for (auto& [k, e] : v.get_object())
      if (has_nan(e)) return true;
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto v = cbor::decode(in);
  if (!v.ok()) return 0;
  auto again = cbor::decode(cbor::encode(*v));
  if (!again.ok() || (!has_nan(*v) && *again != *v)) __builtin_trap();
  return 0;
}
