#pragma once
// A real SQLite store in a fresh temporary directory, migrated, for tests of one service's tables;
// closed and removed with the object.
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "store/store.h"

namespace citadel::testing {

class TempStore {
 public:
  // `tag` names the directory (citadel-TAG-test-PID); the migrations are applied in order.
  TempStore(const std::string& tag, const std::vector<store::Migration>& migrations)
      : dir_(std::filesystem::temp_directory_path() / ("citadel-" + tag + "-test-" + std::to_string(::getpid()))) {
    std::filesystem::create_directories(dir_);
    store_ = std::move(store::open_sqlite(dir_ + "/t.db", store::Durability::Process).value());
    ok_ = store_->migrate(migrations).ok();
  }
  ~TempStore() {
    store_->close();
    std::filesystem::remove_all(dir_);
  }
  bool migrated() const { return ok_; }
  store::Store& operator*() const { return *store_; }
  store::Store* operator->() const { return store_.get(); }
  store::Store* get() const { return store_.get(); }

 private:
  std::string dir_;
  std::unique_ptr<store::Store> store_;
  bool ok_ = false;
};

}  // namespace citadel::testing
