#include "services/cloudwatch/anomaly_detectors.h"

#include "services/cloudwatch/anomaly_band.h"
#include "services/cloudwatch/cloudwatch_operations.h"
#include "services/cloudwatch/statistics.h"

namespace citadel::services::cloudwatch {

namespace {

constexpr size_t kMaxDescribe = 100;

// The detector a request names: SingleMetricAnomalyDetector, or the deprecated top-level members.
struct Named {
  MetricKey key;
  std::string stat;
};

Result<Named> named_detector(const Call& call) {
  if (call.input.contains("MetricMathAnomalyDetector"))
    return AwsError::not_implemented("cloudwatch: anomaly detectors on metric math (MetricMathAnomalyDetector)");
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
  auto n = named_detector(call);
  if (!n) return n.error();
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

Result<json::value> describe_anomaly_detectors(Call& call) {
  if (const auto* types = array(call.input, "AnomalyDetectorTypes"))
    for (const auto& t : *types)
      if (!t.is_string() || (t.as_string() != "SINGLE_METRIC" && t.as_string() != "METRIC_MATH"))
        return invalid_value("AnomalyDetectorTypes accepts SINGLE_METRIC and METRIC_MATH.");
  auto filter_dims = read_dimensions(call.input.if_contains("Dimensions"), "Dimensions");
  if (!filter_dims) return filter_dims.error();
  size_t offset = 0;
  if (call.has("NextToken")) {
    auto o = token_offset(call.str("NextToken"));
    if (!o) return o.error();
    offset = *o;
  }
  size_t limit = std::min<size_t>(static_cast<size_t>(integer(call.input, "MaxResults").value_or(kMaxDescribe)), kMaxDescribe);
  auto rows = call.tx.query(
      "SELECT namespace, metric_name, dims_key, stat, configuration, characteristics FROM cw_anomaly_detectors "
      "WHERE account_id = ? AND region = ? ORDER BY namespace, metric_name, dims_key, stat",
      {call.account(), call.ctx.region});
  if (!rows) return rows.error();
  std::string ns = call.str("Namespace"), name = call.str("MetricName");
  json::array out;
  size_t seen = 0;
  json::object result;
  for (const auto& r : *rows) {
    Dimensions dims = dimensions_from_key(r.str(2));
    if ((!ns.empty() && r.str(0) != ns) || (!name.empty() && r.str(1) != name)) continue;
    bool dims_match = true;
    for (const auto& want : *filter_dims)
      dims_match = dims_match && std::any_of(dims.begin(), dims.end(), [&](const Dimension& d) { return d.name == want.name && d.value == want.value; });
    if (!dims_match || seen++ < offset) continue;
    if (out.size() == limit) {
      result["NextToken"] = offset_token(offset + limit);
      break;
    }
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
  json::value config = json::parse(rows->front().str(0));  // named: the loop below reads into it
  if (!config.is_object()) return out;
  if (const auto* ranges = array(config.as_object(), "ExcludedTimeRanges"))
    for (const auto& r : *ranges)
      if (r.is_object())
        if (auto s = integer(r.as_object(), "StartTime"), e = integer(r.as_object(), "EndTime"); s && e) out.emplace_back(*s, *e);
  return out;
}

void add_anomaly_detector_operations(std::vector<OperationDef>& ops) {
  ops.push_back(cw_op("PutAnomalyDetector", false, Resource::None, put_anomaly_detector));
  ops.push_back(cw_op("DeleteAnomalyDetector", false, Resource::None, delete_anomaly_detector));
  ops.push_back(cw_op("DescribeAnomalyDetectors", true, Resource::None, describe_anomaly_detectors));
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
)sql"}};
}

}  // namespace citadel::services::cloudwatch
