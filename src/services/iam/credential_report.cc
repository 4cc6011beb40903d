// The credential report: GenerateCredentialReport and GetCredentialReport. A CSV with AWS's columns,
// one row for the root user and one per IAM user, about their passwords, MFA and access keys. As in
// IAM, a report younger than four hours is served again instead of a new one.
#include "base/crypto.h"
#include "base/time.h"
#include "services/iam/console_signin.h"
#include "services/iam/iam_common.h"
#include "services/iam/iam_operations.h"
#include "services/iam/password_policy.h"

namespace citadel::services::iam {

namespace {

constexpr int64_t kReportLifetimeMs = 4 * 3600 * 1000;
constexpr int64_t kDayMs = 86400000;

constexpr const char* kColumns =
    "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,"
    "mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,"
    "access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,"
    "access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,"
    "cert_2_last_rotated";

// The report's time format: ISO 8601 with an explicit UTC offset.
std::string report_time(int64_t ms) {
  std::string t = timeutil::iso8601(ms);
  t.pop_back();  // 'Z'
  return t + "+00:00";
}

// The columns about a principal's first two access keys (by creation).
Result<std::string> key_columns(store::Tx& tx, const std::string& account, const std::optional<std::string>& user_name_lc) {
  auto rows = user_name_lc
                  ? tx.query("SELECT status, created_ms, last_used_ms, last_used_region, last_used_service FROM access_keys "
                             "WHERE account_id = ? AND user_name_lc = ? ORDER BY created_ms, access_key_id LIMIT 2",
                             {account, *user_name_lc})
                  : tx.query("SELECT status, created_ms, last_used_ms, last_used_region, last_used_service FROM access_keys "
                             "WHERE account_id = ? AND user_name_lc IS NULL ORDER BY created_ms, access_key_id LIMIT 2",
                             {account});
  if (!rows) return rows.error();
  std::string out;
  for (size_t i = 0; i < 2; ++i) {
    if (i < rows->size()) {
      const auto& r = (*rows)[i];
      out += std::string(r.str(0) == "Active" ? "true" : "false") + "," + report_time(r.i64(1)) + ",";
      if (r.is_null(2)) out += "N/A,N/A,N/A,";
      else out += report_time(r.i64(2)) + "," + (r.is_null(3) ? "N/A" : r.str(3)) + "," + (r.is_null(4) ? "N/A" : r.str(4)) + ",";
    } else {
      out += "false,N/A,N/A,N/A,N/A,";
    }
  }
  return out + "false,N/A,false,N/A";  // signing certificates: IAM stores none here
}

Result<std::string> build_report(store::Tx& tx, const std::string& account) {
  auto policy = load_password_policy(tx, account);
  if (!policy) return policy.error();
  std::string csv = std::string(kColumns) + "\n";

  auto acct = tx.query("SELECT created_ms, (SELECT COUNT(*) FROM iam_mfa_devices WHERE account_id = ? AND user_id = '') "
                       "FROM accounts WHERE account_id = ?",
                       {account, account});
  if (!acct) return acct.error();
  if (!acct->empty()) {
    auto keys = key_columns(tx, account, std::nullopt);
    if (!keys) return keys.error();
    // The root user's password columns are not_supported, as in IAM, but when it last signed in to
    // the console is reported.
    auto used = root_password_last_used(tx, account);
    if (!used) return used.error();
    csv += "<root_account>,arn:aws:iam::" + account + ":root," + report_time(acct->front().i64(0)) + ",not_supported," +
           (*used ? report_time(**used) : std::string("no_information")) + ",not_supported,not_supported," +
           (acct->front().i64(1) > 0 ? "true" : "false") + "," + *keys + "\n";
  }

  auto users = tx.query(
      "SELECT u.user_name, u.path, u.created_ms, u.name_lc, l.changed_ms, l.last_used_ms, "
      "(SELECT COUNT(*) FROM iam_mfa_devices m WHERE m.user_id = u.user_id) "
      "FROM iam_users u LEFT JOIN iam_login_profiles l ON l.user_id = u.user_id WHERE u.account_id = ? ORDER BY u.name_lc",
      {account});
  if (!users) return users.error();
  for (auto& r : *users) {
    bool password = !r.is_null(4);
    std::string pw = password ? "true," : "false,";
    pw += !password ? "N/A," : r.is_null(5) ? "no_information," : report_time(r.i64(5)) + ",";
    pw += password ? report_time(r.i64(4)) + "," : "N/A,";
    pw += password && policy->max_password_age > 0 ? report_time(r.i64(4) + policy->max_password_age * kDayMs) + "," : "N/A,";
    auto keys = key_columns(tx, account, r.str(3));
    if (!keys) return keys.error();
    csv += r.str(0) + "," + user_arn(account, r.str(1), r.str(0)) + "," + report_time(r.i64(2)) + "," + pw +
           (r.i64(6) > 0 ? "true," : "false,") + *keys + "\n";
  }
  return csv;
}

Result<json::value> generate_credential_report(Call& call) {
  auto existing = call.tx.query("SELECT generated_ms FROM iam_credential_reports WHERE account_id = ?", {call.account()});
  if (!existing) return existing.error();
  if (!existing->empty() && call.ctx.now_ms - existing->front().i64(0) < kReportLifetimeMs)
    return json::object{{"State", "COMPLETE"}};
  auto csv = build_report(call.tx, call.account());
  if (!csv) return csv.error();
  auto w = call.tx.exec("INSERT INTO iam_credential_reports (account_id, generated_ms, content) VALUES (?, ?, ?) "
                        "ON CONFLICT (account_id) DO UPDATE SET generated_ms = excluded.generated_ms, content = excluded.content",
                        {call.account(), call.ctx.now_ms, *csv});
  if (!w) return w.error();
  // The report is complete when this call returns; IAM still answers STARTED to the call that began it.
  return json::object{{"State", "STARTED"}, {"Description", "No report exists. Starting a new report generation task"}};
}

Result<json::value> get_credential_report(Call& call) {
  auto rows = call.tx.query("SELECT generated_ms, content FROM iam_credential_reports WHERE account_id = ?", {call.account()});
  if (!rows) return rows.error();
  if (rows->empty())
    return AwsError::sender("ReportNotPresent", "Unknown credential report. Call GenerateCredentialReport to generate a new report.", 410);
  const auto& r = rows->front();
  if (call.ctx.now_ms - r.i64(0) >= kReportLifetimeMs)
    return AwsError::sender("ReportExpired", "The credential report is expired. Call GenerateCredentialReport to generate a new report.", 410);
  return json::object{{"Content", crypto::base64_encode(r.str(1))}, {"ReportFormat", "text/csv"}, {"GeneratedTime", r.i64(0)}};
}

}  // namespace

void add_credential_report_operations(std::vector<OperationDef>& ops) {
  ops.push_back(OperationDef{"GenerateCredentialReport", false, false,
                             [](const RequestContext&, const json::object&, store::Tx&) {
                               return AuthzRequest{"iam:GenerateCredentialReport", {"*"}, {}};
                             },
                             generate_credential_report});
  ops.push_back(OperationDef{"GetCredentialReport", true, false,
                             [](const RequestContext&, const json::object&, store::Tx&) {
                               return AuthzRequest{"iam:GetCredentialReport", {"*"}, {}};
                             },
                             get_credential_report});
}

}  // namespace citadel::services::iam
