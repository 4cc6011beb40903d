// Account aliases: CreateAccountAlias, DeleteAccountAlias, ListAccountAliases. An account has at most
// one alias (creating another replaces it), and an alias names one account across the deployment.
#include "services/iam/iam_common.h"
#include "services/iam/iam_operations.h"

namespace citadel::services::iam {

namespace {

// IAM's rule: 3 to 63 lowercase letters, digits and single hyphens, not starting or ending with one.
bool valid_alias(const std::string& a) {
  if (a.size() < 3 || a.size() > 63 || a.front() == '-' || a.back() == '-') return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok || (c == '-' && a[i + 1] == '-')) return false;
  }
  return true;
}

Result<json::value> create_account_alias(Call& call) {
  std::string alias = call.str("AccountAlias");
  if (!valid_alias(alias))
    return AwsError::validation("1 validation error detected: Value '" + alias +
                                "' at 'accountAlias' failed to satisfy constraint: Member must satisfy regular expression "
                                "pattern: ^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$");
  auto owner = call.tx.query("SELECT account_id FROM iam_account_aliases WHERE alias = ?", {alias});
  if (!owner) return owner.error();
  if (!owner->empty()) {
    if (owner->front().str(0) == call.account()) return json::object{};
    return AwsError::sender("EntityAlreadyExists", "The account alias " + alias + " already exists.", 409);
  }
  auto w = call.tx.exec("INSERT INTO iam_account_aliases (account_id, alias) VALUES (?, ?) "
                        "ON CONFLICT (account_id) DO UPDATE SET alias = excluded.alias",
                        {call.account(), alias});
  if (!w) return w.error();
  return json::object{};
}

Result<json::value> delete_account_alias(Call& call) {
  std::string alias = call.str("AccountAlias");
  auto d = call.tx.exec("DELETE FROM iam_account_aliases WHERE account_id = ? AND alias = ?", {call.account(), alias});
  if (!d) return d.error();
  if (*d == 0) return AwsError::sender("NoSuchEntity", "The account alias " + alias + " does not exist.", 404);
  return json::object{};
}

Result<json::value> list_account_aliases(Call& call) {
  auto rows = call.tx.query("SELECT alias FROM iam_account_aliases WHERE account_id = ?", {call.account()});
  if (!rows) return rows.error();
  json::array aliases;
  for (auto& r : *rows) aliases.push_back(json::string(r.str(0)));
  return json::object{{"AccountAliases", std::move(aliases)}, {"IsTruncated", false}};
}

}  // namespace

void add_account_alias_operations(std::vector<OperationDef>& ops) {
  auto def = [&](const char* name, bool ro, Handler h) {
    ops.push_back(OperationDef{name, ro, false,
                               [name](const RequestContext&, const json::object&, store::Tx&) {
                                 return AuthzRequest{std::string("iam:") + name, {"*"}, {}};
                               },
                               std::move(h)});
  };
  def("CreateAccountAlias", false, create_account_alias);
  def("DeleteAccountAlias", false, delete_account_alias);
  def("ListAccountAliases", true, list_account_aliases);
}

}  // namespace citadel::services::iam
