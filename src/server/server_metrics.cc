#include "server/server_metrics.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "base/time.h"

namespace citadel::server {

namespace {

// The process's resident memory and CPU seconds, from /proc/self.
void process_figures(double& rss_bytes, double& cpu_seconds, long& threads) {
  rss_bytes = cpu_seconds = 0;
  threads = 0;
  std::ifstream stat("/proc/self/stat");
  std::string content((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  auto close = content.rfind(')');
  if (close == std::string::npos) return;
  std::istringstream rest(content.substr(close + 2));
  std::vector<std::string> f;
  for (std::string x; rest >> x;) f.push_back(x);
  // Fields after the command: state(0) ... utime(11) stime(12) ... num_threads(17) ... rss(21).
  if (f.size() < 22) return;
  double hz = static_cast<double>(sysconf(_SC_CLK_TCK));
  cpu_seconds = (std::stod(f[11]) + std::stod(f[12])) / hz;
  threads = std::stol(f[17]);
  rss_bytes = std::stod(f[21]) * static_cast<double>(sysconf(_SC_PAGESIZE));
}

std::string escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

ServerMetrics::ServerMetrics(const services::Registry& registry)
    : other_(std::make_unique<Slot>()), started_ms_(timeutil::now_ms()) {
  other_->service = "other";
  other_->operation = "other";
  for (const auto& [service, op] : registry.operation_list()) {
    auto s = std::make_unique<Slot>();
    s->service = service;
    s->operation = op->name;
    slots_[service].emplace(op->name, std::move(s));
  }
}

ServerMetrics::Slot* ServerMetrics::slot(std::string_view service, std::string_view operation) {
  auto by_service = slots_.find(service);
  if (by_service == slots_.end()) return other_.get();
  auto it = by_service->second.find(operation);
  return it == by_service->second.end() ? other_.get() : it->second.get();
}

void ServerMetrics::record(std::string_view service, std::string_view operation, int http_status, int64_t micros) {
  Slot* s = slot(service, operation);
  int cls = std::clamp(http_status / 100, 1, 5) - 1;
  s->by_class[static_cast<size_t>(cls)].fetch_add(1, std::memory_order_relaxed);
  double seconds = static_cast<double>(micros) / 1e6;
  for (size_t i = 0; i < kBuckets.size(); ++i)
    if (seconds <= kBuckets[i]) {
      s->buckets[i].fetch_add(1, std::memory_order_relaxed);
      break;  // cumulated when written out
    }
  s->count.fetch_add(1, std::memory_order_relaxed);
  s->micros.fetch_add(static_cast<uint64_t>(micros), std::memory_order_relaxed);
}

std::string ServerMetrics::prometheus_text(const std::string& version, uint64_t audit_events) const {
  std::ostringstream out;
  out << "# HELP citadel_build_info Citadel's version.\n# TYPE citadel_build_info gauge\n"
      << "citadel_build_info{version=\"" << escape(version) << "\"} 1\n";
  out << "# HELP citadel_requests_total Requests answered, by service, operation and HTTP status class.\n"
      << "# TYPE citadel_requests_total counter\n";
  std::vector<const Slot*> used;
  for (const auto& [service, operations] : slots_)
    for (const auto& [operation, s] : operations)
      if (s->count.load(std::memory_order_relaxed)) used.push_back(s.get());
  if (other_->count.load(std::memory_order_relaxed)) used.push_back(other_.get());
  std::sort(used.begin(), used.end(), [](const Slot* a, const Slot* b) {
    return std::tie(a->service, a->operation) < std::tie(b->service, b->operation);
  });
  for (const Slot* s : used)
    for (size_t c = 0; c < s->by_class.size(); ++c)
      if (uint64_t n = s->by_class[c].load(std::memory_order_relaxed))
        out << "citadel_requests_total{service=\"" << s->service << "\",operation=\"" << s->operation << "\",code=\"" << c + 1
            << "xx\"} " << n << "\n";
  out << "# HELP citadel_request_duration_seconds Time from a request's arrival to its response, by service and operation.\n"
      << "# TYPE citadel_request_duration_seconds histogram\n";
  for (const Slot* s : used) {
    std::string labels = "service=\"" + s->service + "\",operation=\"" + s->operation + "\"";
    uint64_t cumulative = 0;
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += s->buckets[i].load(std::memory_order_relaxed);
      char le[32];
      std::snprintf(le, sizeof le, "%g", kBuckets[i]);
      out << "citadel_request_duration_seconds_bucket{" << labels << ",le=\"" << le << "\"} " << cumulative << "\n";
    }
    uint64_t count = s->count.load(std::memory_order_relaxed);
    out << "citadel_request_duration_seconds_bucket{" << labels << ",le=\"+Inf\"} " << count << "\n"
        << "citadel_request_duration_seconds_sum{" << labels << "} " << static_cast<double>(s->micros.load()) / 1e6 << "\n"
        << "citadel_request_duration_seconds_count{" << labels << "} " << count << "\n";
  }
  out << "# HELP citadel_audit_journal_records_total Audit records appended to the journal since start.\n"
      << "# TYPE citadel_audit_journal_records_total counter\ncitadel_audit_journal_records_total " << audit_events << "\n";
  double rss = 0, cpu = 0;
  long threads = 0;
  process_figures(rss, cpu, threads);
  out << "# HELP process_resident_memory_bytes Resident memory size in bytes.\n# TYPE process_resident_memory_bytes gauge\n"
      << "process_resident_memory_bytes " << static_cast<uint64_t>(rss) << "\n"
      << "# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.\n# TYPE process_cpu_seconds_total counter\n"
      << "process_cpu_seconds_total " << cpu << "\n"
      << "# HELP process_threads Number of OS threads in the process.\n# TYPE process_threads gauge\nprocess_threads " << threads << "\n"
      << "# HELP process_start_time_seconds Start time of the process since unix epoch in seconds.\n"
      << "# TYPE process_start_time_seconds gauge\nprocess_start_time_seconds " << started_ms_ / 1000 << "\n";
  return out.str();
}

}  // namespace citadel::server
