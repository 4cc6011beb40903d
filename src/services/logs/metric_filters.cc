#include "services/logs/metric_filters.h"

#include "base/crypto.h"
#include "services/cloudwatch/metric_store.h"
#include "services/logs/filter_pattern.h"
#include "services/logs/logs_common.h"

namespace citadel::services::logs {

namespace {

constexpr int64_t kMaxFiltersPerGroup = 100;

// metricValue: a number, or a selector of the event ("$.a.b", "$field").
std::optional<double> metric_value(const FilterPattern& pattern, const std::string& value, std::string_view message) {
  if (value.rfind("$", 0) == 0) return pattern.extract_number(message, value);
  try {
    size_t used = 0;
    double d = std::stod(value, &used);
    if (used == value.size()) return d;
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

Status check_transformation(const json::object& t) {
  std::string value = input_str(t, "metricValue");
  if (value.empty()) return invalid_parameter("metricValue must not be empty.");
  if (value.rfind("$", 0) != 0) {
    try {
      size_t used = 0;
      std::stod(value, &used);
      if (used != value.size()) throw std::invalid_argument(value);
    } catch (const std::exception&) {
      return invalid_parameter("Invalid metric value: " + value + ". It must be a number or a $ selector.");
    }
  }
  if (const auto* dims = t.if_contains("dimensions"); dims && dims->is_object() && dims->as_object().size() > 3)
    return invalid_parameter("A metric filter can have at most 3 dimensions.");
  return Ok{};
}

Result<json::value> put_metric_filter(Call& call) {
  std::string group = call.str("logGroupName"), name = call.str("filterName");
  if (auto g = load_group(call, group); !g) return g.error();
  auto pattern = FilterPattern::parse(call.str("filterPattern"));
  if (!pattern) return pattern.error();
  const auto& transformations = call.input.at("metricTransformations").as_array();
  if (transformations.size() != 1) return invalid_parameter("A metric filter has exactly one metric transformation.");
  if (auto s = check_transformation(transformations.front().as_object()); !s) return s.error();
  auto count = call.tx.query(
      "SELECT COUNT(*) FROM logs_metric_filters WHERE account_id = ? AND region = ? AND group_name = ? AND name <> ?",
      {call.account(), call.ctx.region, group, name});
  if (!count) return count.error();
  if (count->front().i64(0) >= kMaxFiltersPerGroup)
    return AwsError::sender("LimitExceededException", "Resource limit exceeded: at most 100 metric filters per log group.", 400);
  auto w = call.tx.exec(
      "INSERT INTO logs_metric_filters (account_id, region, group_name, name, pattern, transformations, created_ms) "
      "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (account_id, region, group_name, name) DO UPDATE SET "
      "pattern = excluded.pattern, transformations = excluded.transformations",
      {call.account(), call.ctx.region, group, name, call.str("filterPattern"), json::serialize(transformations), call.ctx.now_ms});
  if (!w) return w.error();
  return json::object{};
}

Result<json::value> delete_metric_filter(Call& call) {
  std::string group = call.str("logGroupName");
  if (auto g = load_group(call, group); !g) return g.error();
  auto d = call.tx.exec("DELETE FROM logs_metric_filters WHERE account_id = ? AND region = ? AND group_name = ? AND name = ?",
                        {call.account(), call.ctx.region, group, call.str("filterName")});
  if (!d) return d.error();
  if (*d == 0) return AwsError::sender("ResourceNotFoundException", "The specified metric filter does not exist.", 400);
  return json::object{};
}

Result<json::value> describe_metric_filters(Call& call) {
  std::string group = call.str("logGroupName"), prefix = call.str("filterNamePrefix");
  std::string metric = call.str("metricName"), ns = call.str("metricNamespace");
  if (metric.empty() != ns.empty())
    return invalid_parameter("metricName and metricNamespace must be given together.");
  if (!prefix.empty() && group.empty()) return invalid_parameter("filterNamePrefix requires logGroupName.");
  if (!group.empty())
    if (auto g = load_group(call, group); !g) return g.error();
  int64_t limit = page_limit(call);
  auto after = page_after(call);
  if (!after) return after.error();
  auto rows = call.tx.query(
      "SELECT group_name, name, pattern, transformations, created_ms FROM logs_metric_filters WHERE account_id = ? AND region = ? "
      "AND (? = '' OR group_name = ?) AND substr(name, 1, length(?)) = ? AND group_name || '/' || name > ? "
      "ORDER BY group_name, name",
      {call.account(), call.ctx.region, group, group, prefix, prefix, *after});
  if (!rows) return rows.error();
  json::array filters;
  json::object out;
  std::string last;
  for (const auto& r : *rows) {
    json::value transformations = json::parse(r.str(3));
    if (!metric.empty()) {
      const auto& t = transformations.as_array().front().as_object();
      if (input_str(t, "metricName") != metric || input_str(t, "metricNamespace") != ns) continue;
    }
    if (static_cast<int64_t>(filters.size()) == limit) {
      out["nextToken"] = page_token(last);
      break;
    }
    filters.push_back(json::object{{"filterName", r.str(1)},
                                   {"filterPattern", r.str(2)},
                                   {"metricTransformations", std::move(transformations)},
                                   {"creationTime", r.i64(4)},
                                   {"logGroupName", r.str(0)}});
    last = r.str(0) + "/" + r.str(1);
  }
  out["metricFilters"] = std::move(filters);
  return out;
}

Result<json::value> test_metric_filter(Call& call) {
  auto pattern = FilterPattern::parse(call.str("filterPattern"));
  if (!pattern) return pattern.error();
  json::array matches;
  int64_t n = 0;
  for (const auto& m : call.input.at("logEventMessages").as_array()) {
    ++n;
    std::string message(m.as_string());
    if (!pattern->matches(message)) continue;
    matches.push_back(json::object{{"eventNumber", n}, {"eventMessage", message}, {"extractedValues", json::object{}}});
  }
  return json::object{{"matches", std::move(matches)}};
}

}  // namespace

std::vector<store::Migration> metric_filter_migrations() {
  return {{"logs/002_metric_filters", R"sql(
CREATE TABLE logs_metric_filters (
  account_id      TEXT NOT NULL,
  region          TEXT NOT NULL,
  group_name      TEXT NOT NULL,
  name            TEXT NOT NULL,
  pattern         TEXT NOT NULL,
  transformations TEXT NOT NULL,
  created_ms      INTEGER NOT NULL,
  PRIMARY KEY (account_id, region, group_name, name)
);
)sql"}};
}

void add_metric_filter_operations(std::vector<OperationDef>& ops) {
  ops.push_back(on_group("PutMetricFilter", false, put_metric_filter));
  ops.push_back(on_group("DeleteMetricFilter", false, delete_metric_filter));
  ops.push_back(OperationDef{"DescribeMetricFilters", true, false,
                             [](const RequestContext& c, const json::object& in, store::Tx&) {
                               return input_str(in, "logGroupName").empty() ? AuthzRequest{"logs:DescribeMetricFilters", {"*"}, {}}
                                                                            : group_authz("DescribeMetricFilters", c, in);
                             },
                             describe_metric_filters});
  ops.push_back(OperationDef{"TestMetricFilter", true, false,
                             [](const RequestContext&, const json::object&, store::Tx&) {
                               return AuthzRequest{"logs:TestMetricFilter", {"*"}, {}};
                             },
                             test_metric_filter, /*uses_store=*/false});
}

Status publish_metric_filters(store::Tx& tx, const std::string& account, const std::string& region, const std::string& group,
                              const std::vector<StoredEvent>& events, int64_t now_ms) {
  auto rows = tx.query("SELECT pattern, transformations FROM logs_metric_filters WHERE account_id = ? AND region = ? AND group_name = ?",
                       {account, region, group});
  if (!rows) return rows.error();
  for (const auto& r : *rows) {
    auto pattern = FilterPattern::parse(r.str(0));
    if (!pattern) continue;  // stored patterns parsed when they were put
    const json::value transformations = json::parse(r.str(1));
    const auto& t = transformations.as_array().front().as_object();
    cloudwatch::MetricKey key{account, region, input_str(t, "metricNamespace"), input_str(t, "metricName"), {}};
    if (const auto* dims = t.if_contains("dimensions"); dims && dims->is_object())
      for (const auto& [name, value] : dims->as_object()) {
        cloudwatch::Dimension d{std::string(name), std::string(value.as_string())};
        key.dims.push_back(d);
      }
    std::sort(key.dims.begin(), key.dims.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    std::string value = input_str(t, "metricValue");
    std::optional<double> fallback;
    if (const auto* d = t.if_contains("defaultValue"); d && d->is_number()) fallback = d->to_number<double>();
    std::optional<int64_t> metric_id;
    for (const auto& e : events) {
      std::optional<double> v = pattern->matches(e.message) ? metric_value(*pattern, value, e.message) : fallback;
      if (!v) continue;
      if (!metric_id) {
        auto id = cloudwatch::upsert_metric(tx, key, now_ms);
        if (!id) return id.error();
        metric_id = *id;
      }
      cloudwatch::Sample s;
      s.ts_ms = e.ts;
      s.unit = t.contains("unit") ? input_str(t, "unit") : "None";
      s.count = 1;
      s.sum = s.min = s.max = *v;
      if (auto w = cloudwatch::insert_sample(tx, *metric_id, s); !w) return w;
    }
  }
  return Ok{};
}

}  // namespace citadel::services::logs
