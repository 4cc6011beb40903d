#include "services/cloudwatch/metric_queries.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "services/cloudwatch/anomaly_band.h"
#include "services/cloudwatch/anomaly_detectors.h"
#include "services/cloudwatch/metric_search.h"
#include "services/cloudwatch/metric_store.h"
#include "services/cloudwatch/period_rules.h"

namespace citadel::services::cloudwatch {

namespace {

constexpr size_t kMaxQueries = 500;
constexpr size_t kMaxSearchSeries = 500;
constexpr int64_t kSearchWindowMs = 14LL * 24 * 3600 * 1000;  // SEARCH finds metrics put in the last two weeks

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
      bool single_value = !q.contains("MetricStat") && v->kind != MathValue::Kind::Array;
      for (auto& s : r.series) {
        if (!label.empty()) s.label = label;
        else if (single_value || s.label.empty()) s.label = r.id;
      }
      r.label = r.series.empty() ? (label.empty() ? r.id : label) : r.series.front().label;
      out.push_back(std::move(r));
    }
    return out;
  }

  // The series of query `id` (there is one).
  Result<std::vector<Series>> series_of(const std::string& id) {
    for (size_t k = 0; k < queries_.size(); ++k)
      if (text(queries_[k].as_object(), "Id") == id) {
        auto v = value(k);
        if (!v) return v.error();
        return as_series(*v, context(k));
      }
    return std::vector<Series>();
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
    if (scope_.allow_search)
      ctx.search = [this](const std::string& text, const std::string& stat, int64_t period_s) { return search(text, stat, period_s); };
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
    auto points = read_statistic(**id, out.stat, out.period, text(ms, "Unit"), from_ms);
    if (!points) return points.error();
    out.points = std::move(*points);
    return out;
  }

  // The statistic of a stored metric per period of [from_ms, end of the range).
  Result<std::map<int64_t, double>> read_statistic(int64_t metric_id, const std::string& stat, int64_t period_s,
                                                   const std::string& unit, int64_t from_ms) {
    int64_t p = period_s * 1000;
    auto periods = read_periods(tx_, metric_id, (from_ms / p) * p, scope_.end_ms, period_s, unit, is_percentile(stat));
    if (!periods) return periods.error();
    std::map<int64_t, double> out;
    for (auto& [ts, agg] : *periods)
      if (auto v = statistic(agg, stat)) out[ts] = *v;
    return out;
  }

  // SEARCH: every metric of the account and region put in the last two weeks that the search
  // finds, at most 500 of them (CloudWatch's limit), each labelled by its dimension values and name.
  Result<MathValue> search(const std::string& text, const std::string& stat, int64_t period_s) {
    if (!is_statistic(stat))
      return AwsError::sender("ValidationError", "Error in expression: SEARCH's statistic " + stat + " is not a valid statistic.", 400);
    if (!check_period(period_s, "Period"))
      return AwsError::sender("ValidationError", "Error in expression: SEARCH's period must be 1, 5, 10, 20, 30, or a multiple of 60.", 400);
    auto s = MetricSearch::parse(text);
    if (!s) return s.error();
    auto listed = list_metrics(tx_, scope_.account, scope_.region, s->schema_namespace(), "", scope_.now_ms - kSearchWindowMs, 0,
                               INT64_MAX);
    if (!listed) return listed.error();
    MathValue out;
    out.kind = MathValue::Kind::Array;
    bool coarse = period_s < coarsest_grain_s(scope_.start_ms, scope_.now_ms);
    for (const auto& m : *listed) {
      if (!s->matches(m.ns, m.name, m.dims)) continue;
      if (out.series.size() == kMaxSearchSeries) break;
      Series series{"", period_s, {}};
      for (const auto& d : m.dims) series.label += d.value + " ";
      series.label += m.name;
      if (!coarse) {
        auto points = read_statistic(m.id, stat, period_s, "", scope_.start_ms);
        if (!points) return points.error();
        series.points = std::move(*points);
      }
      out.series.push_back(std::move(series));
    }
    std::sort(out.series.begin(), out.series.end(), [](const Series& a, const Series& b) { return a.label < b.label; });
    return out;
  }

  // The band of MetricStat query `id` over the request's range (anomaly_band.h), trained on the
  // metric's stored history and the excluded ranges of its anomaly detector, if it has one.
  // An expression query's band is trained on the expression evaluated over the training window
  // too, with the excluded ranges of the metric math detector whose returning query it is.
  Result<MathValue> band(const std::string& id, double k) {
    const json::object* query = nullptr;
    for (const auto& q : queries_)
      if (text(q.as_object(), "Id") == id) query = &q.as_object();
    if (!query)
      return AwsError::sender("ValidationError", "Error in expression: ANOMALY_DETECTION_BAND names no query " + id, 400);
    std::string name;
    int64_t period = 60;
    std::map<int64_t, double> history;
    std::vector<std::pair<int64_t, int64_t>> excluded;
    if (const auto* ms = query->if_contains("MetricStat")) {
      auto read = stat_points(ms->as_object(), scope_.start_ms - kAnomalyTrainingMs, false);
      if (!read) return read.error();
      auto ex = detector_exclusions(tx_, read->key, read->stat);
      if (!ex) return ex.error();
      name = read->key.name, period = read->period, history = std::move(read->points), excluded = std::move(*ex);
    } else {
      QueryScope training = scope_;
      training.start_ms = scope_.start_ms - kAnomalyTrainingMs;
      auto evaluated = Evaluator(tx_, queries_, training).series_of(id);
      if (!evaluated) return evaluated.error();
      std::vector<Series>& series = *evaluated;
      if (series.size() != 1)
        return AwsError::sender("ValidationError", "Error in expression: ANOMALY_DETECTION_BAND needs " + id + " to be a single time series", 400);
      auto ex = math_detector_exclusions(tx_, scope_.account, scope_.region, text(*query, "Expression"));
      if (!ex) return ex.error();
      name = id, period = series.front().period_s, history = std::move(series.front().points), excluded = std::move(*ex);
    }
    int64_t p = period * 1000;
    std::vector<int64_t> at;
    for (int64_t t = (scope_.start_ms / p) * p; t < scope_.end_ms; t += p)
      if (t >= scope_.start_ms) at.push_back(t);
    Band b = anomaly_band(history, at, k, excluded);
    MathValue out;
    out.kind = MathValue::Kind::Array;
    out.series.push_back(Series{name + " Lower", period, std::move(b.lower)});
    out.series.push_back(Series{name + " Upper", period, std::move(b.upper)});
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
