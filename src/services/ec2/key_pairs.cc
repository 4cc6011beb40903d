// Key pairs: created (the private key is returned once and never stored) or imported.
#include "services/ec2/ec2_common.h"
#include "services/ec2/key_material.h"
#include "base/crypto.h"

namespace citadel::services::ec2 {

namespace {

Result<std::optional<Resource>> key_by_name(store::Tx& tx, const std::string& account, const std::string& region,
                                            const std::string& name) {
  auto rows = tx.query("SELECT resource_id FROM ec2_resources WHERE account_id = ? AND region = ? AND kind = 'key-pair' AND name = ?",
                       {account, region, name});
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<Resource>();
  return load(tx, account, region, rows->front().str(0));
}

Status check_name(Call& call, const std::string& name) {
  if (name.empty() || name.size() > 255) return invalid_value("Value (" + name + ") for parameter keyName is invalid. Length exceeds maximum of 255.");
  for (unsigned char c : name)
    if (c < 0x20 || c > 0x7e) return invalid_value("Value (" + name + ") for parameter keyName is invalid. Character sets beyond ASCII are not supported.");
  auto clash = key_by_name(call.tx, call.account(), call.ctx.region, name);
  if (!clash) return clash.error();
  if (*clash) return ec2_error("InvalidKeyPair.Duplicate", "The keypair '" + name + "' already exists.");
  return Ok{};
}

Result<Resource> store_key(Call& call, const std::string& name, const std::string& type, const std::string& fingerprint,
                           const std::string& public_ssh) {
  Resource k{new_id("key"), call.account(), call.ctx.region, "key-pair", "", name, call.ctx.now_ms, {}};
  k.doc = json::object{{"KeyPairId", k.id},          {"KeyName", name},
                       {"KeyType", type},            {"KeyFingerprint", fingerprint},
                       {"CreateTime", call.ctx.now_ms}, {"_PublicKey", public_ssh + " " + name}};
  if (auto s = save(call.tx, k); !s) return s.error();
  if (auto s = put_tags(call.tx, call.account(), call.ctx.region, k.id, spec_tags(call.input, "key-pair")); !s) return s.error();
  return k;
}

json::object key_output(Call& call, const Resource& k) {
  json::object out{{"KeyName", k.name}, {"KeyPairId", k.id}, {"KeyFingerprint", k.doc.at("KeyFingerprint")}};
  auto tags = tags_of(call.tx, k.id);
  if (tags && !tags->empty()) out["Tags"] = tags_json(*tags);
  return out;
}

Result<json::value> create_key_pair(Call& call) {
  std::string name = call.str("KeyName");
  if (auto s = check_name(call, name); !s) return s.error();
  std::string type = call.has("KeyType") ? call.str("KeyType") : "rsa";
  if (type != "rsa" && type != "ed25519") return invalid_value("Invalid value '" + type + "' for keyType.");
  if (call.has("KeyFormat") && call.str("KeyFormat") != "pem") return AwsError::not_implemented("KeyFormat " + call.str("KeyFormat"));
  auto material = generate_key(type);
  if (!material) return AwsError::internal("The key pair could not be generated.");
  auto k = store_key(call, name, type, material->fingerprint, material->public_ssh);
  if (!k) return k.error();
  json::object out = key_output(call, *k);
  out["KeyMaterial"] = material->private_pem;
  return out;
}

Result<json::value> import_key_pair(Call& call) {
  std::string name = call.str("KeyName");
  if (auto s = check_name(call, name); !s) return s.error();
  std::string raw = call.str("PublicKeyMaterial");
  auto decoded = crypto::base64_decode(raw);
  auto key = import_public_key(decoded ? *decoded : raw);
  if (!key && decoded) key = import_public_key(raw);
  if (!key) return ec2_error("InvalidKey.Format", "Key is not in valid OpenSSH public key format");
  auto k = store_key(call, name, key->key_type, key->fingerprint, key->public_ssh);
  if (!k) return k.error();
  return key_output(call, *k);
}

Result<json::value> describe_key_pairs(Call& call) {
  auto all = load_kind(call.tx, call.account(), call.ctx.region, "key-pair");
  if (!all) return all.error();
  auto tags = all_tags(call.tx, call.account(), call.ctx.region);
  if (!tags) return tags.error();
  auto names = strings(call.input.if_contains("KeyNames"));
  auto ids = strings(call.input.if_contains("KeyPairIds"));
  for (auto& n : names)
    if (std::none_of(all->begin(), all->end(), [&](const Resource& k) { return k.name == n; }))
      return ec2_error("InvalidKeyPair.NotFound", "The key pair '" + n + "' does not exist");
  for (auto& id : ids)
    if (std::none_of(all->begin(), all->end(), [&](const Resource& k) { return k.id == id; }))
      return ec2_error("InvalidKeyPair.NotFound", "The key pair ID '" + id + "' does not exist");
  bool include_public = call.has("IncludePublicKey") && call.input.at("IncludePublicKey").is_bool() && call.input.at("IncludePublicKey").as_bool();
  auto fs = filters(call.input);
  static const Tags none;
  json::array out;
  for (auto& k : *all) {
    if (!names.empty() && std::find(names.begin(), names.end(), k.name) == names.end()) continue;
    if (!ids.empty() && std::find(ids.begin(), ids.end(), k.id) == ids.end()) continue;
    auto t = tags->find(k.id);
    auto m = matches(fs, [&](const std::string& n) -> std::optional<std::vector<std::string>> {
      if (n == "key-name") return std::vector<std::string>{k.name};
      if (n == "key-pair-id") return std::vector<std::string>{k.id};
      if (n == "fingerprint") return std::vector<std::string>{text(k.doc, "KeyFingerprint")};
      if (n == "key-type") return std::vector<std::string>{text(k.doc, "KeyType")};
      return std::nullopt;
    }, t == tags->end() ? none : t->second);
    if (!m) return m.error();
    if (!*m) continue;
    json::object o = with_tags(k, *tags);
    if (include_public) o["PublicKey"] = k.doc.at("_PublicKey");
    out.push_back(std::move(o));
  }
  return json::object{{"KeyPairs", std::move(out)}};
}

// Deleting a name that does not exist succeeds, as in EC2; an unknown id does not.
Result<json::value> delete_key_pair(Call& call) {
  std::optional<Resource> k;
  if (call.has("KeyPairId")) {
    auto r = load(call.tx, call.account(), call.ctx.region, call.str("KeyPairId"));
    if (!r) return r.error();
    if (!*r || r->value().kind != "key-pair")
      return ec2_error("InvalidKeyPair.NotFound", "The key pair ID '" + call.str("KeyPairId") + "' does not exist");
    k = std::move(*r);
  } else if (call.has("KeyName")) {
    auto r = key_by_name(call.tx, call.account(), call.ctx.region, call.str("KeyName"));
    if (!r) return r.error();
    k = std::move(*r);
  } else {
    return ec2_error("MissingParameter", "The request must contain the parameter KeyName or KeyPairId");
  }
  if (!k) return json::object{{"Return", true}};
  if (auto s = remove(call.tx, *k); !s) return s.error();
  return json::object{{"Return", true}, {"KeyPairId", k->id}};
}

}  // namespace

// A key pair's ARN names it by name; its tags are found by id.
std::vector<Target> key_pair_target(const RequestContext& ctx, store::Tx& tx, const std::string& name, const std::string& id) {
  const std::string& account = ctx.principal->account_id;
  if (!id.empty()) {
    auto k = load(tx, account, ctx.region, id);
    if (k && *k) return {{arn(ctx.region, account, "key-pair", (*k)->name), id}};
    return {{arn(ctx.region, account, "key-pair", "*"), ""}};
  }
  if (name.empty()) return {};
  auto k = key_by_name(tx, account, ctx.region, name);
  return {{arn(ctx.region, account, "key-pair", name), k && *k ? (*k)->id : ""}};
}

void add_key_pair_operations(std::vector<OperationDef>& ops) {
  auto new_key = [](const RequestContext& ctx, const json::object& in, store::Tx&) {
    return std::vector<Target>{{arn(ctx.region, ctx.principal->account_id, "key-pair", input_str(in, "KeyName")), ""}};
  };
  ops.push_back(ec2_op("CreateKeyPair", false, new_key, create_key_pair, add_request_tags));
  ops.push_back(ec2_op("ImportKeyPair", false, new_key, import_key_pair, add_request_tags));
  ops.push_back(ec2_op("DescribeKeyPairs", true, nullptr, describe_key_pairs));
  ops.push_back(ec2_op("DeleteKeyPair", false, [](const RequestContext& ctx, const json::object& in, store::Tx& tx) {
    return key_pair_target(ctx, tx, input_str(in, "KeyName"), input_str(in, "KeyPairId"));
  }, delete_key_pair));
}

}  // namespace citadel::services::ec2
