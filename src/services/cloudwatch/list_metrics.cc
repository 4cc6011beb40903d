// ListMetrics: metrics with data in the last two weeks (or three hours with RecentlyActive=PT3H),
// filtered by namespace, name and dimensions, 500 a page.
#include "services/cloudwatch/cloudwatch_operations.h"
#include "services/cloudwatch/metric_store.h"

namespace citadel::services::cloudwatch {

namespace {

constexpr int64_t kPage = 500, kBatch = 1000;
constexpr int64_t kTwoWeeksMs = 14LL * 24 * 3600 * 1000, kThreeHoursMs = 3LL * 3600 * 1000;

struct DimensionFilter {
  std::string name, value;
  bool any_value = true;
};

// A metric matches when it has every filtered dimension (with the value, when one is given).
bool matches(const Dimensions& dims, const std::vector<DimensionFilter>& filters) {
  for (const auto& f : filters) {
    bool found = false;
    for (const auto& d : dims) found = found || (d.name == f.name && (f.any_value || d.value == f.value));
    if (!found) return false;
  }
  return true;
}

Result<json::value> list_metrics_op(Call& call) {
  std::vector<DimensionFilter> filters;
  if (const auto* dims = array(call.input, "Dimensions"))
    for (const auto& d : *dims) {
      if (!d.is_object()) continue;
      const auto* v = d.as_object().if_contains("Value");
      filters.push_back({text(d.as_object(), "Name"), v && v->is_string() ? std::string(v->as_string()) : "", !v || !v->is_string()});
    }
  int64_t after = 0;
  if (auto t = call.str("NextToken"); !t.empty()) {
    auto off = token_offset(t);
    if (!off) return off.error();
    after = static_cast<int64_t>(*off);
  }
  if (auto owner = call.str("OwningAccount"); !owner.empty() && owner != call.account())
    return json::object{{"Metrics", json::array{}}};
  int64_t since = call.ctx.now_ms - (call.str("RecentlyActive") == "PT3H" ? kThreeHoursMs : kTwoWeeksMs);
  json::array metrics;
  int64_t last = after;
  bool more = false;
  // Dimension filters apply after the SQL page, so read batches until a page is full.
  while (!more) {
    auto batch = list_metrics(call.tx, call.account(), call.ctx.region, call.str("Namespace"), call.str("MetricName"), since, last, kBatch);
    if (!batch) return batch.error();
    for (const auto& m : *batch) {
      if (!matches(m.dims, filters)) {
        last = m.id;
        continue;
      }
      if (static_cast<int64_t>(metrics.size()) == kPage) {
        more = true;
        break;
      }
      metrics.push_back(json::object{{"Namespace", m.ns}, {"MetricName", m.name}, {"Dimensions", dimensions_json(m.dims)}});
      last = m.id;
    }
    if (static_cast<int64_t>(batch->size()) < kBatch) break;
  }
  json::object out{{"Metrics", std::move(metrics)}};
  // Cross-account observability is not built: the caller's account is the only owning account.
  if (const auto* linked = call.input.if_contains("IncludeLinkedAccounts"); linked && linked->is_bool() && linked->as_bool()) {
    json::array owners;
    for (size_t i = 0; i < out["Metrics"].as_array().size(); ++i) owners.push_back(json::string(call.account()));
    out["OwningAccounts"] = std::move(owners);
  }
  if (more) out["NextToken"] = offset_token(static_cast<size_t>(last));
  return out;
}

}  // namespace

void add_list_metrics(std::vector<OperationDef>& ops) {
  ops.push_back(cw_op("ListMetrics", true, Resource::None, list_metrics_op));
}

}  // namespace citadel::services::cloudwatch
