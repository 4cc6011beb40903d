#include "services/kms/key_store.h"

#include <algorithm>

#include "base/crypto.h"

namespace citadel::services::kms {

AwsError kms_error(std::string code, std::string message) { return AwsError::sender(std::move(code), std::move(message), 400); }
AwsError not_found(const std::string& message) { return kms_error("NotFoundException", message); }
AwsError validation(const std::string& message) { return kms_error("ValidationException", message); }
AwsError invalid_state(const std::string& message) { return kms_error("KMSInvalidStateException", message); }

const KeySpecInfo& KeyRow::spec() const {
  const KeySpecInfo* s = key_spec_info(key_spec);
  return s ? *s : *key_spec_info("SYMMETRIC_DEFAULT");
}

std::string key_arn(const std::string& region, const std::string& account, const std::string& key_id) {
  return "arn:aws:kms:" + region + ":" + account + ":key/" + key_id;
}
std::string alias_arn(const std::string& region, const std::string& account, const std::string& alias_name) {
  return "arn:aws:kms:" + region + ":" + account + ":" + alias_name;
}

KeyRow key_from_row(const store::Row& r) {
  KeyRow k;
  k.key_id = r.str(0);
  k.account = r.str(1);
  k.region = r.str(2);
  k.description = r.str(3);
  k.key_usage = r.str(4);
  k.key_spec = r.str(5);
  k.origin = r.str(6);
  k.key_state = r.str(7);
  k.policy = r.str(8);
  k.created_ms = r.i64(9);
  k.deletion_ms = r.i64(10);
  k.pending_window_days = r.i64(11);
  k.rotation_enabled = r.i64(12) != 0;
  k.rotation_period_days = r.i64(13);
  k.next_rotation_ms = r.i64(14);
  k.current_version = r.i64(15);
  return k;
}

namespace {

// A key past its deletion date is gone, even before maintain() removes its rows.
bool live(const KeyRow& k, int64_t now_ms) { return k.deletion_ms == 0 || k.deletion_ms > now_ms; }

Result<std::optional<KeyRow>> load(store::Tx& tx, const std::string& key_id, const std::string* account,
                                   const std::string* region, int64_t now_ms) {
  auto rows = tx.query(std::string("SELECT ") + kKeyColumns + " FROM kms_keys WHERE key_id = ?", {key_id});
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<KeyRow>();
  KeyRow k = key_from_row(rows->front());
  if ((account && k.account != *account) || (region && k.region != *region) || !live(k, now_ms))
    return std::optional<KeyRow>();
  return std::optional<KeyRow>(std::move(k));
}

struct Arn {
  std::string region, account, resource;
};
std::optional<Arn> parse_kms_arn(const std::string& s) {
  // arn:aws:kms:REGION:ACCOUNT:RESOURCE
  if (s.rfind("arn:aws:kms:", 0) != 0) return std::nullopt;
  size_t r = 12, a = s.find(':', r);
  if (a == std::string::npos) return std::nullopt;
  size_t res = s.find(':', a + 1);
  if (res == std::string::npos) return std::nullopt;
  return Arn{s.substr(r, a - r), s.substr(a + 1, res - a - 1), s.substr(res + 1)};
}

}  // namespace

Result<KeyRef> resolve_key(store::Tx& tx, const std::string& account, const std::string& region, const std::string& key_id,
                           bool cross_account, int64_t now_ms) {
  std::string acct = account, rgn = region, id = key_id, alias;
  std::string shown_arn;
  if (auto arn = parse_kms_arn(key_id)) {
    if (!cross_account && arn->account != account) return not_found("Invalid arn " + key_id);
    // KMS is regional: a request reaches only the keys of its own region.
    if (arn->region != region) return not_found("Invalid arn " + arn->region);
    acct = arn->account;
    rgn = arn->region;
    if (arn->resource.rfind("key/", 0) == 0) {
      id = arn->resource.substr(4);
    } else if (arn->resource.rfind("alias/", 0) == 0) {
      alias = arn->resource;
    } else {
      return not_found("Invalid arn " + key_id);
    }
  } else if (key_id.rfind("alias/", 0) == 0) {
    alias = key_id;
  } else if (key_id.size() != 36 && key_id.rfind("mrk-", 0) != 0) {
    return not_found("Invalid keyId '" + key_id + "'");
  }
  if (!alias.empty()) {
    auto rows = tx.query("SELECT key_id FROM kms_aliases WHERE account_id = ? AND region = ? AND alias_name = ?", {acct, rgn, alias});
    if (!rows) return rows.error();
    if (rows->empty()) return not_found("Alias " + alias_arn(rgn, acct, alias) + " is not found.");
    id = rows->front().str(0);
  }
  auto k = load(tx, id, &acct, &rgn, now_ms);
  if (!k) return k.error();
  if (!*k) return not_found("Key '" + key_arn(rgn, acct, id) + "' does not exist");
  return KeyRef{std::move(**k), alias};
}

Result<std::optional<KeyRow>> key_by_id(store::Tx& tx, const std::string& key_id, int64_t now_ms) {
  return load(tx, key_id, nullptr, nullptr, now_ms);
}

Status require_enabled(const KeyRow& key) {
  if (key.key_state == "Enabled") return Ok{};
  if (key.key_state == "Disabled") return kms_error("DisabledException", key.arn() + " is disabled.");
  if (key.key_state == "PendingDeletion") return invalid_state(key.arn() + " is pending deletion.");
  return invalid_state(key.arn() + " is " + key.key_state + ".");
}

Status require_not_pending_deletion(const KeyRow& key) {
  if (key.key_state == "PendingDeletion") return invalid_state(key.arn() + " is pending deletion.");
  return Ok{};
}

namespace {
std::string material_context(const std::string& key_id, int64_t version) {
  return "kms-material:" + key_id + ":" + std::to_string(version);
}
}  // namespace

Status put_material(store::Tx& tx, const Env& env, const std::string& key_id, int64_t version, const Secret& material,
                    const std::string& rotation_type, int64_t now_ms) {
  auto ins = tx.exec("INSERT INTO kms_key_material (key_id, version, material_sealed, created_ms, rotation_type) VALUES (?, ?, ?, ?, ?)",
                     {key_id, version, env.secrets->seal(material.view(), material_context(key_id, version)), now_ms, rotation_type});
  if (!ins) return ins.error();
  return Ok{};
}

Result<std::optional<Secret>> material(store::Tx& tx, const Env& env, const std::string& key_id, int64_t version) {
  auto rows = tx.query("SELECT material_sealed FROM kms_key_material WHERE key_id = ? AND version = ?", {key_id, version});
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<Secret>();
  auto opened = env.secrets->open_sealed(rows->front().str(0), material_context(key_id, version));
  if (!opened) return AwsError::internal("The key material could not be opened with the master key.");
  return std::optional<Secret>(Secret(std::move(*opened)));
}

std::vector<std::pair<std::string, std::string>> key_tags(store::Tx& tx, const std::string& key_id) {
  std::vector<std::pair<std::string, std::string>> out;
  auto rows = tx.query("SELECT tag_key, tag_value FROM kms_tags WHERE key_id = ? ORDER BY tag_key", {key_id});
  if (rows)
    for (auto& r : *rows) out.emplace_back(r.str(0), r.str(1));
  return out;
}

KeyFacts key_facts(store::Tx& tx, const std::string& key_id) {
  KeyFacts f;
  auto rows = tx.query("SELECT 'a', alias_name, '' FROM kms_aliases WHERE key_id = ? "
                       "UNION ALL SELECT 't', tag_key, tag_value FROM kms_tags WHERE key_id = ? "
                       "UNION ALL SELECT 'g', '', '' FROM (SELECT 1 FROM kms_grants WHERE key_id = ? LIMIT 1)",
                       {key_id, key_id, key_id});
  if (!rows) return f;
  for (auto& r : *rows) {
    const std::string& kind = r.str(0);
    if (kind == "a") f.aliases.push_back(r.str(1));
    else if (kind == "t") f.tags.emplace_back(r.str(1), r.str(2));
    else f.has_grants = true;
  }
  std::sort(f.aliases.begin(), f.aliases.end());
  return f;
}

Status put_tags(store::Tx& tx, const std::string& key_id, const json::value* tags) {
  if (!tags || !tags->is_array()) return Ok{};
  for (auto& t : tags->as_array()) {
    if (!t.is_object()) continue;
    std::string key = input_str(t.as_object(), "TagKey"), value = input_str(t.as_object(), "TagValue");
    if (key.rfind("aws:", 0) == 0) return kms_error("TagException", "Tags beginning with aws: are reserved for use by AWS.");
    // A tag set to the value it has changes no row: the call's transaction then has nothing to commit.
    auto up = tx.exec("INSERT INTO kms_tags (key_id, tag_key, tag_value) VALUES (?, ?, ?) "
                      "ON CONFLICT (key_id, tag_key) DO UPDATE SET tag_value = excluded.tag_value "
                      "WHERE tag_value <> excluded.tag_value",
                      {key_id, key, value});
    if (!up) return up.error();
  }
  auto n = tx.query("SELECT COUNT(*) FROM kms_tags WHERE key_id = ?", {key_id});
  if (!n) return n.error();
  if (n->front().i64(0) > 50) return kms_error("LimitExceededException", "The request would exceed the limit of 50 tags per key.");
  return Ok{};
}

Status maintain(store::Tx& tx, const Env& env, int64_t now_ms) {
  auto gone = tx.query("SELECT key_id FROM kms_keys WHERE deletion_ms > 0 AND deletion_ms <= ?", {now_ms});
  if (!gone) return gone.error();
  for (auto& r : *gone) {
    const std::string id = r.str(0);
    for (const char* sql : {"DELETE FROM kms_key_material WHERE key_id = ?", "DELETE FROM kms_aliases WHERE key_id = ?",
                            "DELETE FROM kms_grants WHERE key_id = ?", "DELETE FROM kms_tags WHERE key_id = ?",
                            "DELETE FROM kms_keys WHERE key_id = ?"})
      if (auto d = tx.exec(sql, {id}); !d) return d.error();
  }
  auto due = tx.query(std::string("SELECT ") + kKeyColumns +
                          " FROM kms_keys WHERE rotation_enabled = 1 AND next_rotation_ms <= ? AND key_state = 'Enabled'",
                      {now_ms});
  if (!due) return due.error();
  for (auto& r : *due) {
    KeyRow k = key_from_row(r);
    int64_t next = k.next_rotation_ms;
    while (next <= now_ms) next += k.rotation_period_days * 86400000LL;
    if (auto s = put_material(tx, env, k.key_id, k.current_version + 1, generate_material(k.spec()), "AUTOMATIC", k.next_rotation_ms); !s)
      return s;
    auto up = tx.exec("UPDATE kms_keys SET current_version = ?, next_rotation_ms = ? WHERE key_id = ?",
                      {k.current_version + 1, next, k.key_id});
    if (!up) return up.error();
  }
  return Ok{};
}

json::array algorithm_list(const std::vector<std::string_view>& names) {
  json::array a;
  for (auto s : names) a.emplace_back(s);
  return a;
}

json::object key_metadata(const KeyRow& k) {
  const KeySpecInfo& spec = k.spec();
  json::object m{{"AWSAccountId", k.account},
                 {"KeyId", k.key_id},
                 {"Arn", k.arn()},
                 {"CreationDate", k.created_ms},
                 {"Enabled", k.key_state == "Enabled"},
                 {"Description", k.description},
                 {"KeyUsage", k.key_usage},
                 {"KeyState", k.key_state},
                 {"Origin", k.origin},
                 {"KeyManager", "CUSTOMER"},
                 {"CustomerMasterKeySpec", k.key_spec},
                 {"KeySpec", k.key_spec},
                 {"MultiRegion", false}};
  if (k.deletion_ms) {
    m["DeletionDate"] = k.deletion_ms;
    m["PendingDeletionWindowInDays"] = k.pending_window_days;
  }
  if (k.key_usage == "ENCRYPT_DECRYPT") m["EncryptionAlgorithms"] = algorithm_list(spec.encryption_algorithms);
  if (k.key_usage == "SIGN_VERIFY") m["SigningAlgorithms"] = algorithm_list(spec.signing_algorithms);
  if (k.key_usage == "GENERATE_VERIFY_MAC") m["MacAlgorithms"] = algorithm_list(spec.mac_algorithms);
  return m;
}

}  // namespace citadel::services::kms
