// PutMetricData: validates every datum first (a bad datum stores nothing), then writes one sample
// row per datum. This is the ingest hot path: one prepared insert per datum and one upsert per
// metric of the call, no JSON kept.
#include <cmath>
#include <unordered_map>

#include "services/cloudwatch/cloudwatch_operations.h"
#include "services/cloudwatch/metric_store.h"

namespace citadel::services::cloudwatch {

namespace {

constexpr size_t kMaxDatums = 1000, kMaxValues = 150;
constexpr int64_t kTwoWeeksMs = 14LL * 24 * 3600 * 1000, kTwoHoursMs = 2LL * 3600 * 1000;

// CloudWatch refuses values it cannot store: NaN, infinities, and magnitudes outside
// [2^-260, 2^360] other than zero.
bool storable(double v) {
  if (!std::isfinite(v)) return false;
  double a = std::fabs(v);
  return a == 0 || (a >= std::ldexp(1.0, -260) && a <= std::ldexp(1.0, 360));
}

struct Datum {
  MetricKey key;
  Sample sample;
};

Result<Datum> read_datum(const json::object& d, const std::string& at, const Call& call) {
  Datum out;
  out.key.name = text(d, "MetricName");
  if (out.key.name.empty()) return missing_parameter("The parameter " + at + ".MetricName is required.");
  auto dims = read_dimensions(d.if_contains("Dimensions"), at + ".Dimensions");
  if (!dims) return dims.error();
  out.key.dims = std::move(*dims);
  auto& s = out.sample;
  s.ts_ms = integer(d, "Timestamp").value_or(call.ctx.now_ms);
  if (s.ts_ms < call.ctx.now_ms - kTwoWeeksMs)
    return invalid_value("The parameter " + at + ".Timestamp must specify a time no more than two weeks in the past.");
  if (s.ts_ms > call.ctx.now_ms + kTwoHoursMs)
    return invalid_value("The parameter " + at + ".Timestamp must specify a time no more than two hours in the future.");
  if (auto r = integer(d, "StorageResolution")) {
    if (*r != 1 && *r != 60) return invalid_value("The parameter " + at + ".StorageResolution must be either 1 or 60.");
    s.resolution = static_cast<int>(*r);
  }
  if (auto u = text(d, "Unit"); !u.empty()) s.unit = u;

  auto value = number(d, "Value");
  const auto* stats = d.if_contains("StatisticValues");
  const auto* values = array(d, "Values");
  const auto* counts = array(d, "Counts");
  int given = (value ? 1 : 0) + (stats && stats->is_object() ? 1 : 0) + (values ? 1 : 0);
  if (given > 1) {
    std::string a = value ? "Value" : "StatisticValues", b = values ? "Values" : "StatisticValues";
    return invalid_combination("The parameters " + at + "." + a + " and " + at + "." + b +
                               " are mutually exclusive and you have specified both.");
  }
  if (given == 0) return missing_parameter("The parameter " + at + ".Value is required.");
  if (counts && !values) return invalid_combination("The parameter " + at + ".Counts can only be specified with " + at + ".Values.");
  if (value) {
    if (!storable(*value)) return invalid_value("The value " + std::to_string(*value) + " for parameter " + at + ".Value is invalid.");
    s.count = 1;
    s.sum = s.min = s.max = *value;
    s.values = pack_values({{*value, 1.0}});
  } else if (values) {
    if (values->size() > kMaxValues)
      return invalid_value("The collection " + at + ".Values must not have a size greater than " + std::to_string(kMaxValues) + ".");
    if (counts && counts->size() != values->size())
      return invalid_value("The parameters " + at + ".Values and " + at + ".Counts must be of the same size.");
    std::vector<std::pair<double, double>> vc;
    for (size_t i = 0; i < values->size(); ++i) {
      double v = (*values)[i].is_number() ? (*values)[i].to_number<double>() : NAN;
      double c = counts && (*counts)[i].is_number() ? (*counts)[i].to_number<double>() : 1.0;
      if (!storable(v)) return invalid_value("The parameter " + at + ".Values.member." + std::to_string(i + 1) + " is invalid.");
      if (!std::isfinite(c) || c < 0)
        return invalid_value("The parameter " + at + ".Counts.member." + std::to_string(i + 1) + " must not be negative.");
      if (c == 0) continue;
      s.min = s.count == 0 ? v : std::min(s.min, v);
      s.max = s.count == 0 ? v : std::max(s.max, v);
      s.count += c;
      s.sum += v * c;
      vc.emplace_back(v, c);
    }
    if (s.count == 0) return invalid_value("The parameter " + at + ".Values must hold at least one value with a count above zero.");
    s.values = pack_values(vc);
  } else {
    const auto& st = stats->as_object();
    auto n = number(st, "SampleCount"), sum = number(st, "Sum"), mn = number(st, "Minimum"), mx = number(st, "Maximum");
    for (auto [name, v] : {std::pair{"SampleCount", n}, {"Sum", sum}, {"Minimum", mn}, {"Maximum", mx}}) {
      if (!v) return missing_parameter("The parameter " + at + ".StatisticValues." + name + " is required.");
      if (!storable(*v)) return invalid_value("The parameter " + at + ".StatisticValues." + name + " is invalid.");
    }
    if (*n <= 0) return invalid_value("The parameter " + at + ".StatisticValues.SampleCount must be greater than 0.");
    if (*mn > *mx)
      return invalid_value("The parameter " + at + ".StatisticValues.Maximum must be greater than or equal to " + at + ".StatisticValues.Minimum.");
    s.count = *n;
    s.sum = *sum;
    s.min = *mn;
    s.max = *mx;
  }
  return out;
}

Result<json::value> put_metric_data(Call& call) {
  std::string ns = call.str("Namespace");
  if (ns.rfind("AWS/", 0) == 0) return invalid_value("The value " + ns + " for parameter Namespace is invalid.");
  std::vector<Datum> datums;
  // Datums come in MetricData and, grouped by the entity they describe, in EntityMetricData.
  auto collect = [&](const json::array* list, const std::string& prefix) -> Status {
    if (!list) return Ok{};
    size_t i = 0;
    for (const auto& d : *list) {
      ++i;
      if (!d.is_object()) continue;
      auto datum = read_datum(d.as_object(), prefix + ".member." + std::to_string(i), call);
      if (!datum) return datum.error();
      datums.push_back(std::move(*datum));
    }
    return Ok{};
  };
  if (auto s = collect(array(call.input, "MetricData"), "MetricData"); !s) return s.error();
  if (const auto* entities = array(call.input, "EntityMetricData")) {
    size_t e = 0;
    for (const auto& em : *entities) {
      ++e;
      if (!em.is_object()) continue;
      if (auto s = collect(array(em.as_object(), "MetricData"), "EntityMetricData.member." + std::to_string(e) + ".MetricData"); !s)
        return s.error();
    }
  }
  if (datums.empty()) return missing_parameter("The parameter MetricData is required.");
  if (datums.size() > kMaxDatums)
    return invalid_value("The collection MetricData must not have a size greater than " + std::to_string(kMaxDatums) + ".");
  // A call often sends many datums of few metrics: each metric row is touched once per call.
  std::unordered_map<std::string, int64_t> ids;
  for (auto& d : datums) {
    d.key.account = call.account();
    d.key.region = call.ctx.region;
    d.key.ns = ns;
    std::string k = d.key.name + '\x1d' + dimensions_key(d.key.dims);
    auto it = ids.find(k);
    if (it == ids.end()) {
      auto id = upsert_metric(call.tx, d.key, call.ctx.now_ms);
      if (!id) return id.error();
      it = ids.emplace(std::move(k), *id).first;
    }
    if (auto s = insert_sample(call.tx, it->second, d.sample); !s) return s.error();
  }
  return json::object{};
}

}  // namespace

void add_put_metric_data(std::vector<OperationDef>& ops) {
  ops.push_back(cw_op("PutMetricData", false, Resource::None, put_metric_data));
}

}  // namespace citadel::services::cloudwatch
