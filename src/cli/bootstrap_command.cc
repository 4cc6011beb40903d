#include <boost/json.hpp>
#include <iostream>

#include "cli/commands.h"
#include "cli/data_dir.h"
#include "services/iam/bootstrap.h"

namespace citadel::cli {

// Prints the root credentials as one JSON line on stdout, and the warning on stderr.
void print_root_credentials(const services::iam::RootCredentials& c) {
  std::cout << boost::json::serialize(boost::json::object{
                   {"AccountId", c.account_id}, {"AccessKeyId", c.access_key_id}, {"SecretAccessKey", c.secret_access_key}})
            << std::endl;
  std::cerr << "citadel: these root credentials are shown once. Use the root user only to create the first\n"
               "         administrator, then put them away. For example:\n"
               "           export AWS_ACCESS_KEY_ID="
            << c.access_key_id
            << " AWS_SECRET_ACCESS_KEY=... AWS_DEFAULT_REGION=us-east-1\n"
               "           aws --endpoint-url http://127.0.0.1:4566 sts get-caller-identity\n";
}

namespace {
// Opens the data directory, runs `make` on it and prints the root credentials it returns.
template <typename Make>
int with_data_dir_print_credentials(const std::string& data_dir, Make make) {
  auto registry = services::make_registry();
  auto dd = open_data_dir(data_dir, registry, store::Durability::Power);
  if (!dd) {
    std::cerr << "citadel: " << dd.error().message << "\n";
    return 1;
  }
  auto creds = make(*dd);
  dd->store->close();
  if (!creds) {
    std::cerr << "citadel: " << creds.error().message << "\n";
    return 1;
  }
  print_root_credentials(creds.value());
  return 0;
}
}  // namespace

int bootstrap_main(const std::string& data_dir) {
  return with_data_dir_print_credentials(data_dir, [](DataDir& dd) { return services::iam::bootstrap(*dd.store, *dd.secrets); });
}

int create_root_key_main(const std::string& data_dir, const std::string& account_id) {
  return with_data_dir_print_credentials(
      data_dir, [&](DataDir& dd) { return services::iam::create_root_key(*dd.store, *dd.secrets, account_id); });
}

}  // namespace citadel::cli

