#pragma once
// Citadel in one process, without the network, for tests and benchmarks: a real SQLite data
// directory, the registry of every service, the audit journal and the pipeline, and requests
// signed as botocore signs them.
#include <filesystem>
#include <memory>
#include <string>
#include <unistd.h>

#include "auth/sigv4.h"
#include "base/crypto.h"
#include "base/time.h"
#include "base/uri.h"
#include "server/audit_journal.h"
#include "server/pipeline.h"
#include "services/iam/bootstrap.h"

namespace citadel::testing {

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
    journal = std::move(server::AuditJournal::open(dir + "/audit", *store, store::Durability::Process).value());
    services::Env env{store.get(), box.get(), creds.get(), [this] { journal->wait_indexed(); }, dir + "/audit", dir};
    pipeline = std::make_unique<server::Pipeline>(registry, env, *journal, "bench");
  }
  ~Fixture() {
    journal->stop();
    store->close();
    std::filesystem::remove_all(dir);
  }
};

inline std::string amz_date_of(int64_t ms) {
  std::string iso = timeutil::iso8601(ms);  // 2026-11-24T12:00:00Z -> 20261124T120000Z
  return iso.substr(0, 4) + iso.substr(5, 2) + iso.substr(8, 2) + "T" + iso.substr(11, 2) + iso.substr(14, 2) +
         iso.substr(17, 2) + "Z";
}

// A request signed as botocore signs it.
struct SignedRequest {
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  // A query-protocol form body, or JSON 1.1 when `target` (X-Amz-Target, e.g.
  // "TrentService.Encrypt") is given; `session_token` for temporary credentials; `now_ms` for a
  // pipeline on a fixed clock (0 = now).
  SignedRequest(const std::string& service, std::string form, const std::string& key_id, const std::string& secret,
                const std::string& target = "", const std::string& session_token = "", int64_t now_ms = 0)
      : body(std::move(form)) {
    std::string amz_date = amz_date_of(now_ms ? now_ms : timeutil::now_ms());
    std::string hash = crypto::sha256_hex(body);
    headers = {{"Host", "127.0.0.1:4566"},
               {"Content-Type", target.empty() ? "application/x-www-form-urlencoded; charset=utf-8" : "application/x-amz-json-1.1"},
               {"User-Agent", "Boto3/1.43.11 md/Botocore#1.43.11 ua/2.1 os/linux#6.18 md/arch#x86_64 lang/python#3.11.7"},
               {"X-Amz-Date", amz_date},
               {"X-Amz-Content-SHA256", hash}};
    if (!session_token.empty()) headers.emplace_back("X-Amz-Security-Token", session_token);
    auth::SigV4Auth a;
    a.access_key_id = key_id;
    a.date = amz_date.substr(0, 8);
    a.region = "us-east-1";
    a.service = service;
    a.signed_headers = {"content-type", "host", "x-amz-content-sha256", "x-amz-date"};
    if (!session_token.empty()) a.signed_headers.push_back("x-amz-security-token");
    if (!target.empty()) {
      headers.emplace_back("X-Amz-Target", target);
      a.signed_headers.push_back("x-amz-target");
    }
    a.amz_date = amz_date;
    a.payload_hash = hash;
    headers.emplace_back("Authorization", auth::authorization_header(view(), a, secret));
  }
  auth::SigV4Request view() const {
    auth::SigV4Request r{"POST", "/", "", {}, body};
    for (auto& [k, v] : headers) r.headers.emplace_back(k, v);
    return r;
  }
};

// Runs one signed request through the pipeline; returns the response.
inline protocol::HttpResponse call(Fixture& f, const SignedRequest& sr) {
  auto v = sr.view();
  protocol::HttpRequest req{v.method, v.path, v.query, v.headers, v.body};
  protocol::HttpResponse out;
  f.pipeline->handle(req, server::ClientInfo{"127.0.0.1"}, [&](protocol::HttpResponse res) { out = std::move(res); });
  return out;
}

inline std::string xml_field(const std::string& xml, const std::string& name) {
  auto a = xml.find("<" + name + ">"), b = xml.find("</" + name + ">");
  return a == std::string::npos || b == std::string::npos ? "" : xml.substr(a + name.size() + 2, b - a - name.size() - 2);
}

inline std::string form_escape(const std::string& s) { return uri::encode(s); }

}  // namespace citadel::testing
