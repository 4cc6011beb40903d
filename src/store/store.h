#pragma once
// The Store: transactional rows behind a small SQL interface. SQL stays portable (`?` placeholders,
// standard types) so the SQLite default and a PostgreSQL backend can run the same statements.
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/error.h"

namespace citadel::store {

using Value = std::variant<std::monostate, int64_t, double, std::string>;

struct Row {
  std::vector<Value> cols;
  bool is_null(size_t i) const { return std::holds_alternative<std::monostate>(cols.at(i)); }
  const std::string& str(size_t i) const;   // "" when null
  int64_t i64(size_t i) const;              // 0 when null
};

// A point in a store's history of commits, noted from inside a write transaction
// (Tx::commit_point) to ask later — after a crash too — whether a commit followed it
// (Store::committed_since). What the words hold is the backend's.
struct CommitPoint {
  uint64_t run = 0;      // which opening of the store noted it
  uint64_t commits = 0;  // commits this opening had made by then
  uint64_t log = 0;      // the backend's log generation and position then
  uint64_t log_end = 0;
};

class Tx {
 public:
  virtual ~Tx() = default;
  // Runs one statement; returns the number of rows it changed.
  virtual Result<int64_t> exec(std::string_view sql, std::initializer_list<Value> params = {}) = 0;
  virtual Result<std::vector<Row>> query(std::string_view sql,
                                         std::initializer_list<Value> params = {}) = 0;
  // Same, with a parameter vector built at run time.
  virtual Result<std::vector<Row>> query_v(std::string_view sql, const std::vector<Value>& params) = 0;
  // Whether a statement of this transaction has inserted, updated or deleted a row yet (an
  // upsert whose update is skipped by its WHERE changes none). True when it cannot tell.
  virtual bool changed_rows() const { return true; }
  // In a write transaction: where the history of commits stands. No other transaction can commit
  // before this one ends, so a commit after this point is this transaction's own. nullopt when
  // the store cannot tell.
  virtual std::optional<CommitPoint> commit_point() { return std::nullopt; }
  // In a write transaction: `fn` runs if it rolls back, before the next write transaction begins.
  virtual void on_rollback(std::function<void()> fn) { (void)fn; }
};

using TxFn = std::function<Status(Tx&)>;

// For calls that read and write nothing: every statement fails, so a wrong declaration shows.
class NoTx final : public Tx {
 public:
  Result<int64_t> exec(std::string_view, std::initializer_list<Value>) override { return fail(); }
  Result<std::vector<Row>> query(std::string_view, std::initializer_list<Value>) override { return fail(); }
  Result<std::vector<Row>> query_v(std::string_view, const std::vector<Value>&) override { return fail(); }
  bool changed_rows() const override { return false; }

 private:
  static AwsError fail() { return AwsError::internal("this operation declared that it uses no store"); }
};

struct Migration {
  std::string id;   // unique and stable, e.g. "iam/001_users"; applied once, in registration order
  std::string sql;  // may hold several statements
};

class Store {
 public:
  virtual ~Store() = default;
  // A consistent snapshot for reading.
  virtual Status read(const TxFn& fn) = 0;
  // One write transaction: committed when fn succeeds, rolled back when it fails. Writes are
  // serialised; an acknowledged commit survives kill -9 (see the backend for power-loss rules).
  virtual Status write(const TxFn& fn) = 0;
  virtual Status migrate(const std::vector<Migration>& migrations) = 0;
  virtual void close() = 0;
  // Whether a commit followed `p` (Tx::commit_point): for a point of this opening, as the store
  // knows it; for one noted before a crash, as the store's files were when it opened, before
  // anything was written. nullopt when the store cannot tell (a clean close leaves no history).
  virtual std::optional<bool> committed_since(const CommitPoint& p) { (void)p; return std::nullopt; }
};

enum class Durability {
  // WAL + synchronous=NORMAL: a commit is in the OS before it is acknowledged, so it survives a
  // crash of the process (kill -9); the last commits can be lost if the machine loses power.
  Process,
  // WAL + synchronous=FULL: fsync on every commit; survives power loss too.
  Power,
};

// Opens (creating if needed) a SQLite database file in WAL mode.
Result<std::unique_ptr<Store>> open_sqlite(const std::string& path, Durability durability);

}  // namespace citadel::store
