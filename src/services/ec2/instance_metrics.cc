#include "services/ec2/instance_metrics.h"

#include <boost/json.hpp>
#include <algorithm>
#include <functional>

#include "services/cloudwatch/metric_store.h"

namespace citadel::services::ec2 {

namespace {

namespace json = boost::json;

// A repeatable number in [0, 1) for an instance and a minute.
double noise(const std::string& instance_id, int64_t minute) {
  size_t h = std::hash<std::string>{}(instance_id + "/" + std::to_string(minute));
  return static_cast<double>(h % 10000) / 10000.0;
}

Status publish(store::Tx& tx, const std::string& account, const std::string& region, const std::string& instance,
               const char* name, const char* unit, double value, int64_t ts, int64_t now_ms) {
  cloudwatch::MetricKey key{account, region, "AWS/EC2", name, {{"InstanceId", instance}}};
  return cloudwatch::put_value(tx, key, unit, value, ts, now_ms);
}

}  // namespace

double modelled_cpu(const std::string& workload, const std::string& instance_id, int64_t minute) {
  double n = noise(instance_id, minute);
  if (workload.empty() || workload == "steady") return 15 + 10 * n;
  if (workload == "idle") return 0.5 + 1.5 * n;
  if (workload == "busy") return 80 + 15 * n;
  if (workload == "spiky") return minute % 5 == 0 ? 95 : 5 + n;
  try {
    size_t used = 0;
    double fixed = std::stod(workload, &used);
    if (used == workload.size() && fixed >= 0 && fixed <= 100) return std::clamp(fixed - 1 + 2 * n, 0.0, 100.0);
  } catch (const std::exception&) {
  }
  return -1;
}

Status publish_instance_metrics(store::Store& store, int64_t now_ms) {
  return store.write([&](store::Tx& tx) -> Status {
    auto rows = tx.query(
        "SELECT r.resource_id, r.account_id, r.region, r.doc, "
        "(SELECT tag_value FROM ec2_tags t WHERE t.resource_id = r.resource_id AND t.tag_key = 'citadel:workload'), "
        "(SELECT tag_value FROM ec2_tags t WHERE t.resource_id = r.resource_id AND t.tag_key = 'citadel:status-check') "
        "FROM ec2_resources r WHERE r.kind = 'instance'");
    if (!rows) return rows.error();
    int64_t minute = now_ms / 60000;
    for (const auto& r : *rows) {
      boost::system::error_code ec;
      auto doc = json::parse(r.str(3), ec);
      const json::value* st = !ec && doc.is_object() ? doc.as_object().if_contains("State") : nullptr;
      const json::value* name = st && st->is_object() ? st->as_object().if_contains("Name") : nullptr;
      std::string state = name && name->is_string() ? std::string(name->as_string()) : "";
      if (state != "running" && state != "pending") continue;  // pending instances are running by their next read
      std::string id = r.str(0), account = r.str(1), region = r.str(2);
      double cpu = modelled_cpu(r.str(4), id, minute);
      if (cpu < 0) cpu = modelled_cpu("steady", id, minute);  // an unknown model: the default
      double failing = r.str(5) == "failing" ? 1 : 0;
      double in = cpu * 25 * 1024, out = in / 2;
      struct Point {
        const char* name;
        const char* unit;
        double value;
      } points[] = {{"CPUUtilization", "Percent", cpu},         {"NetworkIn", "Bytes", in},
                    {"NetworkOut", "Bytes", out},               {"StatusCheckFailed", "Count", failing},
                    {"StatusCheckFailed_Instance", "Count", failing}, {"StatusCheckFailed_System", "Count", 0}};
      for (const auto& p : points)
        if (auto s = publish(tx, account, region, id, p.name, p.unit, p.value, now_ms, now_ms); !s) return s;
    }
    return Ok{};
  });
}

}  // namespace citadel::services::ec2
