// The whole request pipeline in-process, without the network: route, SigV4 verification,
// credential lookup, decode, authorize, handler, audit journal append, encode. The request is a
// SigV4-signed STS GetCallerIdentity as botocore sends it, against a real SQLite data directory.
#include <benchmark/benchmark.h>

#include <filesystem>

#include "auth/sigv4.h"
#include "base/crypto.h"
#include "base/time.h"
#include "server/audit_journal.h"
#include "server/pipeline.h"
#include "services/iam/bootstrap.h"

using namespace citadel;

namespace {

struct Fixture {
  std::string dir;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<store::SecretBox> box;
  std::unique_ptr<auth::CredentialResolver> creds;
  std::unique_ptr<server::AuditJournal> journal;
  services::Registry registry = services::make_registry();
  std::unique_ptr<server::Pipeline> pipeline;
  services::iam::RootCredentials root;

  Fixture() {
    dir = std::filesystem::temp_directory_path() / ("citadel-bench-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    box = std::make_unique<store::SecretBox>(std::string(32, 'k'));
    store = std::move(store::open_sqlite(dir + "/citadel.db", store::Durability::Process).value());
    auto m = registry.migrations();
    for (auto& x : server::AuditJournal::migrations()) m.push_back(x);
    store->migrate(m);
    root = services::iam::bootstrap(*store, *box).value();
    creds = std::make_unique<auth::CredentialResolver>(*store, *box);
    journal = std::move(server::AuditJournal::open(dir + "/audit.journal", *store, store::Durability::Process).value());
    services::Env env{store.get(), box.get(), creds.get(), [this] { journal->wait_indexed(); }};
    pipeline = std::make_unique<server::Pipeline>(registry, env, *journal, "bench");
  }
  ~Fixture() {
    journal->stop();
    store->close();
    std::filesystem::remove_all(dir);
  }
};

struct SignedRequest {
  std::string body = "Action=GetCallerIdentity&Version=2011-06-15";
  std::vector<std::pair<std::string, std::string>> headers;

  SignedRequest(const services::iam::RootCredentials& root, const std::string& amz_date) {
    std::string hash = crypto::sha256_hex(body);
    headers = {{"Host", "127.0.0.1:4566"},
               {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
               {"User-Agent", "Boto3/1.43.11 md/Botocore#1.43.11 ua/2.1 os/linux#6.18 md/arch#x86_64 lang/python#3.11.7"},
               {"X-Amz-Date", amz_date},
               {"X-Amz-Content-SHA256", hash}};
    auth::SigV4Auth a;
    a.access_key_id = root.access_key_id;
    a.date = amz_date.substr(0, 8);
    a.region = "us-east-1";
    a.service = "sts";
    a.signed_headers = {"content-type", "host", "x-amz-content-sha256", "x-amz-date"};
    a.amz_date = amz_date;
    a.payload_hash = hash;
    auto req = view();
    std::string sts = auth::string_to_sign(a, auth::canonical_request(req, a, {}));
    std::string sig = crypto::to_hex(crypto::hmac_sha256(auth::signing_key(root.secret_access_key, a.date, a.region, a.service), sts));
    headers.emplace_back("Authorization", "AWS4-HMAC-SHA256 Credential=" + root.access_key_id + "/" + a.date +
                                              "/us-east-1/sts/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date, Signature=" + sig);
  }
  auth::SigV4Request view() const {
    auth::SigV4Request r{"POST", "/", "", {}, body};
    for (auto& [k, v] : headers) r.headers.emplace_back(k, v);
    return r;
  }
};

void BM_PipelineGetCallerIdentity(benchmark::State& state) {
  Fixture f;
  int64_t now = timeutil::now_ms();
  std::string amz = timeutil::iso8601(now);  // 2026-11-24T12:00:00Z -> 20261124T120000Z
  std::string amz_date = amz.substr(0, 4) + amz.substr(5, 2) + amz.substr(8, 2) + "T" + amz.substr(11, 2) +
                         amz.substr(14, 2) + amz.substr(17, 2) + "Z";
  SignedRequest sr(f.root, amz_date);
  auto v = sr.view();
  protocol::HttpRequest req{v.method, v.path, v.query, v.headers, v.body};
  server::ClientInfo client{"127.0.0.1"};
  size_t failures = 0;
  for (auto _ : state) {
    f.pipeline->handle(req, client, [&](protocol::HttpResponse res) {
      failures += res.status != 200;
      benchmark::DoNotOptimize(res);
    });
  }
  if (failures) state.SkipWithError("requests failed");
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PipelineGetCallerIdentity)->MinTime(2);

}  // namespace

BENCHMARK_MAIN();
