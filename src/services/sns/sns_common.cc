#include "services/sns/sns_common.h"

#include <algorithm>
#include <boost/algorithm/string/predicate.hpp>

#include "base/crypto.h"

namespace citadel::services::sns {

AwsError invalid_parameter(const std::string& what) {
  return AwsError::sender("InvalidParameter", "Invalid parameter: " + what, 400);
}
AwsError topic_not_found() { return AwsError::sender("NotFound", "Topic does not exist", 404); }
AwsError subscription_not_found() { return AwsError::sender("NotFound", "Subscription does not exist", 404); }

bool valid_topic_name(std::string_view name) {
  return !name.empty() && name.size() <= 256 && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

std::optional<TopicRef> parse_topic_arn(std::string_view arn) {
  constexpr std::string_view kPrefix = "arn:aws:sns:";
  if (arn.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  arn.remove_prefix(kPrefix.size());
  auto c1 = arn.find(':');
  if (c1 == std::string_view::npos) return std::nullopt;
  auto c2 = arn.find(':', c1 + 1);
  if (c2 == std::string_view::npos) return std::nullopt;
  TopicRef t{std::string(arn.substr(0, c1)), std::string(arn.substr(c1 + 1, c2 - c1 - 1)), std::string(arn.substr(c2 + 1))};
  bool account_ok = t.account.size() == 12 && std::all_of(t.account.begin(), t.account.end(), ::isdigit);
  if (t.region.empty() || !account_ok || !valid_topic_name(t.name)) return std::nullopt;
  return t;
}

std::optional<TopicRef> topic_of_subscription(std::string_view subscription_arn) {
  auto colon = subscription_arn.rfind(':');
  if (colon == std::string_view::npos || colon + 1 == subscription_arn.size()) return std::nullopt;
  return parse_topic_arn(subscription_arn.substr(0, colon));
}

std::string Topic::attribute(std::string_view name) const {
  const auto* v = attributes.if_contains(name);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

Result<Topic> load_topic(store::Tx& tx, const std::string& arn, const std::string& region, const std::string& member) {
  auto ref = parse_topic_arn(arn);
  if (!ref || ref->region != region) return invalid_parameter(member);
  auto rows = tx.query("SELECT attributes, subscriptions_deleted FROM sns_topics WHERE account_id = ? AND region = ? AND name = ?",
                       {ref->account, ref->region, ref->name});
  if (!rows) return rows.error();
  if (rows->empty()) return topic_not_found();
  Topic t{*ref, {}, rows->front().i64(1)};
  boost::system::error_code ec;
  json::value v = json::parse(rows->front().str(0), ec);
  if (!ec && v.is_object()) t.attributes = std::move(v.as_object());
  return t;
}

Status save_topic_attributes(store::Tx& tx, const Topic& t) {
  auto w = tx.exec("UPDATE sns_topics SET attributes = ? WHERE account_id = ? AND region = ? AND name = ?",
                   {json::serialize(t.attributes), t.ref.account, t.ref.region, t.ref.name});
  if (!w) return w.error();
  return Ok{};
}

std::string default_topic_policy(const TopicRef& t) {
  json::array actions;
  for (const char* a : {"SNS:GetTopicAttributes", "SNS:SetTopicAttributes", "SNS:AddPermission", "SNS:RemovePermission",
                        "SNS:DeleteTopic", "SNS:Subscribe", "SNS:ListSubscriptionsByTopic", "SNS:Publish"})
    actions.push_back(json::string(a));
  json::object statement{{"Sid", "__default_statement_ID"},
                         {"Effect", "Allow"},
                         {"Principal", json::object{{"AWS", "*"}}},
                         {"Action", std::move(actions)},
                         {"Resource", t.arn()},
                         {"Condition", json::object{{"StringEquals", json::object{{"AWS:SourceOwner", t.account}}}}}};
  return json::serialize(json::object{{"Version", "2008-10-17"},
                                      {"Id", "__default_policy_ID"},
                                      {"Statement", json::array{std::move(statement)}}});
}

AuthzRequest topic_authz(std::string_view action, const std::string& arn, store::Tx& tx) {
  AuthzRequest a{"sns:" + std::string(action), {arn.empty() ? "*" : arn}, {}};
  auto ref = parse_topic_arn(arn);
  if (!ref) return a;
  auto rows = tx.query("SELECT attributes FROM sns_topics WHERE account_id = ? AND region = ? AND name = ?",
                       {ref->account, ref->region, ref->name});
  if (!rows || rows->empty()) return a;  // no topic: the handler says so, to whoever may ask
  boost::system::error_code ec;
  json::value attrs = json::parse(rows->front().str(0), ec);
  const auto* policy = !ec && attrs.is_object() ? attrs.as_object().if_contains("Policy") : nullptr;
  a.has_resource_policy = true;
  a.resource_policy = policy && policy->is_string() ? std::string(policy->as_string()) : "";
  a.resource_policy_id = arn;
  return a;
}

OperationDef topic_op(const char* name, bool read_only, const char* member, Handler h) {
  return OperationDef{name, read_only, false,
                      [name, member](const RequestContext&, const json::object& in, store::Tx& tx) {
                        return topic_authz(name, input_str(in, member), tx);
                      },
                      std::move(h)};
}

OperationDef account_op(const char* name, bool read_only, Handler h) {
  return OperationDef{name, read_only, false,
                      [name](const RequestContext&, const json::object&, store::Tx&) {
                        return AuthzRequest{"sns:" + std::string(name), {"*"}, {}};
                      },
                      std::move(h)};
}

std::string page_token(const std::string& last_key) { return crypto::base64_encode(last_key); }

Result<std::string> page_after(const Call& call) {
  if (!call.has("NextToken")) return std::string();
  auto raw = crypto::base64_decode(call.str("NextToken"));
  if (!raw || raw->empty()) return invalid_parameter("NextToken");
  return *raw;
}

std::optional<bool> parse_bool(std::string_view text) {
  if (boost::algorithm::iequals(text, "true")) return true;
  if (boost::algorithm::iequals(text, "false")) return false;
  return std::nullopt;
}

}  // namespace citadel::services::sns
