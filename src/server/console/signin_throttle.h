#pragma once
// Slows down password guessing: after `per_name` failed sign-ins naming one user (or root email),
// or `per_address` from one client address, within `window_ms`, further attempts are refused
// without looking at the password until the oldest of those failures leaves the window.
// Refused attempts do not count, so a client that keeps trying is not locked out for longer.
// In memory: a restart forgets it, as it forgets the attacker's connections.
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

namespace citadel::server::console {

class SignInThrottle {
 public:
  struct Limits {
    size_t per_name = 5;
    size_t per_address = 20;
    int64_t window_ms = 15 * 60 * 1000;
  };
  SignInThrottle() : SignInThrottle(Limits{}) {}
  explicit SignInThrottle(Limits limits) : limits_(limits) {}

  // How long the attempt must wait (milliseconds); 0 when it may go ahead.
  int64_t retry_after_ms(const std::string& name, const std::string& address, int64_t now_ms);
  void failed(const std::string& name, const std::string& address, int64_t now_ms);
  // A successful sign-in forgets the name's failures (not the address's).
  void succeeded(const std::string& name);

 private:
  using Failures = std::unordered_map<std::string, std::deque<int64_t>>;
  int64_t wait(Failures& f, const std::string& key, size_t limit, int64_t now_ms);
  void add(Failures& f, const std::string& key, int64_t now_ms);

  Limits limits_;
  std::mutex mu_;
  Failures by_name_, by_address_;
};

}  // namespace citadel::server::console
