// SigV4 verification cost per request: parse the Authorization header, build the canonical request,
// derive (cached) the signing key, HMAC, compare. The request is an STS GetCallerIdentity as
// botocore sends it.
#include <benchmark/benchmark.h>

#include "auth/sigv4.h"
#include "base/crypto.h"
#include "base/time.h"

using namespace citadel;

namespace {

struct Signed {
  std::string body = "Action=GetCallerIdentity&Version=2011-06-15";
  std::string amz_date = "20261124T120000Z";
  std::string authz;
  std::string payload_hash;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

  Signed() {
    payload_hash = crypto::sha256_hex(body);
    headers = {{"Host", "127.0.0.1:4566"},
               {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
               {"User-Agent", "Boto3/1.43.11 md/Botocore#1.43.11 ua/2.1 os/linux#6.18 md/arch#x86_64 lang/python#3.11.7"},
               {"X-Amz-Date", amz_date},
               {"X-Amz-Content-SHA256", payload_hash},
               {"Content-Length", std::to_string(body.size())}};
    auth::SigV4Auth a;
    a.access_key_id = "AKIAIOSFODNN7EXAMPLE";
    a.date = "20261124";
    a.region = "us-east-1";
    a.service = "sts";
    a.signed_headers = {"content-type", "host", "x-amz-content-sha256", "x-amz-date"};
    a.amz_date = amz_date;
    a.payload_hash = payload_hash;
    authz = auth::authorization_header(request_without_auth(), a, secret);
    headers.emplace_back("Authorization", authz);
  }

  auth::SigV4Request request_without_auth() const {
    auth::SigV4Request r{"POST", "/", "", {}, body};
    for (auto& [k, v] : headers) r.headers.emplace_back(k, v);
    return r;
  }
};

void BM_SigV4VerifyHeader(benchmark::State& state) {
  Signed s;
  auto req = s.request_without_auth();
  int64_t now = *timeutil::parse_amz_date(s.amz_date);
  for (auto _ : state) {
    auto a = auth::parse_sigv4(req);
    auto ok = auth::verify_sigv4(req, a.value(), s.secret, now);
    if (!ok) state.SkipWithError("verification failed");
    benchmark::DoNotOptimize(ok);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SigV4VerifyHeader);

}  // namespace

BENCHMARK_MAIN();
