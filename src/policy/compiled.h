// The compiled form of a policy: built once when a policy is stored or loaded, immutable
// afterwards and shared between threads. evaluate() only reads it.
//
//   auto parsed = policy::parse(json, kind);
//   std::shared_ptr<const policy::CompiledPolicy> c = policy::compile(parsed.value());
//
// or, in the server, through a PolicyCache keyed by the document hash.
#pragma once

#include <array>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "policy/policy.h"
#include "policy/result.h"

namespace policy {

namespace detail {

// A glob or literal that may contain policy variables (2012-10-17 documents only).
struct Piece {
  bool variable = false;
  std::string text;  // literal text (with wildcard markers), or the variable key as written
  uint64_t key_hash = 0;  // key_fingerprint of the variable key
  bool has_default = false;
  std::string default_value;
};
struct Pattern {
  bool any = false;       // exactly "*"
  bool has_vars = false;
  std::string text;       // the whole pattern when !has_vars
  std::vector<Piece> pieces;
  // The literal characters before the first wildcard or variable: a candidate that does not
  // start with them cannot match, which rejects most patterns with one comparison.
  std::string prefix;
  // How to match a resource ARN without the general matcher: Exact (no wildcard at all) or
  // Prefix (the only wildcard is a trailing '*' inside the ARN's resource part). For patterns
  // with variables the shape applies to the expanded text.
  enum class Shape : uint8_t { General, Exact, Prefix } shape = Shape::General;
};

struct Action {
  std::string service;  // lower-case glob
  std::string name;     // lower-case glob
  uint64_t service_hash = 0;     // fold_hash(service) when literal
  uint64_t name_hash = 0;        // fold_hash(name) when literal
  bool service_literal = false;  // no wildcard: compared with ==
  bool name_literal = false;
  bool name_any = false;         // "service:*"
};

enum class Op : uint8_t {
  StringEquals, StringEqualsIgnoreCase, StringLike,
  NumericEquals, NumericLessThan, NumericLessThanEquals, NumericGreaterThan, NumericGreaterThanEquals,
  DateEquals, DateLessThan, DateLessThanEquals, DateGreaterThan, DateGreaterThanEquals,
  Bool, BinaryEquals, IpAddress, Arn, Null,
};
enum class SetOp : uint8_t { None, ForAnyValue, ForAllValues };

struct IpNet {
  bool v6 = false;
  uint8_t prefix = 0;
  std::array<uint8_t, 16> addr{};
};

struct CondValue {
  Pattern pattern;     // string-like operators
  bool valid = true;   // false: the policy value does not parse for the operator (never matches)
  double number = 0;
  int64_t date_ms = 0;
  IpNet net;
  bool truth = false;  // Bool / Null
};

struct Condition {
  Op op = Op::StringEquals;
  bool negated = false;
  bool if_exists = false;
  SetOp set = SetOp::None;
  std::string key;  // as written; matched case-insensitively
  uint64_t key_hash = 0;  // key_fingerprint(key)
  std::vector<CondValue> values;
};

enum class Mode : uint8_t { None, Positive, Negative };

struct Statement {
  uint32_t index = 0;
  std::string sid;
  Effect effect = Effect::Allow;
  Mode action_mode = Mode::Positive;
  bool any_action = false;
  std::vector<Action> actions;
  Mode resource_mode = Mode::None;
  bool any_resource = false;
  std::vector<Pattern> resources;
  Mode principal_mode = Mode::None;
  bool principal_wildcard = false;
  std::vector<std::string> principal_aws, principal_service, principal_federated, principal_canonical;
  std::vector<Condition> conditions;
};

// Statements whose actions name exactly one service, indexed by that service.
struct Bucket {
  std::string service;         // lower-case
  uint64_t hash = 0;           // fold_hash(service)
  std::vector<uint32_t> stmts; // Deny statements first
};

}  // namespace detail

class CompiledPolicy {
 public:
  PolicyKind kind() const { return kind_; }
  Version version() const { return version_; }
  const std::string& id() const { return id_; }
  std::size_t statement_count() const { return statements_.size(); }

  // Internals read by the evaluator.
  const std::vector<detail::Statement>& statements() const { return statements_; }
  const std::vector<detail::Bucket>& buckets() const { return buckets_; }
  const std::vector<uint32_t>& wildcard_statements() const { return wildcard_; }

 private:
  friend std::shared_ptr<const CompiledPolicy> compile(const Policy& policy);
  PolicyKind kind_ = PolicyKind::Identity;
  Version version_ = Version::Missing;
  std::string id_;
  std::vector<detail::Statement> statements_;
  std::vector<detail::Bucket> buckets_;
  std::vector<uint32_t> wildcard_;  // NotAction or wildcard-service statements, Deny first
};

// Compiles a parsed policy. Never fails: parse() has already rejected what cannot compile;
// a condition value that cannot be read for its operator (a bad date or CIDR) never matches.
std::shared_ptr<const CompiledPolicy> compile(const Policy& policy);

// Hex SHA-256 over the kind and the document text: the cache key.
std::string document_hash(std::string_view json, PolicyKind kind);

// Thread-safe cache of compiled policies keyed by document_hash(), bounded LRU.
class PolicyCache {
 public:
  explicit PolicyCache(std::size_t capacity = 4096);
  // Returns the cached compiled policy for this exact document and kind, parsing (with the
  // kind's checks and quota) and compiling it on a miss. Errors are not cached.
  Result<std::shared_ptr<const CompiledPolicy>> get(std::string_view json, PolicyKind kind);
  std::size_t size() const;
  uint64_t hits() const;
  uint64_t misses() const;

 private:
  using Entry = std::pair<std::string, std::shared_ptr<const CompiledPolicy>>;
  std::size_t capacity_;
  mutable std::mutex mu_;
  std::list<Entry> lru_;  // most recent first
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
  uint64_t hits_ = 0, misses_ = 0;
};

}  // namespace policy
