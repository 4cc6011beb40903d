#include "services/cloudwatch/anomaly_detectors.h"

#include "services/cloudwatch/anomaly_band.h"
#include "services/cloudwatch/cloudwatch_operations.h"
#include "services/cloudwatch/metric_queries.h"
#include "services/cloudwatch/statistics.h"

namespace citadel::services::cloudwatch {

namespace {

constexpr size_t kMaxDescribe = 100;

// A stored Configuration's ExcludedTimeRanges as [start, end) pairs.
std::vector<std::pair<int64_t, int64_t>> excluded_ranges(const std::string& configuration) {
  std::vector<std::pair<int64_t, int64_t>> out;
  json::value config = json::parse(configuration);  // named: the loop below reads into it
  if (!config.is_object()) return out;
  if (const auto* ranges = array(config.as_object(), "ExcludedTimeRanges"))
    for (const auto& r : *ranges)
      if (r.is_object())
        if (auto s = integer(r.as_object(), "StartTime"), e = integer(r.as_object(), "EndTime"); s && e) out.emplace_back(*s, *e);
  return out;
}

// The detector a request names: SingleMetricAnomalyDetector, or the deprecated top-level members.
struct Named {
  MetricKey key;
  std::string stat;
};

// A detector on metric math: its queries, of which exactly one returns data (the series the band
// is for). It is known by its queries' text.
struct MathDetector {
  json::array queries;
  std::string key;
};

Result<std::optional<MathDetector>> math_detector(const Call& call) {
  const auto* m = call.input.if_contains("MetricMathAnomalyDetector");
  if (!m) return std::optional<MathDetector>();
  for (const char* other : {"SingleMetricAnomalyDetector", "Namespace", "MetricName", "Dimensions", "Stat"})
    if (call.input.contains(other))
      return invalid_combination("MetricMathAnomalyDetector cannot be used with SingleMetricAnomalyDetector or the Namespace, "
                                 "MetricName, Dimensions and Stat parameters.");
  const auto* queries = m->is_object() ? array(m->as_object(), "MetricDataQueries") : nullptr;
  if (!queries || queries->empty()) return missing_parameter("The parameter MetricMathAnomalyDetector.MetricDataQueries is required.");
  if (auto s = check_queries(*queries, "MetricMathAnomalyDetector.MetricDataQueries"); !s) return s.error();
  int returning = 0;
  for (const auto& q : *queries) {
    const auto* rd = q.as_object().if_contains("ReturnData");
    returning += !rd || !rd->is_bool() || rd->as_bool();
  }
  if (returning != 1) return invalid_value("Exactly one element of MetricMathAnomalyDetector.MetricDataQueries must return data.");
  return std::optional<MathDetector>(MathDetector{*queries, json::serialize(*queries)});
}

// Expressions are checked by evaluating them once over the last minute (an error names the
// query, as GetMetricData's would).
Status check_evaluates(Call& call, const json::array& queries) {
  auto results = run_queries(call.tx, queries, QueryScope{call.account(), call.ctx.region, call.ctx.now_ms - 60000, call.ctx.now_ms,
                                                           call.ctx.now_ms, "MetricMathAnomalyDetector.MetricDataQueries"});
  if (!results) return results.error();
  return Ok{};
}

Result<Named> named_detector(const Call& call) {
  const json::object* single = call.input.contains("SingleMetricAnomalyDetector") && call.input.at("SingleMetricAnomalyDetector").is_object()
                                   ? &call.input.at("SingleMetricAnomalyDetector").as_object()
                                   : nullptr;
  bool legacy = call.input.contains("Namespace") || call.input.contains("MetricName") || call.input.contains("Stat");
  if (single && legacy)
    return invalid_combination("SingleMetricAnomalyDetector cannot be used with the Namespace, MetricName, Dimensions and Stat parameters.");
  const json::object& from = single ? *single : call.input;
  Named n;
  for (const char* member : {"Namespace", "MetricName", "Stat"})
    if (text(from, member).empty()) return missing_parameter("The parameter " + std::string(member) + " is required.");
  auto dims = read_dimensions(from.if_contains("Dimensions"), "Dimensions");
  if (!dims) return dims.error();
  n.stat = text(from, "Stat");
  if (!is_statistic(n.stat)) return invalid_value("The value " + n.stat + " for parameter Stat is not a valid statistic.");
  if (std::string account = text(from, "AccountId"); !account.empty() && account != call.account())
    return invalid_value("Anomaly detectors on another account's metrics are not supported.");
  n.key = MetricKey{call.account(), call.ctx.region, text(from, "Namespace"), text(from, "MetricName"), std::move(*dims)};
  return n;
}

Result<json::value> put_anomaly_detector(Call& call) {
  auto math = math_detector(call);
  if (!math) return math.error();
  std::optional<Named> n;
  if (!*math) {
    auto named = named_detector(call);
    if (!named) return named.error();
    n = std::move(*named);
  }
  json::object config;
  if (const auto* c = call.input.if_contains("Configuration"); c && c->is_object()) {
    config = c->as_object();
    if (const auto* ranges = array(config, "ExcludedTimeRanges"))
      for (const auto& r : *ranges) {
        auto start = r.is_object() ? integer(r.as_object(), "StartTime") : std::nullopt;
        auto end = r.is_object() ? integer(r.as_object(), "EndTime") : std::nullopt;
        if (!start || !end) return missing_parameter("Each excluded time range needs a StartTime and an EndTime.");
        if (*start >= *end) return invalid_value("The StartTime of an excluded time range must be before its EndTime.");
      }
  }
  json::object characteristics;
  if (const auto* c = call.input.if_contains("MetricCharacteristics"); c && c->is_object()) characteristics = c->as_object();
  if (*math) {
    if (auto s = check_evaluates(call, (*math)->queries); !s) return s.error();
    auto w = call.tx.exec(
        "INSERT INTO cw_math_anomaly_detectors (account_id, region, queries, configuration, characteristics, created_ms) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (account_id, region, queries) DO UPDATE SET configuration = "
        "excluded.configuration, characteristics = excluded.characteristics",
        {call.account(), call.ctx.region, (*math)->key, json::serialize(config), json::serialize(characteristics), call.ctx.now_ms});
    if (!w) return w.error();
    return json::object{};
  }
  auto w = call.tx.exec(
      "INSERT INTO cw_anomaly_detectors (account_id, region, namespace, metric_name, dims_key, stat, configuration, characteristics, "
      "created_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (account_id, region, namespace, metric_name, dims_key, stat) "
      "DO UPDATE SET configuration = excluded.configuration, characteristics = excluded.characteristics",
      {n->key.account, n->key.region, n->key.ns, n->key.name, dimensions_key(n->key.dims), n->stat, json::serialize(config),
       json::serialize(characteristics), call.ctx.now_ms});
  if (!w) return w.error();
  return json::object{};
}

Result<json::value> delete_anomaly_detector(Call& call) {
  auto math = math_detector(call);
  if (!math) return math.error();
  if (*math) {
    auto d = call.tx.exec("DELETE FROM cw_math_anomaly_detectors WHERE account_id = ? AND region = ? AND queries = ?",
                          {call.account(), call.ctx.region, (*math)->key});
    if (!d) return d.error();
    if (*d == 0) return AwsError::sender("ResourceNotFoundException", "No anomaly detection model found for the given parameters.", 404);
    return json::object{};
  }
  auto n = named_detector(call);
  if (!n) return n.error();
  auto d = call.tx.exec(
      "DELETE FROM cw_anomaly_detectors WHERE account_id = ? AND region = ? AND namespace = ? AND metric_name = ? AND dims_key = ? "
      "AND stat = ?",
      {n->key.account, n->key.region, n->key.ns, n->key.name, dimensions_key(n->key.dims), n->stat});
  if (!d) return d.error();
  if (*d == 0) return AwsError::sender("ResourceNotFoundException", "No anomaly detection model found for the given parameters.", 404);
  return json::object{};
}

// TRAINED when the metric has enough values in the training window for a band now.
Result<std::string> state_of(store::Tx& tx, const MetricKey& key, int64_t now_ms) {
  auto id = find_metric(tx, key);
  if (!id) return id.error();
  if (!*id) return std::string("PENDING_TRAINING");
  auto n = tx.query("SELECT COUNT(*) FROM cw_samples WHERE metric_id = ? AND ts_ms >= ?", {**id, now_ms - kAnomalyTrainingMs});
  if (!n) return n.error();
  return std::string(static_cast<size_t>(n->front().i64(0)) >= kAnomalyMinTraining ? "TRAINED" : "TRAINED_INSUFFICIENT_DATA");
}

// The same for a math detector: enough values of its returning series in the training window.
Result<std::string> math_state_of(store::Tx& tx, const std::string& account, const std::string& region, const json::array& queries,
                                  int64_t now_ms) {
  QueryScope scope{account, region, now_ms - kAnomalyTrainingMs, now_ms, now_ms};
  auto results = run_queries(tx, queries, scope);
  if (!results) return std::string("PENDING_TRAINING");  // put when it evaluated; its metrics may have gone since
  size_t values = 0;
  for (const auto& r : *results)
    if (r.return_data)
      for (const auto& s : r.series) values += s.points.size();
  if (values == 0) return std::string("PENDING_TRAINING");
  return std::string(values >= kAnomalyMinTraining ? "TRAINED" : "TRAINED_INSUFFICIENT_DATA");
}

Result<json::value> describe_anomaly_detectors(Call& call) {
  bool single_type = true, math_type = true;
  if (const auto* types = array(call.input, "AnomalyDetectorTypes"); types && !types->empty()) {
    single_type = math_type = false;
    for (const auto& t : *types) {
      if (!t.is_string() || (t.as_string() != "SINGLE_METRIC" && t.as_string() != "METRIC_MATH"))
        return invalid_value("AnomalyDetectorTypes accepts SINGLE_METRIC and METRIC_MATH.");
      (t.as_string() == "SINGLE_METRIC" ? single_type : math_type) = true;
    }
  }
  auto filter_dims = read_dimensions(call.input.if_contains("Dimensions"), "Dimensions");
  if (!filter_dims) return filter_dims.error();
  size_t offset = 0;
  if (call.has("NextToken")) {
    auto o = token_offset(call.str("NextToken"));
    if (!o) return o.error();
    offset = *o;
  }
  size_t limit = std::min<size_t>(static_cast<size_t>(integer(call.input, "MaxResults").value_or(kMaxDescribe)), kMaxDescribe);
  std::string ns = call.str("Namespace"), name = call.str("MetricName");
  // Single-metric detectors first, then math ones (which a metric filter leaves out); a page is
  // the detectors from `offset` on.
  size_t seen = 0;
  json::array out;
  json::object result;
  auto take = [&]() {
    if (seen++ < offset) return false;
    if (out.size() == limit) {
      if (!result.contains("NextToken")) result["NextToken"] = offset_token(offset + limit);
      return false;
    }
    return true;
  };
  if (single_type) {
    auto rows = call.tx.query(
        "SELECT namespace, metric_name, dims_key, stat, configuration, characteristics FROM cw_anomaly_detectors "
        "WHERE account_id = ? AND region = ? ORDER BY namespace, metric_name, dims_key, stat",
        {call.account(), call.ctx.region});
    if (!rows) return rows.error();
    for (const auto& r : *rows) {
      Dimensions dims = dimensions_from_key(r.str(2));
      if ((!ns.empty() && r.str(0) != ns) || (!name.empty() && r.str(1) != name)) continue;
      bool dims_match = true;
      for (const auto& want : *filter_dims)
        dims_match = dims_match && std::any_of(dims.begin(), dims.end(), [&](const Dimension& d) { return d.name == want.name && d.value == want.value; });
      if (!dims_match || !take()) continue;
      MetricKey key{call.account(), call.ctx.region, r.str(0), r.str(1), dims};
      auto state = state_of(call.tx, key, call.ctx.now_ms);
      if (!state) return state.error();
      json::object single{{"AccountId", call.account()}, {"Namespace", r.str(0)}, {"MetricName", r.str(1)},
                          {"Dimensions", dimensions_json(dims)}, {"Stat", r.str(3)}};
      json::object d{{"Namespace", r.str(0)},  {"MetricName", r.str(1)}, {"Dimensions", dimensions_json(dims)},
                     {"Stat", r.str(3)},       {"StateValue", *state},   {"SingleMetricAnomalyDetector", std::move(single)},
                     {"Configuration", json::parse(r.str(4))}, {"MetricCharacteristics", json::parse(r.str(5))}};
      out.push_back(std::move(d));
    }
  }
  if (math_type && ns.empty() && name.empty() && filter_dims->empty()) {
    auto rows = call.tx.query(
        "SELECT queries, configuration, characteristics FROM cw_math_anomaly_detectors WHERE account_id = ? AND region = ? "
        "ORDER BY created_ms, queries",
        {call.account(), call.ctx.region});
    if (!rows) return rows.error();
    for (const auto& r : *rows) {
      if (!take()) continue;
      json::value queries = json::parse(r.str(0));
      auto state = math_state_of(call.tx, call.account(), call.ctx.region, queries.as_array(), call.ctx.now_ms);
      if (!state) return state.error();
      out.push_back(json::object{{"MetricMathAnomalyDetector", json::object{{"MetricDataQueries", std::move(queries)}}},
                                 {"StateValue", *state},
                                 {"Configuration", json::parse(r.str(1))},
                                 {"MetricCharacteristics", json::parse(r.str(2))}});
    }
  }
  result["AnomalyDetectors"] = std::move(out);
  return result;
}

}  // namespace

Result<std::vector<std::pair<int64_t, int64_t>>> detector_exclusions(store::Tx& tx, const MetricKey& key, const std::string& stat) {
  std::vector<std::pair<int64_t, int64_t>> out;
  auto rows = tx.query(
      "SELECT configuration FROM cw_anomaly_detectors WHERE account_id = ? AND region = ? AND namespace = ? AND metric_name = ? "
      "AND dims_key = ? AND stat = ?",
      {key.account, key.region, key.ns, key.name, dimensions_key(key.dims), stat});
  if (!rows) return rows.error();
  if (rows->empty()) return out;
  return excluded_ranges(rows->front().str(0));
}

void add_anomaly_detector_operations(std::vector<OperationDef>& ops) {
  ops.push_back(cw_op("PutAnomalyDetector", false, Resource::None, put_anomaly_detector));
  ops.push_back(cw_op("DeleteAnomalyDetector", false, Resource::None, delete_anomaly_detector));
  ops.push_back(cw_op("DescribeAnomalyDetectors", true, Resource::None, describe_anomaly_detectors));
}

Result<std::vector<std::pair<int64_t, int64_t>>> math_detector_exclusions(store::Tx& tx, const std::string& account,
                                                                         const std::string& region, const std::string& expression) {
  auto rows = tx.query("SELECT queries, configuration FROM cw_math_anomaly_detectors WHERE account_id = ? AND region = ?",
                       {account, region});
  if (!rows) return rows.error();
  for (const auto& r : *rows) {
    json::value queries = json::parse(r.str(0));
    for (const auto& q : queries.as_array()) {
      const auto& o = q.as_object();
      const auto* rd = o.if_contains("ReturnData");
      if ((!rd || !rd->is_bool() || rd->as_bool()) && text(o, "Expression") == expression) return excluded_ranges(r.str(1));
    }
  }
  return std::vector<std::pair<int64_t, int64_t>>();
}

std::vector<store::Migration> anomaly_detector_migrations() {
  return {{"cloudwatch/010_anomaly_detectors", R"sql(
CREATE TABLE cw_anomaly_detectors (
  account_id      TEXT NOT NULL,
  region          TEXT NOT NULL,
  namespace       TEXT NOT NULL,
  metric_name     TEXT NOT NULL,
  dims_key        TEXT NOT NULL,
  stat            TEXT NOT NULL,
  configuration   TEXT NOT NULL,
  characteristics TEXT NOT NULL,
  created_ms      INTEGER NOT NULL,
  PRIMARY KEY (account_id, region, namespace, metric_name, dims_key, stat)
);
)sql"},
          {"cloudwatch/011_math_anomaly_detectors", R"sql(
-- queries: the detector's MetricDataQueries as sent (its identity).
CREATE TABLE cw_math_anomaly_detectors (
  account_id      TEXT NOT NULL,
  region          TEXT NOT NULL,
  queries         TEXT NOT NULL,
  configuration   TEXT NOT NULL,
  characteristics TEXT NOT NULL,
  created_ms      INTEGER NOT NULL,
  PRIMARY KEY (account_id, region, queries)
);
)sql"}};
}

}  // namespace citadel::services::cloudwatch
