#pragma once
// Opening a data directory: the SQLite store with every migration applied and the master key.
#include <memory>
#include <string>

#include "base/error.h"
#include "services/service.h"
#include "store/secret_box.h"
#include "store/store.h"

namespace citadel::cli {

struct DataDir {
  std::unique_ptr<store::Store> store;
  std::unique_ptr<store::SecretBox> secrets;
};

Result<DataDir> open_data_dir(const std::string& dir, const services::Registry& registry, store::Durability durability);

}  // namespace citadel::cli
