#include <malloc.h>

#include <boost/asio.hpp>
#include <iostream>
#include <thread>

#include "auth/credentials.h"
#include "cli/commands.h"
#include "cli/data_dir.h"
#include "server/audit_journal.h"
#include "server/console/console.h"
#include "server/http_server.h"
#include "server/periodic_worker.h"
#include "services/cloudwatch/usage_metrics.h"
#include "services/s3/storage_metrics.h"
#include "server/pipeline.h"
#include "base/time.h"
#include "services/cloudtrail/trail_delivery.h"
#include "services/cloudwatch/alarm_evaluator.h"
#include "services/ec2/flow_log_delivery.h"
#include "services/ec2/instance_metrics.h"
#include "services/iam/bootstrap.h"
#include "services/logs/logs_service.h"
#include "services/s3/access_logging.h"
#include "services/s3/object_files.h"
#include "services/logs/subscription_worker.h"
#include "services/sns/delivery_worker.h"

namespace citadel::cli {

void print_root_credentials(const services::iam::RootCredentials& c);
Result<std::optional<services::iam::RootSignIn>> read_root_signin(const RootSignInArgs& a);

namespace {

bool loopback(const std::string& host) { return host == "127.0.0.1" || host == "::1" || host == "localhost"; }

using Contexts = std::vector<std::unique_ptr<boost::asio::io_context>>;

// Polls until every session has ended (or the grace period passes), then stops every context.
void drain(Contexts& contexts, server::HttpServer& http, std::shared_ptr<boost::asio::steady_timer> t,
           std::chrono::steady_clock::time_point deadline) {
  t->expires_after(std::chrono::milliseconds(50));
  t->async_wait([&contexts, &http, t, deadline](boost::system::error_code) {
    if (http.active_sessions() == 0 || std::chrono::steady_clock::now() > deadline) {
      for (auto& c : contexts) c->stop();
      return;
    }
    drain(contexts, http, t, deadline);
  });
}

}  // namespace

int serve_main(const ServeOptions& o) {
  // Requests allocate and free the same few kilobytes over and over; keep freed memory in the
  // process instead of trimming it back to the kernel and faulting it in again on the next request.
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  mallopt(M_TOP_PAD, 16 << 20);
  auto colon = o.listen.rfind(':');
  if (colon == std::string::npos) {
    std::cerr << "citadel: --listen must be HOST:PORT\n";
    return 2;
  }
  server::ServerOptions sopt;
  sopt.host = o.listen.substr(0, colon);
  if (sopt.host.size() > 2 && sopt.host.front() == '[') sopt.host = sopt.host.substr(1, sopt.host.size() - 2);
  if (sopt.host == "localhost") sopt.host = "127.0.0.1";
  sopt.port = static_cast<uint16_t>(std::stoi(o.listen.substr(colon + 1)));
  sopt.tls_cert = o.tls_cert;
  sopt.tls_key = o.tls_key;
  sopt.max_body_bytes = o.max_body_bytes;

  auto registry = services::make_registry();
  auto durability = o.durability == "power" ? store::Durability::Power : store::Durability::Process;
  auto dd = open_data_dir(o.data_dir, registry, durability);
  if (!dd) {
    std::cerr << "citadel: " << dd.error().message << "\n";
    return 1;
  }
  auto mgmt = services::iam::management_account(*dd->store);
  if (!mgmt) {
    std::cerr << "citadel: " << mgmt.error().message << "\n";
    return 1;
  }
  auto root_signin = read_root_signin({o.root_email, o.root_password_file});
  if (!root_signin) {
    std::cerr << "citadel: " << root_signin.error().message << "\n";
    return 2;
  }
  if (mgmt.value() && *root_signin)
    std::cerr << "citadel: --email and --password-file apply on first start only; this data directory has its root "
                 "user already (citadel admin set-root-login changes its sign-in)\n";
  if (!mgmt.value()) {
    auto creds = services::iam::bootstrap(*dd->store, *dd->secrets, *root_signin ? &**root_signin : nullptr);
    if (!creds) {
      std::cerr << "citadel: " << creds.error().message << "\n";
      return 1;
    }
    print_root_credentials(creds.value());
  }

  auth::CredentialResolver credentials(*dd->store, *dd->secrets);
  auto server_migrations = server::AuditJournal::migrations();
  for (auto& m : server::console::Console::migrations()) server_migrations.push_back(std::move(m));
  if (auto m = dd->store->migrate(server_migrations); !m) {
    std::cerr << "citadel: " << m.error().message << "\n";
    return 1;
  }
  if (size_t swept = services::s3::sweep_unfinished_uploads(o.data_dir))
    std::cerr << "citadel: removed " << swept << " unfinished S3 upload(s) a crash left" << std::endl;
  std::string audit_dir = o.data_dir + "/audit";
  auto journal = server::AuditJournal::open(audit_dir, *dd->store, durability);
  if (!journal) {
    std::cerr << "citadel: " << journal.error().message << "\n";
    return 1;
  }
  auto& audit = *journal.value();
  services::Env env{dd->store.get(), dd->secrets.get(), &credentials, [&audit] { audit.wait_indexed(); }, audit_dir, o.data_dir};
  server::Pipeline pipeline(registry, env, audit, CITADEL_VERSION);
  server::console::Console console(pipeline, env, audit);
  pipeline.set_front([&console](const protocol::HttpRequest& req, const server::ClientInfo& client,
                                const server::Pipeline::Respond& respond) { return console.handle(req, client, respond); });
  if (o.benchmark_without_audit) {
    std::cerr << "citadel: WARNING: --benchmark-without-audit: calls are NOT recorded. For benchmarks only." << std::endl;
    pipeline.disable_audit_for_benchmark();
  }
  auto seconds = [](double s) { return std::chrono::milliseconds(static_cast<int64_t>(s * 1000)); };
  server::PeriodicWorker background({{"trail delivery", seconds(o.trail_delivery_interval_s),
                                      [&env, &audit, digest = seconds(o.digest_interval_s).count(),
                                       insights = seconds(o.insights_period_s).count()](int64_t) {
                                        // Every call made so far is then in the index the round reads.
                                        audit.wait_indexed();
                                        services::cloudtrail::deliver_all_trails(env, {timeutil::now_ms(), digest, insights});
                                      }},
                                     {"S3 access logs", seconds(o.access_log_interval_s),
                                      [&env](int64_t now) { services::s3::deliver_access_logs(env, now); }},
                                     {"alarm evaluation", seconds(o.alarm_evaluation_interval),
                                      [&dd](int64_t now_ms) {
                                        if (auto r = services::cloudwatch::evaluate_all_alarms(*dd->store, now_ms); !r)
                                          std::cerr << "citadel: alarm evaluation failed: " << r.error().message << std::endl;
                                      }},
                                     {"EC2 instance metrics", seconds(o.instance_metrics_interval_s),
                                      [&env](int64_t now) {
                                        if (auto s = services::ec2::publish_instance_metrics(*env.store, now); !s)
                                          std::cerr << "citadel: instance metrics: " << s.error().message << std::endl;
                                      }},
                                     {"VPC flow logs", seconds(o.flow_log_delivery_interval_s),
                                      [&env](int64_t now) { services::ec2::deliver_flow_logs(env, now); }},
                                     {"usage metrics", seconds(o.usage_metrics_interval_s),
                                      [&env, &pipeline](int64_t now) {
                                        if (auto s = services::cloudwatch::publish_api_usage(*env.store, pipeline.usage().drain(), now); !s)
                                          std::cerr << "citadel: usage metrics: " << s.error().message << std::endl;
                                        if (auto s = services::s3::publish_storage_metrics(*env.store, now); !s)
                                          std::cerr << "citadel: S3 storage metrics: " << s.error().message << std::endl;
                                      }},
                                     {"log retention", std::chrono::minutes(1), [&env](int64_t now) {
                                        if (auto s = services::logs::apply_retention(*env.store, now); !s)
                                          std::cerr << "citadel: log retention: " << s.error().message << std::endl;
                                      }}});

  // By default one request thread per core but one: that core is left to the threads every
  // request feeds (the audit indexer, the store's checkpointer, delivery and alarm workers). With
  // a request thread on every core they and the request threads preempt each other; on 2 cores
  // one request thread served 20% more requests with half the p99 (bench/load/run.sh).
  unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  int threads = o.threads > 0 ? o.threads : static_cast<int>(std::max(1u, cores - 1));
  Contexts contexts;
  std::vector<boost::asio::io_context*> raw;
  for (int i = 0; i < threads; ++i) {
    contexts.push_back(std::make_unique<boost::asio::io_context>(1));
    raw.push_back(contexts.back().get());
  }
  auto& ioc = *contexts.front();
  // Keep every context running while it has no connection yet.
  std::vector<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guards;
  for (auto& c : contexts) guards.push_back(boost::asio::make_work_guard(*c));
  server::HttpServer http(raw, pipeline, sopt);
  if (auto s = http.start(); !s) {
    std::cerr << "citadel: " << s.error().message << "\n";
    return 1;
  }
  // SNS deliveries go out from a thread of their own: an endpoint that is slow to answer holds up
  // no other background job.
  std::string public_url = o.public_url;
  if (public_url.empty()) {
    std::string host = sopt.host.find(':') != std::string::npos ? "[" + sopt.host + "]" : sopt.host;
    if (host == "0.0.0.0" || host == "[::]") host = "127.0.0.1";
    public_url = std::string(http.tls() ? "https://" : "http://") + host + ":" + std::to_string(http.port());
  }
  while (!public_url.empty() && public_url.back() == '/') public_url.pop_back();
  services::sns::DeliveryWorker sns_worker(*dd->store, *dd->secrets, {public_url, std::chrono::seconds(15), 32, o.sns_ca_file});
  services::logs::SubscriptionWorker subscription_worker(*dd->store, *dd->secrets, std::chrono::seconds(15), o.sns_ca_file);
  server::PeriodicWorker sns_delivery({{"SNS delivery", seconds(o.sns_delivery_interval_s), [&sns_worker](int64_t now_ms) {
                                          if (auto r = sns_worker.run_once(now_ms); !r)
                                            std::cerr << "citadel: sns delivery: " << r.error().message << std::endl;
                                        }},
                                       {"Logs subscription delivery", seconds(o.subscription_delivery_interval_s),
                                        [&subscription_worker](int64_t now_ms) {
                                          if (auto r = subscription_worker.run_once(now_ms); !r)
                                            std::cerr << "citadel: logs subscription delivery: " << r.error().message << std::endl;
                                        }}});

  if (!loopback(sopt.host) && !http.tls())
    std::cerr << "citadel: WARNING: listening on " << sopt.host
              << " without TLS; credentials and data cross the network in clear text. Use --tls-cert/--tls-key.\n";
  std::cerr << "citadel: listening on " << (http.tls() ? "https://" : "http://") << sopt.host << ":" << http.port()
            << " (data in " << o.data_dir << ")" << std::endl;

  boost::asio::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](boost::system::error_code ec, int) {
    if (ec) return;
    std::cerr << "citadel: shutting down; letting in-flight requests finish" << std::endl;
    http.begin_shutdown();
    drain(contexts, http, std::make_shared<boost::asio::steady_timer>(ioc),
          std::chrono::steady_clock::now() + std::chrono::seconds(10));
  });

  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i)
    pool.emplace_back([&contexts, i] {
      pthread_setname_np(pthread_self(), ("citadel-io-" + std::to_string(i)).c_str());
      contexts[i]->run();
    });
  ioc.run();
  for (auto& t : pool) t.join();
  background.stop();
  sns_delivery.stop();
  audit.stop();
  dd->store->close();
  std::cerr << "citadel: stopped" << std::endl;
  return 0;
}

}  // namespace citadel::cli
