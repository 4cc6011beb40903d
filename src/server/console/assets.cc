#include "server/console/assets.h"

namespace citadel::server::console {

namespace {

struct Embedded {
  const char* name;
  const char* content_type;
  const char* begin;
  const char* end;
};

#include "console_assets_table.inc"

}  // namespace

const Asset* find_asset(std::string_view name) {
  static const auto table = [] {
    std::vector<Asset> out;
    for (const Embedded* e : kEmbedded)
      out.push_back({e->name, e->content_type, std::string_view(e->begin, static_cast<size_t>(e->end - e->begin))});
    return out;
  }();
  for (const auto& a : table)
    if (a.name == name) return &a;
  return nullptr;
}

}  // namespace citadel::server::console
