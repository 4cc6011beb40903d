// The audit journal's throughput: events appended (copied into the mapped segment in the caller's
// thread, as a request does) and indexed into the store by the background indexer in batches (one SQLite
// transaction per batch: the group commit). Reported as events/s including the indexing, which
// the benchmark waits for.
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "base/ids.h"
#include "server/audit_journal.h"
#include "services/cloudtrail/event_store.h"

using namespace citadel;

namespace {

struct Journal {
  std::string dir;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<server::AuditJournal> journal;
  explicit Journal(store::Durability d) {
    dir = std::filesystem::temp_directory_path() / ("citadel-audit-bench-" + ids::uuid4());
    std::filesystem::create_directories(dir);
    store = std::move(store::open_sqlite(dir + "/c.db", d).value());
    auto m = services::cloudtrail::event_migrations();
    for (auto& x : server::AuditJournal::migrations()) m.push_back(x);
    if (!store->migrate(m)) std::abort();
    journal = std::move(server::AuditJournal::open(dir + "/audit", *store, d).value());
  }
  ~Journal() {
    journal->stop();
    store->close();
    std::filesystem::remove_all(dir);
  }
};

// CPU seconds used so far by this process's threads named `name` (the indexer runs in its own).
double thread_cpu_seconds(const std::string& name) {
  double total = 0;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    std::string comm;
    std::getline(std::ifstream(task.path() / "comm"), comm);
    if (comm != name) continue;
    std::string stat;
    std::getline(std::ifstream(task.path() / "stat"), stat);
    std::istringstream fields(stat.substr(stat.rfind(')') + 2));
    std::string f;
    long utime = 0, stime = 0;
    for (int i = 3; i <= 15 && fields >> f; ++i) {
      if (i == 14) utime = std::stol(f);
      if (i == 15) stime = std::stol(f);
    }
    total += static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
  }
  return total;
}

services::cloudtrail::StoredEvent sample_event() {
  services::cloudtrail::StoredEvent e;
  e.account_id = "123456789012";
  e.event_time_ms = 1764670000000;
  e.event_id = ids::uuid7(e.event_time_ms);
  e.event_name = "GetCallerIdentity";
  e.event_source = "sts.amazonaws.com";
  e.username = "alice";
  e.region = "us-east-1";
  e.read_only = true;
  // A CloudTrail record of the size a read's usually is.
  e.event_json = R"({"eventVersion":"1.11","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE","arn":"arn:aws:iam::123456789012:user/alice",)"
                 R"("accountId":"123456789012","accessKeyId":"AKIAEXAMPLE","userName":"alice"},"eventTime":"2026-12-02T10:00:00Z",)"
                 R"("eventSource":"sts.amazonaws.com","eventName":"GetCallerIdentity","awsRegion":"us-east-1","sourceIPAddress":"127.0.0.1",)"
                 R"("userAgent":"aws-cli/1.36 Python/3.11","requestParameters":null,"responseElements":null,)"
                 R"("requestID":"00000000-0000-0000-0000-000000000000","eventID":"00000000-0000-0000-0000-000000000000","readOnly":true,)"
                 R"("eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"123456789012","eventCategory":"Management"})";
  return e;
}

constexpr int kBatch = 1000;  // events per iteration, then wait for them to be indexed

void BM_AuditAppendAndIndex(benchmark::State& state) {
  Journal j(state.range(0) ? store::Durability::Power : store::Durability::Process);
  auto event = sample_event();
  double index_cpu = thread_cpu_seconds("citadel-index");
  for (auto _ : state) {
    for (int i = 0; i < kBatch; ++i) {
      // As a server's: ids of version 7 carry the call's time, so they arrive in order.
      event.event_time_ms += 1;
      event.event_id = ids::uuid7(event.event_time_ms);
      if (!j.journal->append(event)) state.SkipWithError("append failed");
    }
    j.journal->wait_indexed();  // the indexing is part of the cost
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
  // What the background indexer costs a server per event, apart from the request threads' share.
  state.counters["index_cpu_us"] = (thread_cpu_seconds("citadel-index") - index_cpu) * 1e6 /
                                   static_cast<double>(state.iterations() * kBatch);
}
// Arg 0: --durability process; 1: power (every append returns once its record is synced).
BENCHMARK(BM_AuditAppendAndIndex)->Arg(0)->UseRealTime()->MinTime(2);
BENCHMARK(BM_AuditAppendAndIndex)->Arg(1)->UseRealTime()->MinTime(1);

// --durability power with 8 request threads appending at once, as a loaded server's do: their
// syncs are grouped (one fdatasync covers every record appended while the previous one ran).
void BM_AuditPowerGroupCommit(benchmark::State& state) {
  static std::unique_ptr<Journal> j;
  if (state.thread_index() == 0) j = std::make_unique<Journal>(store::Durability::Power);
  auto event = sample_event();
  constexpr int kPerThread = 100;
  for (auto _ : state) {
    for (int i = 0; i < kPerThread; ++i) {
      event.event_id = ids::uuid7(event.event_time_ms);
      if (!j->journal->append(event)) state.SkipWithError("append failed");
    }
  }
  state.SetItemsProcessed(state.iterations() * kPerThread);
  if (state.thread_index() == 0) {
    j->journal->wait_indexed();
    j.reset();
  }
}
BENCHMARK(BM_AuditPowerGroupCommit)->Threads(8)->UseRealTime()->MinTime(1);

}  // namespace

BENCHMARK_MAIN();
