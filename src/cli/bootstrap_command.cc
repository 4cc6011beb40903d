#include <boost/json.hpp>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/commands.h"
#include "cli/data_dir.h"
#include "base/time.h"
#include "services/iam/bootstrap.h"
#include "services/iam/console_signin.h"

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

Result<std::optional<services::iam::RootSignIn>> read_root_signin(const RootSignInArgs& a) {
  if (a.email.empty() && a.password_file.empty()) return std::optional<services::iam::RootSignIn>();
  if (a.email.empty() || a.password_file.empty())
    return AwsError::validation("--email and --password-file go together");
  std::ifstream f(a.password_file);
  if (!f) return AwsError::validation("cannot read the password file " + a.password_file);
  std::string password;
  std::getline(f, password);
  if (!password.empty() && password.back() == '\r') password.pop_back();
  return std::optional<services::iam::RootSignIn>(services::iam::RootSignIn{a.email, password});
}

int bootstrap_main(const std::string& data_dir, const RootSignInArgs& signin) {
  auto root = read_root_signin(signin);
  if (!root) {
    std::cerr << "citadel: " << root.error().message << "\n";
    return 2;
  }
  return with_data_dir_print_credentials(data_dir, [&](DataDir& dd) {
    return services::iam::bootstrap(*dd.store, *dd.secrets, *root ? &**root : nullptr);
  });
}

int set_root_login_main(const std::string& data_dir, const std::string& account_id, const RootSignInArgs& signin) {
  auto root = read_root_signin(signin);
  if (!root || !*root) {
    std::cerr << "citadel: " << (root ? "--email and --password-file are required" : root.error().message) << "\n";
    return 2;
  }
  auto registry = services::make_registry();
  auto dd = open_data_dir(data_dir, registry, store::Durability::Power);
  if (!dd) {
    std::cerr << "citadel: " << dd.error().message << "\n";
    return 1;
  }
  std::string account = account_id;
  auto s = dd->store->write([&](store::Tx& tx) -> Status {
    if (account.empty()) {
      auto rows = tx.query("SELECT account_id FROM accounts WHERE is_management = 1");
      if (!rows) return rows.error();
      if (rows->empty()) return AwsError::sender("NoSuchEntity", "This data directory has no management account yet.");
      account = rows->front().str(0);
    }
    auto rows = tx.query("SELECT 1 FROM accounts WHERE account_id = ?", {account});
    if (!rows) return rows.error();
    if (rows->empty()) return AwsError::sender("NoSuchEntity", "No account " + account + " in this data directory.");
    return services::iam::set_root_login(tx, account, (*root)->email, (*root)->password, timeutil::now_ms());
  });
  dd->store->close();
  if (!s) {
    std::cerr << "citadel: " << s.error().message << "\n";
    return 1;
  }
  std::cerr << "citadel: the root user of " << account << " signs in to the console as " << (*root)->email << "\n";
  return 0;
}

int create_root_key_main(const std::string& data_dir, const std::string& account_id) {
  return with_data_dir_print_credentials(
      data_dir, [&](DataDir& dd) { return services::iam::create_root_key(*dd.store, *dd.secrets, account_id); });
}

}  // namespace citadel::cli

