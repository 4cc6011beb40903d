#pragma once
// The console's static files (console/ in the source tree: its script and style, and the charting
// library scripts/setup.sh installs from npm into console/vendor/), embedded in the binary at
// build time so that the one binary serves them.
#include <string_view>
#include <vector>

namespace citadel::server::console {

struct Asset {
  std::string_view name;          // "dashboard.js": served at /_citadel/assets/NAME
  std::string_view content_type;
  std::string_view bytes;
};

// nullptr when no such file was embedded (console/vendor/ is empty when setup has not run).
const Asset* find_asset(std::string_view name);

}  // namespace citadel::server::console
