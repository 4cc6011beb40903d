#include "services/organizations/org_common.h"

#include <algorithm>
#include <cctype>

#include "base/crypto.h"

namespace citadel::services::organizations {

AwsError org_error(std::string code, std::string message) { return AwsError::sender(std::move(code), std::move(message), 400); }

AwsError constraint_violation(const std::string& reason, const std::string& message) {
  return org_error("ConstraintViolationException", message).with("Reason", reason);
}

AwsError invalid_input(const std::string& reason, const std::string& message) {
  return org_error("InvalidInputException", message).with("Reason", reason);
}

AwsError not_in_use() {
  return org_error("AWSOrganizationsNotInUseException", "Your account is not a member of an organization.");
}

AwsError access_denied() {
  return org_error("AccessDeniedException", "You don't have permissions to access this resource.");
}

namespace {
std::string draw(std::string_view alphabet, size_t n) {
  std::string out;
  while (out.size() < n) {
    uint8_t b;
    crypto::random_bytes(&b, 1);
    size_t limit = 256 - 256 % alphabet.size();  // reject to stay uniform
    if (b >= limit) continue;
    out.push_back(alphabet[b % alphabet.size()]);
  }
  return out;
}

}  // namespace

std::string random_lower_alnum(size_t n) { return draw("abcdefghijklmnopqrstuvwxyz0123456789", n); }
std::string random_hex(size_t n) { return draw("0123456789abcdef", n); }

bool is_account_id(const std::string& id) {
  return id.size() == 12 && std::all_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; });
}
bool is_ou_id(const std::string& id) { return id.rfind("ou-", 0) == 0 && id.size() >= 16; }
bool is_policy_id(const std::string& id) { return id.rfind("p-", 0) == 0 && id.size() >= 10; }

bool supported_policy_type(const std::string& type) {
  return type == kScp || type == kRcp || type == kTagPolicy || type == kBackupPolicy;
}

std::string type_segment(const std::string& type) {
  std::string out = type;
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string default_policy_for(const std::string& type) {
  if (type == kScp) return kFullAwsAccess;
  if (type == kRcp) return kRcpFullAwsAccess;
  return "";
}

std::string org_arn(const OrgRow& o) { return "arn:aws:organizations::" + o.management + ":organization/" + o.id; }
std::string root_arn(const OrgRow& o) { return "arn:aws:organizations::" + o.management + ":root/" + o.id + "/" + o.root_id; }
std::string ou_arn(const OrgRow& o, const std::string& ou_id) {
  return "arn:aws:organizations::" + o.management + ":ou/" + o.id + "/" + ou_id;
}
std::string account_arn(const OrgRow& o, const std::string& account_id) {
  return "arn:aws:organizations::" + o.management + ":account/" + o.id + "/" + account_id;
}
std::string policy_arn(const OrgRow& o, const std::string& type, const std::string& policy_id, bool aws_managed) {
  if (aws_managed) return "arn:aws:organizations::aws:policy/" + type_segment(type) + "/" + policy_id;
  return "arn:aws:organizations::" + o.management + ":policy/" + o.id + "/" + type_segment(type) + "/" + policy_id;
}
std::string handshake_arn(const OrgRow& o, const std::string& action, const std::string& handshake_id) {
  return "arn:aws:organizations::" + o.management + ":handshake/" + o.id + "/" + type_segment(action) + "/" + handshake_id;
}

Result<std::optional<OrgRow>> org_of(store::Tx& tx, const std::string& account) {
  auto rows = tx.query(
      "SELECT o.org_id, o.management_account_id, o.feature_set, o.root_id, o.created_ms FROM org_accounts m "
      "JOIN org_organizations o ON o.org_id = m.org_id WHERE m.account_id = ?",
      {account});
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<OrgRow>();
  const auto& r = rows->front();
  return std::optional<OrgRow>(OrgRow{r.str(0), r.str(1), r.str(2), r.str(3), r.i64(4)});
}

Result<OrgRow> caller_org(Call& call) {
  auto o = org_of(call.tx, call.account());
  if (!o) return o.error();
  if (!*o) return not_in_use();
  return std::move(**o);
}

Result<OrgRow> management_org(Call& call) {
  auto o = caller_org(call);
  if (!o) return o.error();
  if (o->management != call.account()) return access_denied();
  return o;
}

Result<OrgRow> reader_org(Call& call) {
  auto o = caller_org(call);
  if (!o) return o.error();
  if (o->management == call.account()) return o;
  auto d = call.tx.query("SELECT 1 FROM org_delegated_admins WHERE org_id = ? AND account_id = ? LIMIT 1", {o->id, call.account()});
  if (!d) return d.error();
  if (d->empty()) return access_denied();
  return o;
}

Result<std::vector<std::string>> enabled_types(store::Tx& tx, const std::string& org_id) {
  auto rows = tx.query("SELECT policy_type FROM org_policy_types WHERE org_id = ? ORDER BY policy_type", {org_id});
  if (!rows) return rows.error();
  std::vector<std::string> out;
  for (auto& r : *rows) out.push_back(r.str(0));
  return out;
}

Result<bool> type_enabled(store::Tx& tx, const std::string& org_id, const std::string& type) {
  auto rows = tx.query("SELECT 1 FROM org_policy_types WHERE org_id = ? AND policy_type = ?", {org_id, type});
  if (!rows) return rows.error();
  return !rows->empty();
}

const char* target_type_name(TargetType t) {
  switch (t) {
    case TargetType::Root: return "ROOT";
    case TargetType::OrganizationalUnit: return "ORGANIZATIONAL_UNIT";
    default: return "ACCOUNT";
  }
}

Result<std::optional<Target>> find_target(store::Tx& tx, const OrgRow& o, const std::string& id) {
  if (id == o.root_id) return std::optional<Target>(Target{TargetType::Root, id, "Root", root_arn(o), "", 0});
  if (is_ou_id(id)) {
    auto rows = tx.query("SELECT name, parent_id, depth FROM org_units WHERE ou_id = ? AND org_id = ?", {id, o.id});
    if (!rows) return rows.error();
    if (rows->empty()) return std::optional<Target>();
    const auto& r = rows->front();
    return std::optional<Target>(Target{TargetType::OrganizationalUnit, id, r.str(0), ou_arn(o, id), r.str(1), r.i64(2)});
  }
  if (is_account_id(id)) {
    auto rows = tx.query("SELECT a.name, m.parent_id FROM org_accounts m JOIN accounts a ON a.account_id = m.account_id "
                         "WHERE m.account_id = ? AND m.org_id = ?",
                         {id, o.id});
    if (!rows) return rows.error();
    if (rows->empty()) return std::optional<Target>();
    const auto& r = rows->front();
    return std::optional<Target>(Target{TargetType::Account, id, r.str(0), account_arn(o, id), r.str(1), 0});
  }
  return std::optional<Target>();
}

Status attach_defaults(store::Tx& tx, const OrgRow& o, const std::string& target_id) {
  auto types = enabled_types(tx, o.id);
  if (!types) return types.error();
  for (auto& t : *types) {
    std::string p = default_policy_for(t);
    if (p.empty()) continue;
    auto ins = tx.exec("INSERT INTO org_policy_attachments (org_id, target_id, policy_id, policy_type) VALUES (?, ?, ?, ?) "
                       "ON CONFLICT DO NOTHING",
                       {o.id, target_id, p, t});
    if (!ins) return ins.error();
  }
  return Ok{};
}

Status forget_target(store::Tx& tx, const std::string& target_id) {
  auto a = tx.exec("DELETE FROM org_policy_attachments WHERE target_id = ?", {target_id});
  if (!a) return a.error();
  auto t = tx.exec("DELETE FROM org_tags WHERE resource_id = ?", {target_id});
  if (!t) return t.error();
  return Ok{};
}

Status put_tags(store::Tx& tx, const std::string& org_id, const std::string& resource_id, const json::value* tags) {
  if (!tags || !tags->is_array()) return Ok{};
  std::vector<std::string> seen;
  for (auto& t : tags->as_array()) {
    if (!t.is_object()) continue;
    const auto& o = t.as_object();
    std::string key = input_str(o, "Key"), value = input_str(o, "Value");
    if (key.rfind("aws:", 0) == 0)
      return invalid_input("INVALID_SYSTEM_TAGS_PARAMETER", "You provided a value that does not match the required pattern.");
    if (std::find(seen.begin(), seen.end(), key) != seen.end())
      return invalid_input("DUPLICATE_TAG_KEY", "You provided duplicate tag keys in the same request.");
    seen.push_back(key);
    auto up = tx.exec("INSERT INTO org_tags (resource_id, org_id, tag_key, tag_value) VALUES (?, ?, ?, ?) "
                      "ON CONFLICT (resource_id, tag_key) DO UPDATE SET tag_value = excluded.tag_value",
                      {resource_id, org_id, key, value});
    if (!up) return up.error();
  }
  auto n = tx.query("SELECT COUNT(*) FROM org_tags WHERE resource_id = ?", {resource_id});
  if (!n) return n.error();
  if (n->front().i64(0) > 50)
    return constraint_violation("MAX_TAG_LIMIT_EXCEEDED", "You have exceeded the number of tags allowed on this resource.");
  return Ok{};
}

json::object account_json(const OrgRow& o, const store::Row& r, size_t i) {
  std::string state = r.str(i + 3);
  return json::object{{"Id", r.str(i)},
                      {"Arn", account_arn(o, r.str(i))},
                      {"Email", r.str(i + 1)},
                      {"Name", r.str(i + 2)},
                      {"Status", state == "ACTIVE" ? "ACTIVE" : "SUSPENDED"},
                      {"State", state},
                      {"JoinedMethod", r.str(i + 4)},
                      {"JoinedTimestamp", r.i64(i + 5)}};
}

Result<json::object> page(const Call& call, std::vector<Item> items, const char* member) {
  int64_t max = 20;
  if (const auto* m = call.input.if_contains("MaxResults"); m && m->is_int64()) max = m->as_int64();
  std::string after;
  if (std::string token = call.str("NextToken"); !token.empty()) {
    auto raw = crypto::base64_decode(token);
    if (!raw || raw->rfind("ot1:", 0) != 0)
      return invalid_input("INVALID_NEXT_TOKEN",
                           "You specified an invalid value for nextToken. You must get the value from the response to a "
                           "previous call to the API.");
    after = raw->substr(4);
  }
  std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.key < b.key; });
  json::array out;
  json::object res;
  std::string last;
  for (auto& it : items) {
    if (!after.empty() && it.key <= after) continue;
    if (static_cast<int64_t>(out.size()) == max) {
      res["NextToken"] = crypto::base64_encode("ot1:" + last);
      break;
    }
    last = it.key;
    out.push_back(std::move(it.value));
  }
  res[member] = std::move(out);
  return res;
}

std::optional<OrgRow> authz_org(const RequestContext& ctx, store::Tx& tx) {
  auto o = org_of(tx, ctx.principal->account_id);
  if (!o || !*o) return std::nullopt;
  return **o;
}

std::string arn_for_id(store::Tx& tx, const OrgRow& o, const std::string& id) {
  if (id == o.root_id) return root_arn(o);
  if (is_ou_id(id)) return ou_arn(o, id);
  if (is_account_id(id)) return account_arn(o, id);
  if (is_policy_id(id)) {
    auto rows = tx.query("SELECT policy_type, aws_managed FROM org_policies WHERE policy_id = ? AND org_id IN (?, 'aws')", {id, o.id});
    if (rows && !rows->empty()) return policy_arn(o, rows->front().str(0), id, rows->front().i64(1) != 0);
  }
  return "";
}

}  // namespace citadel::services::organizations
