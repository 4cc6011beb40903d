#include "services/cloudwatch/alarm_evaluator.h"

#include "services/cloudwatch/alarm_config.h"
#include "services/cloudwatch/alarm_transition.h"
#include "services/cloudwatch/composite_alarms.h"
#include "services/cloudwatch/metric_queries.h"
#include "services/cloudwatch/metric_store.h"

namespace citadel::services::cloudwatch {

namespace {

// The value of each period of the range from a series keyed by period start.
std::vector<PeriodValue> over_range(int64_t first, int64_t p, int count, const std::map<int64_t, double>& points) {
  std::vector<PeriodValue> out;
  for (int k = 0; k < count; ++k) {
    int64_t ts = first + k * p;
    auto it = points.find(ts);
    out.push_back({ts, it == points.end() ? std::nullopt : std::optional<double>(it->second)});
  }
  return out;
}

struct Change {
  std::string account, region, name;
  int64_t config_updated_ms = 0;
  Evaluation evaluation;
};

}  // namespace

Result<std::vector<PeriodValue>> alarm_range(store::Tx& tx, const AlarmRow& a, const AlarmRule& rule, int64_t now_ms) {
  int64_t p = rule.period_s * 1000;
  int count = evaluation_range(rule);
  int64_t first = (now_ms / p) * p - (count - 1) * p, end = (now_ms / p) * p + p;
  std::map<int64_t, double> points;
  std::string band_id = text(a.config, "ThresholdMetricId");
  const Series *lower = nullptr, *upper = nullptr;
  std::vector<QueryResult> results;
  if (const auto* metrics = array(a.config, "Metrics"); metrics && !metrics->empty()) {
    QueryScope scope{a.account, a.region, first, end, now_ms, "Metrics", /*allow_search=*/false};
    auto ran = run_queries(tx, *metrics, scope);
    if (!ran) return ran.error();
    results = std::move(*ran);
    for (const auto& r : results) {
      if (!band_id.empty() && r.id == band_id) {
        if (r.series.size() == 2) lower = &r.series[0], upper = &r.series[1];
      } else if (r.return_data && !r.series.empty()) {
        points = r.series.front().points;
      }
    }
  } else {
    auto dims = read_dimensions(a.config.if_contains("Dimensions"), "Dimensions");
    if (!dims) return dims.error();
    MetricKey key{a.account, a.region, text(a.config, "Namespace"), text(a.config, "MetricName"), std::move(*dims)};
    auto id = find_metric(tx, key);
    if (!id) return id.error();
    if (*id) {
      auto periods = read_periods(tx, **id, first, end, rule.period_s, text(a.config, "Unit"), is_percentile(rule.statistic));
      if (!periods) return periods.error();
      for (auto& [ts, agg] : *periods)
        if (auto v = statistic(agg, rule.statistic)) points[ts] = *v;
    }
  }
  auto range = over_range(first, p, count, points);
  if (!band_id.empty())
    for (auto& pv : range) {
      // A period without a band (too little history) cannot be judged: it counts as missing.
      auto lo = lower ? lower->points.find(pv.ts_ms) : std::map<int64_t, double>::const_iterator();
      auto hi = upper ? upper->points.find(pv.ts_ms) : std::map<int64_t, double>::const_iterator();
      if (!lower || !upper || lo == lower->points.end() || hi == upper->points.end()) {
        pv.value.reset();
        continue;
      }
      pv.lower = lo->second, pv.upper = hi->second;
    }
  return range;
}

Result<int> evaluate_all_alarms(store::Store& store, int64_t now_ms) {
  // Decide in a read snapshot; write only the alarms that move, each checked again under the
  // write lock so that a PutMetricAlarm in between wins.
  std::vector<Change> changes;
  bool composites = false;
  auto read = store.read([&](store::Tx& tx) -> Status {
    auto alarms = load_alarms(tx, "", "");
    if (!alarms) return alarms.error();
    for (const auto& a : *alarms) {
      if (a.composite()) {
        composites = true;
        continue;
      }
      AlarmRule rule = alarm_rule(a.config);
      auto range = alarm_range(tx, a, rule, now_ms);
      if (!range) continue;  // a query that no longer evaluates (a metric-math error) leaves the alarm as it is
      Evaluation e = evaluate_alarm(rule, *range, a.state, now_ms);
      if (e.kept || e.state == a.state) continue;
      changes.push_back({a.account, a.region, a.name, a.config_updated_ms, std::move(e)});
    }
    return Ok{};
  });
  if (!read) return read.error();
  int moved = 0;
  if (!changes.empty() || composites) {
    auto w = store.write([&](store::Tx& tx) -> Status {
      for (auto& c : changes) {
        auto a = load_alarm(tx, c.account, c.region, c.name);
        if (!a) return a.error();
        if (!*a || (*a)->config_updated_ms != c.config_updated_ms || (*a)->state == c.evaluation.state) continue;
        if (auto s = move_alarm(tx, **a, c.evaluation.state, c.evaluation.reason, json_text(c.evaluation.data), now_ms); !s) return s;
        ++moved;
      }
      // Composite alarms follow the states just written.
      auto settled = settle_composites(tx, now_ms);
      if (!settled) return settled.error();
      moved += *settled;
      return Ok{};
    });
    if (!w) return w.error();
  }
  auto retention = store.write([&](store::Tx& tx) { return apply_retention(tx, now_ms); });
  if (!retention) return retention.error();
  return moved;
}

}  // namespace citadel::services::cloudwatch
