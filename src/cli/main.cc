// citadel: the server and its tools.
//   citadel serve --data DIR --listen HOST:PORT
//   citadel admin bootstrap --data DIR [--email E --password-file F]
//   citadel policy validate|eval ...
#include <CLI/CLI.hpp>
#include <cstring>
#include <iostream>

#include "cli/commands.h"

int main(int argc, char** argv) {
  if (argc >= 2 && std::strcmp(argv[1], "policy") == 0) return citadel::cli::policy_main(argc - 1, argv + 1);

  CLI::App app{"Citadel: a self-hosted, AWS-compatible security and monitoring control plane"};
  app.require_subcommand(1);

  citadel::cli::ServeOptions serve;
  auto* s = app.add_subcommand("serve", "Run the server");
  s->add_option("--data", serve.data_dir, "Data directory")->capture_default_str();
  s->add_option("--listen", serve.listen, "HOST:PORT to listen on")->capture_default_str();
  s->add_option("--threads", serve.threads, "Request threads (0 = one per core but one, which the audit indexer and background workers use)")->capture_default_str();
  s->add_option("--tls-cert", serve.tls_cert, "PEM certificate chain; enables HTTPS with --tls-key");
  s->add_option("--tls-key", serve.tls_key, "PEM private key");
  s->add_option("--durability", serve.durability, "process (survives kill -9) or power (fsync every commit)")
      ->check(CLI::IsMember({"process", "power"}))
      ->capture_default_str();
  s->add_option("--max-body-bytes", serve.max_body_bytes, "Largest request body accepted")->capture_default_str();
  s->add_option("--trail-delivery-interval", serve.trail_delivery_interval_s, "Seconds between CloudTrail log file deliveries")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  // Hidden: for bench/load/run_audit.sh, which compares audited and unaudited throughput.
  s->add_flag("--benchmark-without-audit", serve.benchmark_without_audit)->group("");
  s->add_option("--instance-metrics-interval", serve.instance_metrics_interval_s,
                 "Seconds between EC2 instance metric publications (workload model, docs/ec2.md)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  s->add_option("--flow-log-delivery-interval", serve.flow_log_delivery_interval_s,
                 "Seconds between VPC flow log deliveries to CloudWatch Logs and S3 (docs/ec2.md)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  s->add_option("--usage-metrics-interval", serve.usage_metrics_interval_s,
                 "Seconds between publications of the services' own metrics (AWS/Usage, Citadel/API, AWS/S3 storage)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  s->add_option("--access-log-interval", serve.access_log_interval_s, "Seconds between S3 server access log deliveries")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  s->add_option("--insights-period", serve.insights_period_s, "Seconds per period CloudTrail Insights counts calls over")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  s->add_option("--digest-interval", serve.digest_interval_s, "Seconds each CloudTrail digest file covers")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  s->add_option("--public-url", serve.public_url,
                 "How subscribed endpoints reach this server (SNS SubscribeURL, UnsubscribeURL, SigningCertURL); "
                 "default: the --listen address");
  s->add_option("--sns-delivery-interval", serve.sns_delivery_interval_s,
                 "Seconds between the SNS delivery worker's looks at its queue (fractions allowed)")
      ->check(CLI::Range(0.01, 60.0))
      ->capture_default_str();
  s->add_option("--subscription-delivery-interval", serve.subscription_delivery_interval_s,
                 "Seconds between looks at the queue of CloudWatch Logs subscription filter deliveries (fractions allowed)")
      ->check(CLI::Range(0.01, 60.0))
      ->capture_default_str();
  s->add_option("--sns-ca-file,--endpoint-ca-file", serve.sns_ca_file,
                 "PEM file of further CAs trusted for HTTPS endpoints (SNS subscriptions, Logs subscription filters)")
      ->check(CLI::ExistingFile);
  s->add_option("--email", serve.root_email, "First start: the root user's console sign-in email");
  s->add_option("--password-file", serve.root_password_file, "First start: a file holding the root user's console password");
  s->add_option("--alarm-evaluation-interval", serve.alarm_evaluation_interval,
                "Seconds between evaluations of the CloudWatch alarms (fractions allowed)")
      ->check(CLI::Range(0.05, 86400.0))
      ->capture_default_str();

  auto* admin = app.add_subcommand("admin", "Administer a data directory");
  admin->require_subcommand(1);
  std::string bootstrap_dir = "./citadel-data";
  citadel::cli::RootSignInArgs bootstrap_signin;
  auto* b = admin->add_subcommand("bootstrap", "Create the management account and print its root access key as JSON");
  b->add_option("--data", bootstrap_dir, "Data directory")->capture_default_str();
  b->add_option("--email", bootstrap_signin.email, "The root user's console sign-in email");
  b->add_option("--password-file", bootstrap_signin.password_file, "A file holding the root user's console password");

  std::string login_dir = "./citadel-data", login_account;
  citadel::cli::RootSignInArgs login_signin;
  auto* rl = admin->add_subcommand("set-root-login", "Set an account's root user console sign-in (email and password)");
  rl->add_option("--data", login_dir, "Data directory")->capture_default_str();
  rl->add_option("--account", login_account, "Account id (default: the management account)");
  rl->add_option("--email", login_signin.email, "The root user's console sign-in email")->required();
  rl->add_option("--password-file", login_signin.password_file, "A file holding the root user's console password")->required();

  std::string key_dir = "./citadel-data", key_account;
  auto* rk = admin->add_subcommand("create-root-key",
                                   "Create a new access key for an account's root user and print it as JSON (recovery)");
  rk->add_option("--data", key_dir, "Data directory")->capture_default_str();
  rk->add_option("--account", key_account, "Account id (default: the management account)");
  auto* ops = admin->add_subcommand("operations", "List the operations this build implements, with their IAM actions, as JSON lines");

  app.add_subcommand("policy", "Validate and evaluate IAM policies offline (citadel policy --help)");

  CLI11_PARSE(app, argc, argv);
  if (s->parsed()) return citadel::cli::serve_main(serve);
  if (b->parsed()) return citadel::cli::bootstrap_main(bootstrap_dir, bootstrap_signin);
  if (rl->parsed()) return citadel::cli::set_root_login_main(login_dir, login_account, login_signin);
  if (ops->parsed()) return citadel::cli::operations_main();
  if (rk->parsed()) return citadel::cli::create_root_key_main(key_dir, key_account);
  return 2;
}
