// Virtual MFA devices: CreateVirtualMFADevice (the seed in Base32 and as a QR code PNG),
// EnableMFADevice (two consecutive codes), ResyncMFADevice, DeactivateMFADevice,
// DeleteVirtualMFADevice, ListMFADevices, ListVirtualMFADevices, GetMFADevice and the device's tags.
// Codes are RFC 6238 TOTP (auth/totp.h); a device remembers the step of the last code it accepted
// so that no code is accepted twice.
#include "services/iam/mfa_devices.h"

#include <openssl/crypto.h>

#include "auth/qr_code.h"
#include "auth/totp.h"
#include "base/crypto.h"
#include "services/iam/iam_common.h"
#include "services/iam/iam_operations.h"

namespace citadel::services::iam {

namespace {

constexpr size_t kSeedBytes = 40;          // AWS's seeds are 64 Base32 characters
constexpr int64_t kMaxDevicesPerUser = 8;  // IAM's quota of MFA devices per user
constexpr int64_t kResyncWindowSteps = 20; // how far (±10 minutes) ResyncMFADevice looks for the device's clock

std::string mfa_arn(const std::string& account, const std::string& path, const std::string& name) {
  return "arn:aws:iam::" + account + ":mfa" + path + name;
}

struct Device {
  std::string serial, path, seed;
  std::optional<std::string> user_id;  // enabled for this user ('' = root), or not enabled
  int64_t enabled_ms = 0, drift = 0, created_ms = 0;
  std::optional<int64_t> last_step;
};

Result<std::optional<Device>> find_device(store::Tx& tx, const store::SecretBox& secrets, const std::string& account,
                                          const std::string& serial) {
  auto rows = tx.query("SELECT path, seed_sealed, user_id, enabled_ms, last_step, drift_steps, created_ms FROM iam_mfa_devices "
                       "WHERE serial_number = ? AND account_id = ?",
                       {serial, account});
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<Device>();
  const auto& r = rows->front();
  auto seed = secrets.open_sealed(r.str(1), serial);
  if (!seed) return AwsError::internal("the MFA device's seed does not open under this deployment's master key");
  Device d{serial, r.str(0), std::move(*seed), {}, 0, r.i64(5), r.i64(6), {}};
  if (!r.is_null(2)) d.user_id = r.str(2), d.enabled_ms = r.i64(3);
  if (!r.is_null(4)) d.last_step = r.i64(4);
  return std::optional<Device>(std::move(d));
}

AwsError no_such_device(const std::string& serial) {
  return AwsError::sender("NoSuchEntity", "VirtualMFADevice with serial number " + serial + " doesn't exist.", 404);
}
AwsError invalid_codes() {
  return AwsError::sender("InvalidAuthenticationCode", "Authentication code for device is not valid.", 403);
}

// Finds step s within `window` steps of now (after drift) where code1 is s's code and code2 is
// s+1's, newer than the last accepted step. Returns s+1.
std::optional<int64_t> match_consecutive(const Device& d, const std::string& code1, const std::string& code2, int64_t now_ms,
                                         int64_t drift, int64_t window) {
  const int64_t now = static_cast<int64_t>(auth::totp_step(now_ms)) + drift;
  for (int64_t s = now - window - 1; s <= now + window - 1; ++s) {
    if (s < 0 || (d.last_step && s <= *d.last_step)) continue;
    if (crypto::constant_time_equal(auth::totp_code(d.seed, static_cast<uint64_t>(s)), code1) &&
        crypto::constant_time_equal(auth::totp_code(d.seed, static_cast<uint64_t>(s + 1)), code2))
      return s + 1;
  }
  return std::nullopt;
}

// The user the call names ("" = the root user calling for itself), with its id ('' for root).
struct Owner {
  std::string name, user_id;
};
Result<Owner> resolve_owner(Call& call) {
  std::string name = target_user(call);
  if (name.empty()) return Owner{"", ""};
  auto u = load_user(call.tx, call.account(), name);
  if (!u) return u.error();
  return Owner{u->name, u->user_id};
}

Result<json::value> create_virtual_mfa_device(Call& call) {
  std::string name = call.str("VirtualMFADeviceName");
  std::string path = call.has("Path") ? call.str("Path") : "/";
  if (auto s = check_path(path, "path"); !s) return s.error();
  std::string serial = mfa_arn(call.account(), path, name);
  auto same = call.tx.query("SELECT 1 FROM iam_mfa_devices WHERE account_id = ? AND name_lc = ?", {call.account(), lower(name)});
  if (!same) return same.error();
  if (!same->empty())
    return AwsError::sender("EntityAlreadyExists", "MFADevice entity at the same path and name already exists.", 409);
  std::string seed = crypto::random_bytes(kSeedBytes);
  std::string base32 = auth::base32_encode(seed);
  auto ins = call.tx.exec("INSERT INTO iam_mfa_devices (serial_number, account_id, name_lc, path, seed_sealed, created_ms) "
                          "VALUES (?, ?, ?, ?, ?, ?)",
                          {serial, call.account(), lower(name), path, call.env.secrets->seal(seed, serial), call.ctx.now_ms});
  if (!ins) return ins.error();
  if (auto s = put_tags(call.tx, "iam_mfa_device_tags", "serial_number", serial, call.input.if_contains("Tags"), "MFA device"); !s)
    return s.error();
  auto alias = call.tx.query("SELECT alias FROM iam_account_aliases WHERE account_id = ?", {call.account()});
  if (!alias) return alias.error();
  std::string label = alias->empty() ? call.account() : alias->front().str(0);
  auto png = auth::qr_code_png(auth::otpauth_uri(name, label, base32));
  if (!png) return AwsError::internal("could not draw the QR code");
  OPENSSL_cleanse(seed.data(), seed.size());
  json::object device{{"SerialNumber", serial},
                      {"Base32StringSeed", crypto::base64_encode(base32)},
                      {"QRCodePNG", crypto::base64_encode(*png)}};
  auto tags = read_tags(call.tx, "iam_mfa_device_tags", "serial_number", serial);
  if (!tags) return tags.error();
  if (!tags->empty()) device["Tags"] = std::move(*tags);
  return json::object{{"VirtualMFADevice", std::move(device)}};
}

Result<json::value> enable_mfa_device(Call& call) {
  auto owner = resolve_owner(call);
  if (!owner) return owner.error();
  std::string serial = call.str("SerialNumber");
  auto d = find_device(call.tx, *call.env.secrets, call.account(), serial);
  if (!d) return d.error();
  if (!d->has_value()) return no_such_device(serial);
  if ((*d)->user_id) return AwsError::sender("EntityAlreadyExists", "MFA Device is already in use.", 409);
  auto n = call.tx.query("SELECT COUNT(*) FROM iam_mfa_devices WHERE account_id = ? AND user_id = ?", {call.account(), owner->user_id});
  if (!n) return n.error();
  if (n->front().i64(0) >= kMaxDevicesPerUser)
    return AwsError::sender("LimitExceeded", "Cannot exceed quota for MFADevicesPerUser: 8", 409);
  auto step = match_consecutive(**d, call.str("AuthenticationCode1"), call.str("AuthenticationCode2"), call.ctx.now_ms, (*d)->drift, 1);
  if (!step) return invalid_codes();
  auto up = call.tx.exec("UPDATE iam_mfa_devices SET user_id = ?, enabled_ms = ?, last_step = ? WHERE serial_number = ?",
                         {owner->user_id, call.ctx.now_ms, *step, serial});
  if (!up) return up.error();
  return json::object{};
}

// Loads the device `serial` enabled for the call's user, or NoSuchEntity.
Result<Device> enabled_device(Call& call, const Owner& owner, const std::string& serial) {
  auto d = find_device(call.tx, *call.env.secrets, call.account(), serial);
  if (!d) return d.error();
  if (!d->has_value() || !(*d)->user_id || *(*d)->user_id != owner.user_id)
    return AwsError::sender("NoSuchEntity", "MFA Device with serial number " + serial + " does not exist for user " +
                                                (owner.name.empty() ? call.account() : owner.name) + ".", 404);
  return std::move(**d);
}

Result<json::value> resync_mfa_device(Call& call) {
  auto owner = resolve_owner(call);
  if (!owner) return owner.error();
  auto d = enabled_device(call, *owner, call.str("SerialNumber"));
  if (!d) return d.error();
  // The device's clock may have drifted: look further, and remember where its codes were found.
  auto step = match_consecutive(*d, call.str("AuthenticationCode1"), call.str("AuthenticationCode2"), call.ctx.now_ms, 0,
                                kResyncWindowSteps);
  if (!step) return invalid_codes();
  int64_t drift = *step - static_cast<int64_t>(auth::totp_step(call.ctx.now_ms));
  auto up = call.tx.exec("UPDATE iam_mfa_devices SET last_step = ?, drift_steps = ? WHERE serial_number = ?", {*step, drift, d->serial});
  if (!up) return up.error();
  return json::object{};
}

Result<json::value> deactivate_mfa_device(Call& call) {
  auto owner = resolve_owner(call);
  if (!owner) return owner.error();
  auto d = enabled_device(call, *owner, call.str("SerialNumber"));
  if (!d) return d.error();
  auto up = call.tx.exec("UPDATE iam_mfa_devices SET user_id = NULL, enabled_ms = NULL WHERE serial_number = ?", {d->serial});
  if (!up) return up.error();
  return json::object{};
}

Result<json::value> delete_virtual_mfa_device(Call& call) {
  std::string serial = call.str("SerialNumber");
  auto d = find_device(call.tx, *call.env.secrets, call.account(), serial);
  if (!d) return d.error();
  if (!d->has_value()) return no_such_device(serial);
  if ((*d)->user_id) return AwsError::sender("DeleteConflict", "MFA VirtualDevice in use. Must deactivate first.", 409);
  auto del = call.tx.exec("DELETE FROM iam_mfa_devices WHERE serial_number = ?", {serial});
  if (!del) return del.error();
  return json::object{};
}

Result<json::value> list_mfa_devices(Call& call) {
  auto owner = resolve_owner(call);
  if (!owner) return owner.error();
  auto page = read_page(call);
  if (!page) return page.error();
  auto rows = call.tx.query("SELECT serial_number, enabled_ms FROM iam_mfa_devices WHERE account_id = ? AND user_id = ? "
                            "AND serial_number > ? ORDER BY serial_number LIMIT ?",
                            {call.account(), owner->user_id, page->after, page->max_items + 1});
  if (!rows) return rows.error();
  json::object out;
  size_t n = finish_page(*page, *rows, [](const store::Row& r) { return r.str(0); }, out);
  json::array devices;
  std::string user_name = owner->name.empty() ? call.account() : owner->name;
  for (size_t i = 0; i < n; ++i)
    devices.push_back(json::object{{"UserName", user_name}, {"SerialNumber", (*rows)[i].str(0)}, {"EnableDate", (*rows)[i].i64(1)}});
  out["MFADevices"] = std::move(devices);
  return out;
}

// The User structure of the user a device is enabled for ('' = the root user).
Result<json::object> device_user(store::Tx& tx, const std::string& account, const std::string& user_id) {
  if (user_id.empty()) {
    auto acct = tx.query("SELECT created_ms FROM accounts WHERE account_id = ?", {account});
    if (!acct) return acct.error();
    int64_t created = acct->empty() ? 0 : acct->front().i64(0);
    return json::object{{"Path", "/"}, {"UserName", account}, {"UserId", account},
                        {"Arn", "arn:aws:iam::" + account + ":root"}, {"CreateDate", created}};
  }
  auto rows = tx.query("SELECT user_name, path, created_ms FROM iam_users WHERE user_id = ?", {user_id});
  if (!rows) return rows.error();
  if (rows->empty()) return json::object{};
  const auto& r = rows->front();
  return json::object{{"Path", r.str(1)}, {"UserName", r.str(0)}, {"UserId", user_id},
                      {"Arn", user_arn(account, r.str(1), r.str(0))}, {"CreateDate", r.i64(2)}};
}

Result<json::value> list_virtual_mfa_devices(Call& call) {
  std::string status = call.has("AssignmentStatus") ? call.str("AssignmentStatus") : "Any";
  auto page = read_page(call);
  if (!page) return page.error();
  std::string filter = status == "Assigned" ? " AND user_id IS NOT NULL" : status == "Unassigned" ? " AND user_id IS NULL" : "";
  auto rows = call.tx.query("SELECT serial_number, user_id, enabled_ms FROM iam_mfa_devices WHERE account_id = ? AND serial_number > ?" +
                                filter + " ORDER BY serial_number LIMIT ?",
                            {call.account(), page->after, page->max_items + 1});
  if (!rows) return rows.error();
  json::object out;
  size_t n = finish_page(*page, *rows, [](const store::Row& r) { return r.str(0); }, out);
  json::array devices;
  for (size_t i = 0; i < n; ++i) {
    const auto& r = (*rows)[i];
    json::object d{{"SerialNumber", r.str(0)}};
    if (!r.is_null(1)) {
      auto user = device_user(call.tx, call.account(), r.str(1));
      if (!user) return user.error();
      d["User"] = std::move(*user);
      d["EnableDate"] = r.i64(2);
    }
    auto tags = read_tags(call.tx, "iam_mfa_device_tags", "serial_number", r.str(0));
    if (!tags) return tags.error();
    if (!tags->empty()) d["Tags"] = std::move(*tags);
    devices.push_back(std::move(d));
  }
  out["VirtualMFADevices"] = std::move(devices);
  return out;
}

Result<json::value> get_mfa_device(Call& call) {
  auto owner = resolve_owner(call);
  if (!owner) return owner.error();
  auto d = enabled_device(call, *owner, call.str("SerialNumber"));
  if (!d) return d.error();
  return json::object{{"UserName", owner->name.empty() ? call.account() : owner->name},
                      {"SerialNumber", d->serial},
                      {"EnableDate", d->enabled_ms}};
}

// ---- Tags ----------------------------------------------------------------------------------------

Result<std::string> existing_serial(Call& call) {
  std::string serial = call.str("SerialNumber");
  auto rows = call.tx.query("SELECT 1 FROM iam_mfa_devices WHERE serial_number = ? AND account_id = ?", {serial, call.account()});
  if (!rows) return rows.error();
  if (rows->empty()) return no_such_device(serial);
  return serial;
}

Result<json::value> tag_mfa_device(Call& call) {
  auto serial = existing_serial(call);
  if (!serial) return serial.error();
  if (auto s = put_tags(call.tx, "iam_mfa_device_tags", "serial_number", *serial, call.input.if_contains("Tags"), "MFA device"); !s)
    return s.error();
  return json::object{};
}

Result<json::value> untag_mfa_device(Call& call) {
  auto serial = existing_serial(call);
  if (!serial) return serial.error();
  if (auto s = remove_tags(call.tx, "iam_mfa_device_tags", "serial_number", *serial, call.input.if_contains("TagKeys")); !s)
    return s.error();
  return json::object{};
}

Result<json::value> list_mfa_device_tags(Call& call) {
  auto serial = existing_serial(call);
  if (!serial) return serial.error();
  auto tags = read_tags(call.tx, "iam_mfa_device_tags", "serial_number", *serial);
  if (!tags) return tags.error();
  return tags_page(call, *tags);
}

// Operations on a device are authorized on its ARN (the serial number), with its tags.
AuthzRequest device_authz(std::string action, const RequestContext& ctx, const json::object& in, store::Tx& tx) {
  std::string serial = input_str(in, "SerialNumber");
  if (serial.empty()) serial = mfa_arn(ctx.principal->account_id, in.contains("Path") ? input_str(in, "Path") : "/",
                                       input_str(in, "VirtualMFADeviceName"));
  AuthzRequest a{std::move(action), {serial}, {}};
  if (auto rows = tx.query("SELECT tag_key, tag_value FROM iam_mfa_device_tags WHERE serial_number = ?", {serial}))
    for (auto& r : *rows) a.condition_keys["aws:ResourceTag/" + r.str(0)] = r.str(1);
  return a;
}

}  // namespace

void add_mfa_device_operations(std::vector<OperationDef>& ops) {
  auto on_device = [&](const char* name, bool ro, Handler h, const char* tags_member = nullptr) {
    ops.push_back(OperationDef{name, ro, false,
                               [name, tags_member](const RequestContext& c, const json::object& i, store::Tx& tx) {
                                 auto a = device_authz(std::string("iam:") + name, c, i, tx);
                                 if (tags_member)
                                   for (auto& [k, v] : tag_condition_keys(i, tags_member)) a.condition_keys[k] = v;
                                 return a;
                               },
                               std::move(h)});
  };
  auto on_user = [&](const char* name, bool ro, Handler h) {
    ops.push_back(OperationDef{name, ro, false,
                               [name](const RequestContext& c, const json::object& i, store::Tx& tx) {
                                 return user_authz(std::string("iam:") + name, c, i, tx);
                               },
                               std::move(h)});
  };
  on_device("CreateVirtualMFADevice", false, create_virtual_mfa_device, "Tags");
  on_device("DeleteVirtualMFADevice", false, delete_virtual_mfa_device);
  on_device("TagMFADevice", false, tag_mfa_device, "Tags");
  on_device("UntagMFADevice", false, untag_mfa_device, "TagKeys");
  on_device("ListMFADeviceTags", true, list_mfa_device_tags);
  on_user("EnableMFADevice", false, enable_mfa_device);
  on_user("ResyncMFADevice", false, resync_mfa_device);
  on_user("DeactivateMFADevice", false, deactivate_mfa_device);
  on_user("ListMFADevices", true, list_mfa_devices);
  on_user("GetMFADevice", true, get_mfa_device);
  ops.push_back(OperationDef{"ListVirtualMFADevices", true, false,
                             [](const RequestContext& c, const json::object&, store::Tx&) {
                               return AuthzRequest{"iam:ListVirtualMFADevices", {"arn:aws:iam::" + c.principal->account_id + ":mfa/*"}, {}};
                             },
                             list_virtual_mfa_devices});
}

Status verify_mfa_code(store::Tx& tx, const store::SecretBox& secrets, const std::string& account, const std::string& user_id,
                       const std::string& serial, const std::string& code, int64_t now_ms, bool consume) {
  auto failed = [] {
    return AwsError::sender("AccessDenied", "MultiFactorAuthentication failed with invalid MFA one time pass code. ", 403);
  };
  auto d = find_device(tx, secrets, account, serial);
  if (!d) return d.error();
  if (!d->has_value() || !(*d)->user_id || *(*d)->user_id != user_id) return failed();
  const Device& dev = **d;
  // The device's learnt drift moves "now"; the window and the replay rule are totp_verify's.
  int64_t shifted_ms = now_ms + dev.drift * 30000;
  std::optional<uint64_t> last;
  if (dev.last_step) last = static_cast<uint64_t>(*dev.last_step);
  auto step = auth::totp_verify(dev.seed, code, shifted_ms, last);
  if (!step) return failed();
  if (!consume) return Ok{};
  auto up = tx.exec("UPDATE iam_mfa_devices SET last_step = ? WHERE serial_number = ?", {static_cast<int64_t>(*step), serial});
  if (!up) return up.error();
  return Ok{};
}

}  // namespace citadel::services::iam
