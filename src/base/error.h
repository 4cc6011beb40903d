#pragma once
// Errors are values: an AWS error code, an HTTP status and a message. They cross layers unchanged
// and the protocol layer renders them in the wire shape of the service that was called.
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace citadel {

struct AwsError {
  std::string code;     // AWS error code, e.g. "NoSuchEntity"
  std::string message;  // human text, as AWS words it where AWS documents it
  int http_status = 400;
  bool sender_fault = true;  // "Sender" vs "Receiver" in query-protocol errors
  // Further members of the error shape (Organizations' "Reason"), rendered beside the message.
  std::vector<std::pair<std::string, std::string>> fields;

  AwsError with(std::string name, std::string value) && {
    fields.emplace_back(std::move(name), std::move(value));
    return std::move(*this);
  }

  static AwsError sender(std::string code, std::string message, int status = 400) {
    return {std::move(code), std::move(message), status, true, {}};
  }
  static AwsError receiver(std::string code, std::string message, int status = 500) {
    return {std::move(code), std::move(message), status, false, {}};
  }
  static AwsError validation(std::string message) {
    return sender("ValidationError", std::move(message));
  }
  static AwsError not_implemented(const std::string& what) {
    return {"NotImplemented", what + " is not implemented in Citadel yet", 501, false, {}};
  }
  static AwsError internal(std::string message) {
    return receiver("InternalFailure", std::move(message));
  }
};

// A value or an AwsError. Small on purpose: no exceptions cross layer boundaries.
template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}            // NOLINT: implicit by design
  Result(AwsError error) : v_(std::move(error)) {}     // NOLINT
  // Any value T can be built from (an object for a json::value result, say).
  template <typename U, typename = std::enable_if_t<std::is_constructible_v<T, U&&> &&
                                                    !std::is_same_v<std::decay_t<U>, AwsError> &&
                                                    !std::is_same_v<std::decay_t<U>, T> &&
                                                    !std::is_same_v<std::decay_t<U>, Result>>>
  Result(U&& value) : v_(std::in_place_index<0>, std::forward<U>(value)) {}  // NOLINT
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T& operator*() { return value(); }
  T* operator->() { return &value(); }
  const AwsError& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, AwsError> v_;
};

struct Ok {};
using Status = Result<Ok>;

}  // namespace citadel
