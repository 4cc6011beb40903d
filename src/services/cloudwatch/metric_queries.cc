#include "services/cloudwatch/metric_queries.h"

#include <cmath>
#include <set>

#include "services/cloudwatch/anomaly_band.h"
#include "services/cloudwatch/anomaly_detectors.h"
#include "services/cloudwatch/metric_store.h"
#include "services/cloudwatch/period_rules.h"

namespace citadel::services::cloudwatch {

namespace {

constexpr size_t kMaxQueries = 500;

bool valid_id(const std::string& id) {
  if (id.empty() || id[0] < 'a' || id[0] > 'z') return false;
  for (char c : id)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  return true;
}

int64_t query_period(const json::object& q) {
  if (const auto* ms = q.if_contains("MetricStat"); ms && ms->is_object())
    return integer(ms->as_object(), "Period").value_or(60);
  return integer(q, "Period").value_or(0);
}

// Evaluates queries on demand, each once, refusing circular references.
class Evaluator {
 public:
  Evaluator(store::Tx& tx, const json::array& queries, const QueryScope& scope) : tx_(tx), queries_(queries), scope_(scope) {
    for (const auto& q : queries) {
      int64_t p = query_period(q.as_object());
      if (p > 0 && (period_ == 0 || p < period_)) period_ = p;
    }
    if (period_ == 0) period_ = 60;
  }

  Result<std::vector<QueryResult>> all() {
    std::vector<QueryResult> out;
    for (size_t i = 0; i < queries_.size(); ++i) {
      auto v = value(i);
      if (!v) return v.error();
      const auto& q = queries_[i].as_object();
      QueryResult r;
      r.id = text(q, "Id");
      const auto* rd = q.if_contains("ReturnData");
      r.return_data = !rd || !rd->is_bool() || rd->as_bool();
      r.series = as_series(*v, context(i));
      // Labels: the query's own; else a metric's name, an expression's id (an array keeps the
      // labels of its series).
      std::string label = text(q, "Label");
      bool expression = !q.contains("MetricStat");
      for (auto& s : r.series) {
        if (!label.empty()) s.label = label;
        else if ((expression && r.series.size() == 1) || s.label.empty()) s.label = r.id;
      }
      r.label = r.series.empty() ? (label.empty() ? r.id : label) : r.series.front().label;
      out.push_back(std::move(r));
    }
    return out;
  }

 private:
  MathContext context(size_t i) {
    MathContext ctx;
    ctx.start_ms = scope_.start_ms;
    ctx.end_ms = scope_.end_ms;
    int64_t p = query_period(queries_[i].as_object());
    ctx.period_s = p > 0 ? p : period_;
    ctx.lookup = [this](const std::string& id) -> Result<std::optional<MathValue>> {
      for (size_t k = 0; k < queries_.size(); ++k)
        if (text(queries_[k].as_object(), "Id") == id) {
          auto v = value(k);
          if (!v) return v.error();
          return std::optional<MathValue>(*v);
        }
      return std::optional<MathValue>();
    };
    ctx.all_metrics = [this]() -> Result<std::vector<Series>> {
      std::vector<Series> out;
      for (size_t k = 0; k < queries_.size(); ++k) {
        if (!queries_[k].as_object().contains("MetricStat")) continue;
        auto v = value(k);
        if (!v) return v.error();
        for (auto s : v->series) {
          std::string label = text(queries_[k].as_object(), "Label");
          if (!label.empty()) s.label = label;
          out.push_back(std::move(s));
        }
      }
      return out;
    };
    ctx.anomaly_band = [this](const std::string& id, double k) { return band(id, k); };
    return ctx;
  }

  // A MetricStat's metric, and its statistic per period of [from_ms, end of the range).
  struct StatPoints {
    MetricKey key;
    std::string stat;
    int64_t period = 60;
    std::map<int64_t, double> points;
  };
  Result<StatPoints> stat_points(const json::object& ms, int64_t from_ms, bool respect_retention) {
    const auto& m = ms.at("Metric").as_object();
    auto dims = read_dimensions(m.if_contains("Dimensions"), "Dimensions");
    if (!dims) return dims.error();
    StatPoints out{MetricKey{scope_.account, scope_.region, text(m, "Namespace"), text(m, "MetricName"), std::move(*dims)},
                   text(ms, "Stat"), integer(ms, "Period").value_or(60), {}};
    auto id = find_metric(tx_, out.key);
    if (!id) return id.error();
    if (!*id || (respect_retention && out.period < coarsest_grain_s(scope_.start_ms, scope_.now_ms))) return out;
    int64_t p = out.period * 1000;
    auto periods = read_periods(tx_, **id, (from_ms / p) * p, scope_.end_ms, out.period, text(ms, "Unit"), is_percentile(out.stat));
    if (!periods) return periods.error();
    for (auto& [ts, agg] : *periods)
      if (auto v = statistic(agg, out.stat)) out.points[ts] = *v;
    return out;
  }

  // The band of MetricStat query `id` over the request's range (anomaly_band.h), trained on the
  // metric's stored history and the excluded ranges of its anomaly detector, if it has one.
  Result<MathValue> band(const std::string& id, double k) {
    const json::object* ms = nullptr;
    for (const auto& q : queries_)
      if (text(q.as_object(), "Id") == id) ms = q.as_object().if_contains("MetricStat") ? &q.as_object().at("MetricStat").as_object() : nullptr;
    if (!ms)
      return AwsError::sender("ValidationError", "Error in expression: ANOMALY_DETECTION_BAND needs the id of a MetricStat query, not " + id, 400);
    auto history = stat_points(*ms, scope_.start_ms - kAnomalyTrainingMs, false);
    if (!history) return history.error();
    auto excluded = detector_exclusions(tx_, history->key, history->stat);
    if (!excluded) return excluded.error();
    int64_t p = history->period * 1000;
    std::vector<int64_t> at;
    for (int64_t t = (scope_.start_ms / p) * p; t < scope_.end_ms; t += p)
      if (t >= scope_.start_ms) at.push_back(t);
    Band b = anomaly_band(history->points, at, k, *excluded);
    MathValue out;
    out.kind = MathValue::Kind::Array;
    out.series.push_back(Series{history->key.name + " Lower", history->period, std::move(b.lower)});
    out.series.push_back(Series{history->key.name + " Upper", history->period, std::move(b.upper)});
    return out;
  }

  Result<MathValue> value(size_t i) {
    if (auto it = done_.find(i); it != done_.end()) return it->second;
    const auto& q = queries_[i].as_object();
    if (!active_.insert(i).second)
      return AwsError::sender("ValidationError", "Error in expression " + text(q, "Id") + ": Circular dependency", 400);
    auto v = q.contains("MetricStat") ? metric_stat(q.at("MetricStat").as_object()) : evaluate_expression(text(q, "Id"), text(q, "Expression"), context(i));
    active_.erase(i);
    if (!v) return v;
    done_.emplace(i, *v);
    return v;
  }

  Result<MathValue> metric_stat(const json::object& ms) {
    auto read = stat_points(ms, scope_.start_ms, true);
    if (!read) return read.error();
    MathValue out;
    out.kind = MathValue::Kind::Series;
    out.series.push_back(Series{read->key.name, read->period, std::move(read->points)});
    return out;
  }

  store::Tx& tx_;
  const json::array& queries_;
  const QueryScope& scope_;
  int64_t period_ = 0;
  std::map<size_t, MathValue> done_;
  std::set<size_t> active_;
};

}  // namespace

Status check_queries(const json::array& queries, const std::string& where) {
  if (queries.size() > kMaxQueries)
    return invalid_value("The collection " + where + " must not have a size greater than " + std::to_string(kMaxQueries) + ".");
  std::set<std::string> ids;
  size_t i = 0;
  for (const auto& qv : queries) {
    ++i;
    std::string at = where + ".member." + std::to_string(i);
    if (!qv.is_object()) return missing_parameter("The parameter " + at + " is required.");
    const auto& q = qv.as_object();
    std::string id = text(q, "Id");
    if (!valid_id(id))
      return invalid_value("The value " + id + " for parameter " + at + ".Id is invalid: it must start with a lowercase letter and hold only letters, digits and underscores.");
    if (!ids.insert(id).second) return invalid_value("The value " + id + " for parameter " + at + ".Id is not unique.");
    const auto* ms = q.if_contains("MetricStat");
    bool has_expr = !text(q, "Expression").empty();
    if ((ms != nullptr) == has_expr)
      return invalid_combination("Exactly one element of the MetricStat and Expression parameters of " + at + " must be specified.");
    if (ms) {
      const auto& s = ms->as_object();
      std::string stat = text(s, "Stat");
      if (!is_statistic(stat)) return invalid_value("The value " + stat + " for parameter " + at + ".MetricStat.Stat is not a valid statistic.");
      if (auto st = check_period(integer(s, "Period").value_or(0), at + ".MetricStat.Period"); !st) return st;
    } else if (auto p = integer(q, "Period")) {
      if (auto st = check_period(*p, at + ".Period"); !st) return st;
    }
  }
  return Ok{};
}

Result<std::vector<QueryResult>> run_queries(store::Tx& tx, const json::array& queries, const QueryScope& scope) {
  if (auto s = check_queries(queries, scope.where); !s) return s.error();
  return Evaluator(tx, queries, scope).all();
}

}  // namespace citadel::services::cloudwatch
