// The whole request pipeline in-process, without the network: route, SigV4 verification,
// credential lookup, decode, authorize, handler, audit journal append, encode. The request is a
// SigV4-signed STS GetCallerIdentity as botocore sends it, against a real SQLite data directory.
#include <benchmark/benchmark.h>

#include <boost/json.hpp>
#include <stdexcept>

#include "in_process_citadel.h"

using namespace citadel;
using namespace citadel::testing;

namespace {

// A user with 10 attached customer managed policies of 10 statements each, with conditions,
// variables and IP ranges, one of which allows the benchmarked call. Returns (key id, secret).
std::pair<std::string, std::string> user_with_ten_policies(Fixture& f) {
  auto root_call = [&](const std::string& form) {
    auto res = call(f, SignedRequest("iam", form, f.root.access_key_id, f.root.secret_access_key));
    if (res.status != 200) throw std::runtime_error("setup failed: " + res.body);
    return res.body;
  };
  root_call("Action=CreateUser&Version=2010-05-08&UserName=bench");
  for (int p = 0; p < 10; ++p) {
    std::string doc = R"({"Version":"2012-10-17","Statement":[)";
    for (int s = 0; s < 10; ++s) {
      if (s) doc += ",";
      std::string action = (p == 9 && s == 9) ? "iam:GetUser" : "s3:Get" + std::to_string(p) + "x" + std::to_string(s) + "*";
      doc += R"({"Sid":"S)" + std::to_string(s) + R"(","Effect":"Allow","Action":")" + action +
             R"(","Resource":"arn:aws:iam::*:user/${aws:username}","Condition":{"IpAddress":{"aws:SourceIp":["127.0.0.0/8","10.)" +
             std::to_string(s) + R"(.0.0/16"]},"StringLike":{"aws:userid":"AIDA*"}}})";
    }
    doc += "]}";
    auto created = root_call("Action=CreatePolicy&Version=2010-05-08&PolicyName=bench" + std::to_string(p) +
                             "&PolicyDocument=" + form_escape(doc));
    root_call("Action=AttachUserPolicy&Version=2010-05-08&UserName=bench&PolicyArn=" + form_escape(xml_field(created, "Arn")));
  }
  auto key = root_call("Action=CreateAccessKey&Version=2010-05-08&UserName=bench");
  return {xml_field(key, "AccessKeyId"), xml_field(key, "SecretAccessKey")};
}

void run_calls(benchmark::State& state, Fixture& f, const SignedRequest& sr) {
  size_t failures = 0;
  for (auto _ : state) {
    auto res = call(f, sr);
    failures += res.status != 200;
    benchmark::DoNotOptimize(res);
  }
  if (failures) state.SkipWithError("requests failed");
  state.SetItemsProcessed(state.iterations());
}

void BM_PipelineGetCallerIdentity(benchmark::State& state) {
  Fixture f;
  run_calls(state, f, SignedRequest("sts", "Action=GetCallerIdentity&Version=2011-06-15", f.root.access_key_id,
                                    f.root.secret_access_key));
}
BENCHMARK(BM_PipelineGetCallerIdentity)->MinTime(2);

// The same call with the audit trail switched off (serve's --benchmark-without-audit): the
// difference from the one above is what auditing costs the request's own thread.
void BM_PipelineGetCallerIdentityUnaudited(benchmark::State& state) {
  Fixture f;
  f.pipeline->disable_audit_for_benchmark();
  run_calls(state, f, SignedRequest("sts", "Action=GetCallerIdentity&Version=2011-06-15", f.root.access_key_id,
                                    f.root.secret_access_key));
}
BENCHMARK(BM_PipelineGetCallerIdentityUnaudited)->MinTime(2);

// iam:GetUser of the same user, with the same handler work: by the root user (no policy to
// evaluate) ...
void BM_PipelineGetUserAsRoot(benchmark::State& state) {
  Fixture f;
  user_with_ten_policies(f);
  run_calls(state, f, SignedRequest("iam", "Action=GetUser&Version=2010-05-08&UserName=bench", f.root.access_key_id,
                                    f.root.secret_access_key));
}
BENCHMARK(BM_PipelineGetUserAsRoot)->MinTime(2);

// ... and by a user whose 10 attached policies (100 statements) are evaluated on every call.
void BM_PipelineGetUserAsUserWithTenPolicies(benchmark::State& state) {
  Fixture f;
  auto [id, secret] = user_with_ten_policies(f);
  run_calls(state, f, SignedRequest("iam", "Action=GetUser&Version=2010-05-08", id, secret));
}
BENCHMARK(BM_PipelineGetUserAsUserWithTenPolicies)->MinTime(2);

// The cost of a policy change reaching the next request: every iteration commits an IAM write
// (which invalidates compiled policy sets) and then the user's call recompiles its 10 policies.
// Subtract BM_PipelineIamWriteOnly to get the reload's share.
void BM_PipelineUserCallAfterPolicyChange(benchmark::State& state) {
  Fixture f;
  auto [id, secret] = user_with_ten_policies(f);
  SignedRequest write("iam", "Action=TagUser&Version=2010-05-08&UserName=bench&Tags.member.1.Key=k&Tags.member.1.Value=v",
                      f.root.access_key_id, f.root.secret_access_key);
  SignedRequest read("iam", "Action=GetUser&Version=2010-05-08", id, secret);
  size_t failures = 0;
  for (auto _ : state) {
    failures += call(f, write).status != 200;
    failures += call(f, read).status != 200;
  }
  if (failures) state.SkipWithError("requests failed");
}
BENCHMARK(BM_PipelineUserCallAfterPolicyChange)->MinTime(2);

void BM_PipelineIamWriteOnly(benchmark::State& state) {
  Fixture f;
  user_with_ten_policies(f);
  SignedRequest write("iam", "Action=TagUser&Version=2010-05-08&UserName=bench&Tags.member.1.Key=k&Tags.member.1.Value=v",
                      f.root.access_key_id, f.root.secret_access_key);
  run_calls(state, f, write);
}
BENCHMARK(BM_PipelineIamWriteOnly)->MinTime(2);


// KMS Encrypt and Decrypt through the whole pipeline (the key's policy decides, the key material
// is opened from its sealed row, the call is audited), beside raw OpenSSL AES-256-GCM of the
// same sizes. Argument: the plaintext size in bytes.
std::string json_field(const std::string& body, const char* name) {
  auto v = boost::json::parse(body);
  return std::string(v.as_object().at(name).as_string());
}

struct KmsFixture : Fixture {
  std::string key_id;
  KmsFixture() {
    auto res = kms("TrentService.CreateKey", "{}");
    key_id = std::string(boost::json::parse(res.body).at("KeyMetadata").at("KeyId").as_string());
  }
  protocol::HttpResponse kms(const std::string& target, const std::string& body) {
    auto res = call(*this, signed_kms(target, body));
    if (res.status != 200) throw std::runtime_error("kms call failed: " + res.body);
    return res;
  }
  SignedRequest signed_kms(const std::string& target, const std::string& body) {
    return SignedRequest("kms", body, root.access_key_id, root.secret_access_key, target);
  }
  std::string encrypt_body(size_t n) {
    return boost::json::serialize(boost::json::object{{"KeyId", key_id}, {"Plaintext", crypto::base64_encode(std::string(n, 'p'))}});
  }
};

// kms TagResource as bench/load/run_audit.sh sends it, audited and not: with argument 0 every
// call sets the tag the key has (no row changes: the record is appended after the commit); with 1
// the value alternates, so every call changes a row and appends its record from inside its
// transaction. The difference between the pairs is what auditing costs the request's own thread
// (the indexer's share runs on another).
void run_tag_writes(benchmark::State& state, KmsFixture& f) {
  auto tag = [&](const char* value) {
    return f.signed_kms("TrentService.TagResource", boost::json::serialize(boost::json::object{
                                                         {"KeyId", f.key_id},
                                                         {"Tags", boost::json::array{{{"TagKey", "bench"}, {"TagValue", value}}}}}));
  };
  SignedRequest a = tag("a"), b = tag(state.range(0) ? "b" : "a");
  size_t failures = 0, n = 0;
  for (auto _ : state) failures += call(f, ++n % 2 ? a : b).status != 200;
  if (failures) state.SkipWithError("requests failed");
}

void BM_PipelineKmsTagResource(benchmark::State& state) {
  KmsFixture f;
  run_tag_writes(state, f);
}
BENCHMARK(BM_PipelineKmsTagResource)->Arg(0)->Arg(1)->MinTime(2);

void BM_PipelineKmsTagResourceUnaudited(benchmark::State& state) {
  KmsFixture f;
  f.pipeline->disable_audit_for_benchmark();
  run_tag_writes(state, f);
}
BENCHMARK(BM_PipelineKmsTagResourceUnaudited)->Arg(0)->Arg(1)->MinTime(2);

void BM_KmsEncrypt(benchmark::State& state) {
  KmsFixture f;
  run_calls(state, f, f.signed_kms("TrentService.Encrypt", f.encrypt_body(static_cast<size_t>(state.range(0)))));
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_KmsEncrypt)->Arg(1024)->Arg(4096)->MinTime(2);

void BM_KmsDecrypt(benchmark::State& state) {
  KmsFixture f;
  auto blob = json_field(f.kms("TrentService.Encrypt", f.encrypt_body(static_cast<size_t>(state.range(0)))).body, "CiphertextBlob");
  run_calls(state, f, f.signed_kms("TrentService.Decrypt", boost::json::serialize(boost::json::object{{"CiphertextBlob", blob}})));
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_KmsDecrypt)->Arg(1024)->Arg(4096)->MinTime(2);

void BM_RawAes256GcmEncrypt(benchmark::State& state) {
  std::string key = crypto::random_bytes(32), plain(static_cast<size_t>(state.range(0)), 'p');
  for (auto _ : state) benchmark::DoNotOptimize(crypto::aes256gcm_seal(key, plain, "aad"));
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_RawAes256GcmEncrypt)->Arg(1024)->Arg(4096)->MinTime(1);

void BM_RawAes256GcmDecrypt(benchmark::State& state) {
  std::string key = crypto::random_bytes(32), sealed = crypto::aes256gcm_seal(key, std::string(static_cast<size_t>(state.range(0)), 'p'), "aad");
  for (auto _ : state) benchmark::DoNotOptimize(crypto::aes256gcm_open(key, sealed, "aad"));
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_RawAes256GcmDecrypt)->Arg(1024)->Arg(4096)->MinTime(1);

}  // namespace

// CloudWatch PutMetricData, the ingest hot path, through the whole pipeline (JSON 1.0 as boto3
// sends it): each call upserts the metric row and appends one sample row per datum, in one
// transaction with the call's audit record. Argument: datums per call (each with one dimension);
// items/s counts datums.
void BM_CloudWatchPutMetricData(benchmark::State& state) {
  Fixture f;
  boost::json::array data;
  for (int64_t i = 0; i < state.range(0); ++i)
    data.push_back(boost::json::object{{"MetricName", "Latency"}, {"Value", 12.5 + static_cast<double>(i)},
                                       {"Dimensions", boost::json::array{boost::json::object{{"Name", "Host"}, {"Value", "h" + std::to_string(i % 10)}}}}});
  std::string body = boost::json::serialize(boost::json::object{{"Namespace", "Bench"}, {"MetricData", std::move(data)}});
  SignedRequest sr("monitoring", body, f.root.access_key_id, f.root.secret_access_key, "GraniteServiceVersion20100801.PutMetricData");
  run_calls(state, f, sr);
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_CloudWatchPutMetricData)->Arg(1)->Arg(20)->Arg(1000)->MinTime(2);

BENCHMARK_MAIN();
