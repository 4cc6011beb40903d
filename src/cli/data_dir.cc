#include "cli/data_dir.h"

#include <sys/stat.h>

#include <filesystem>

namespace citadel::cli {

Result<DataDir> open_data_dir(const std::string& dir, const services::Registry& registry, store::Durability durability) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return AwsError::internal("cannot create data directory " + dir + ": " + ec.message());
  ::chmod(dir.c_str(), 0700);
  auto box = store::SecretBox::open(dir);
  if (!box) return box.error();
  auto st = store::open_sqlite(dir + "/citadel.db", durability);
  if (!st) return st.error();
  if (auto m = st.value()->migrate(registry.migrations()); !m) return m.error();
  return DataDir{std::move(st.value()), std::make_unique<store::SecretBox>(std::move(box.value()))};
}

}  // namespace citadel::cli
