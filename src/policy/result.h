// Errors as values for the policy library (DESIGN.md: "Errors are values").
// policy/ depends on no other src/ layer, so it carries its own small Result type;
// the protocol layer maps Error::code to the AWS wire error.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace policy {

struct Error {
  // AWS error code: "MalformedPolicyDocument" or "LimitExceeded".
  std::string code;
  // AWS's message text, e.g. "Policy statement must contain actions."
  std::string message;
  // HTTP status AWS answers with (400 for both codes above, 409 never used here).
  int http_status = 400;
};

inline Error malformed(std::string message) {
  return Error{"MalformedPolicyDocument", std::move(message), 400};
}
inline Error limit_exceeded(std::string message) {
  return Error{"LimitExceeded", std::move(message), 409};
}

// Either a value or an Error. Check ok() before value().
template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}          // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}      // NOLINT
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  // Requires ok().
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  // Requires !ok().
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

}  // namespace policy
