#pragma once
// A hash for unordered maps with std::string keys that are looked up by std::string_view
// (with std::equal_to<>): finding a key then builds no string, as a per-request lookup should.
#include <functional>
#include <string_view>

namespace citadel {

struct TransparentStringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

}  // namespace citadel
