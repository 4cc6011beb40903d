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
  double alarm_evaluation_interval = 60;  // seconds between evaluations of every CloudWatch alarm
};

int serve_main(const ServeOptions& options);
int bootstrap_main(const std::string& data_dir);
int create_root_key_main(const std::string& data_dir, const std::string& account_id);
// One JSON line per implemented operation: {"service", "operation", "action", "resourcePolicy", "readOnly", "alwaysAllowed"}.
int operations_main();
// `citadel policy ...`; argv[0] is "policy".
int policy_main(int argc, char** argv);

}  // namespace citadel::cli
