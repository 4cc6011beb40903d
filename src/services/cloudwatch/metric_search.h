#pragma once
// The search of metric math's SEARCH(' {Namespace, DimensionName, ...} SearchTerm', 'Stat'[, Period]):
// which of an account's metrics a search expression finds. Pure.
//
// The schema in braces (optional) keeps the metrics of that namespace whose dimension names are
// exactly those listed. The search term (optional; one of the two must be there) is words and
// "quoted phrases", each optionally behind a designator (MetricName=, Namespace=, or a dimension
// name), combined with AND (also implied between terms), OR, NOT and parentheses:
//   - an unquoted word is a partial match: its tokens, case-insensitively, are a run of the
//     tokens of a metric's name, namespace, dimension name or value (names split into tokens at
//     every character that is not a letter or digit and at camel-case boundaries, so CPU and
//     Utilization both find CPUUtilization, and micro finds t2.micro);
//   - a quoted phrase is an exact, case-sensitive match of a whole name or value;
//   - behind a designator, either only looks at that property.
// CloudWatch documents the syntax and these kinds of match; the tokenization is Citadel's reading
// of its examples.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "services/cloudwatch/cw_common.h"

namespace citadel::services::cloudwatch {

class MetricSearch {
 public:
  // The text inside SEARCH's first quotes; errors are messages for the caller to place.
  static Result<MetricSearch> parse(std::string_view text);

  // Whether the search finds the metric.
  bool matches(const std::string& ns, const std::string& name, const Dimensions& dims) const;
  // The namespace the schema names, "" when there is none (lets the caller narrow its read).
  const std::string& schema_namespace() const { return schema_ns_; }

  struct Node;

 private:
  bool has_schema_ = false;
  std::string schema_ns_;
  std::vector<std::string> schema_dims_;  // sorted
  std::shared_ptr<const Node> term_;      // null: every metric the schema keeps
};

}  // namespace citadel::services::cloudwatch
