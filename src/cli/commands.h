#pragma once
#include <string>

namespace citadel::cli {

struct ServeOptions {
  std::string data_dir = "./citadel-data";
  std::string listen = "127.0.0.1:4566";
  int threads = 0;
  std::string tls_cert, tls_key;
  std::string durability = "process";
  size_t max_body_bytes = 16 * 1024 * 1024;
  // CloudTrail: how often trails deliver log files, and the period each digest file covers.
  double trail_delivery_interval_s = 300;
  double digest_interval_s = 3600;
  double insights_period_s = 60;  // the period CloudTrail Insights counts calls over
  double access_log_interval_s = 300;  // how often S3 server access logs are delivered
  double instance_metrics_interval_s = 60;  // how often EC2 instances publish their modelled metrics
  double flow_log_delivery_interval_s = 60;  // how often VPC flow logs deliver the records submitted since
  double usage_metrics_interval_s = 60;     // how often services publish their own API and storage metrics
  // Benchmarks only: measure what auditing costs by switching it off (never in real use).
  bool benchmark_without_audit = false;
  double alarm_evaluation_interval = 60;  // seconds between evaluations of every CloudWatch alarm
  // SNS: how endpoints reach this server ("" = http(s)://HOST:PORT of --listen), how often the
  // delivery workers (SNS, Logs subscription filters) look for due deliveries, and further CAs
  // trusted for HTTPS endpoints (both).
  std::string public_url;
  double sns_delivery_interval_s = 0.25;
  double subscription_delivery_interval_s = 0.25;  // CloudWatch Logs subscription filters
  std::string sns_ca_file;
  // The root user's console sign-in, set on first start (as `citadel admin bootstrap` sets it).
  std::string root_email, root_password_file;
};

// The root user's console sign-in as given on the command line: an email and a file holding the
// password (its first line), so that the password is in no process listing or shell history.
struct RootSignInArgs {
  std::string email, password_file;
};

int serve_main(const ServeOptions& options);
int bootstrap_main(const std::string& data_dir, const RootSignInArgs& signin);
// Gives an existing account's root user a console sign-in, or a new password (recovery).
int set_root_login_main(const std::string& data_dir, const std::string& account_id, const RootSignInArgs& signin);
int create_root_key_main(const std::string& data_dir, const std::string& account_id);
// One JSON line per implemented operation: {"service", "operation", "action", "resourcePolicy", "readOnly", "alwaysAllowed"}.
int operations_main();
// `citadel policy ...`; argv[0] is "policy".
int policy_main(int argc, char** argv);

}  // namespace citadel::cli
