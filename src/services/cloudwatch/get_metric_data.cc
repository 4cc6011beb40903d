// GetMetricData: MetricStat queries and metric math over a time range, ScanBy ordering and
// MaxDatapoints paging (the token says which result and point the next page starts at).
#include <algorithm>

#include "services/cloudwatch/cloudwatch_operations.h"
#include "services/cloudwatch/metric_queries.h"
#include "services/cloudwatch/period_rules.h"

namespace citadel::services::cloudwatch {

namespace {

constexpr int64_t kDefaultMaxDatapoints = 100800;

Result<json::value> get_metric_data(Call& call) {
  const auto& in = call.input;
  QueryScope scope{call.account(), call.ctx.region, *integer(in, "StartTime"), *integer(in, "EndTime"), call.ctx.now_ms};
  if (auto s = check_range(scope.start_ms, scope.end_ms); !s) return s.error();
  int64_t max_points = integer(in, "MaxDatapoints").value_or(kDefaultMaxDatapoints);
  if (max_points <= 0) return invalid_value("The parameter MaxDatapoints must be greater than 0.");
  bool ascending = call.str("ScanBy") == "TimestampAscending";
  size_t skip = 0;
  if (auto t = call.str("NextToken"); !t.empty()) {
    auto off = token_offset(t);
    if (!off) return off.error();
    skip = *off;
  }
  auto results = run_queries(call.tx, *array(in, "MetricDataQueries"), scope);
  if (!results) return results.error();

  // Points are counted across results in order; a page holds at most MaxDatapoints of them, and
  // the token is the number of points already returned.
  json::array out;
  size_t seen = 0, emitted = 0, page = static_cast<size_t>(max_points);
  bool more = false;
  for (auto& r : *results) {
    if (!r.return_data) continue;
    for (auto& s : r.series) {
      size_t first = seen, n = s.points.size();
      seen += n;
      if (first + n <= skip && !(n == 0 && first >= skip)) continue;  // wholly on earlier pages
      if (emitted == page && n > 0) {
        more = true;
        break;
      }
      std::vector<std::pair<int64_t, double>> pts(s.points.begin(), s.points.end());
      if (!ascending) std::reverse(pts.begin(), pts.end());
      size_t from = first < skip ? skip - first : 0, take = std::min(n - from, page - emitted);
      json::array ts, vs;
      for (size_t k = from; k < from + take; ++k) {
        ts.push_back(pts[k].first);
        vs.push_back(pts[k].second);
      }
      emitted += take;
      more = from + take < n;
      out.push_back(json::object{{"Id", r.id}, {"Label", s.label}, {"Timestamps", std::move(ts)}, {"Values", std::move(vs)},
                                 {"StatusCode", more ? "PartialData" : "Complete"}, {"Messages", json::array{}}});
      if (more) break;
    }
    if (more) break;
  }
  json::object res{{"MetricDataResults", std::move(out)}, {"Messages", json::array{}}};
  if (more) res["NextToken"] = offset_token(skip + emitted);
  return res;
}

}  // namespace

void add_get_metric_data(std::vector<OperationDef>& ops) {
  ops.push_back(cw_op("GetMetricData", true, Resource::None, get_metric_data));
}

}  // namespace citadel::services::cloudwatch
