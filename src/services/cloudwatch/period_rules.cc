#include "services/cloudwatch/period_rules.h"

#include "services/cloudwatch/cw_common.h"

namespace citadel::services::cloudwatch {

Status check_period(int64_t p, const std::string& what) {
  if (p == 1 || p == 5 || p == 10 || p == 20 || p == 30 || (p > 0 && p % 60 == 0)) return Ok{};
  return invalid_value("The parameter " + what + " must be 1, 5, 10, 20, 30, or a multiple of 60.");
}

Status check_range(int64_t start_ms, int64_t end_ms) {
  if (start_ms < end_ms) return Ok{};
  return invalid_value("The parameter StartTime must be less than the parameter EndTime.");
}

int64_t coarsest_grain_s(int64_t start_ms, int64_t now_ms) {
  constexpr int64_t kHour = 3600 * 1000, kDay = 24 * kHour;
  int64_t age = now_ms - start_ms;
  if (age > 63 * kDay) return 3600;
  if (age > 15 * kDay) return 300;
  if (age > 3 * kHour) return 60;
  return 1;
}

}  // namespace citadel::services::cloudwatch
