#pragma once
// CloudWatch Logs filter pattern syntax (FilterLogEvents; metric and subscription filters use the
// same): which log events a pattern matches.
//
//   ""                              every event
//   ERROR "disk full"               every term (case-sensitive; quotes keep spaces and punctuation)
//   ?ERROR ?WARN                    any of the ?-terms (with the plain terms, if any)
//   ERROR -Retrying                 no -term
//   { $.level = "ERROR" && $.latency > 100 }      JSON events: selectors $.a.b[0], = != < <= > >=,
//                                                 strings with * wildcards, numbers, IS TRUE/FALSE/NULL,
//                                                 NOT EXISTS, && || and parentheses
//   [ip, user, ..., status = 4*, bytes > 1000]    space-delimited events: named fields, "..." for any
//                                                 number of fields, conditions joined by commas
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace citadel::services::logs {

class FilterPattern {
 public:
  // InvalidParameterException for a pattern that does not parse.
  static Result<FilterPattern> parse(std::string_view text);
  bool matches(std::string_view message) const;

  struct Node;  // a JSON or space-delimited condition tree (filter_pattern.cc)

 private:
  enum class Kind { All, Terms, Json, Delimited } kind_ = Kind::All;
  std::vector<std::string> all_, any_, none_;  // Terms
  std::shared_ptr<const Node> tree_;            // Json, Delimited
  std::vector<std::string> fields_;             // Delimited: field names ("..." for an ellipsis)
};

}  // namespace citadel::services::logs
