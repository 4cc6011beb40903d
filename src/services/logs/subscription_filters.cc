#include "services/logs/subscription_filters.h"

#include "services/logs/filter_pattern.h"
#include "services/logs/subscription_message.h"
#include "services/logs/subscription_queue.h"
#include "services/outbound/endpoint_url.h"

namespace citadel::services::logs {

namespace {

constexpr int64_t kMaxFiltersPerGroup = 2;  // AWS's quota, not adjustable

// destinationArn: an http(s) URL is Citadel's HTTP destination; the ARNs of AWS's destinations
// name services that are not built here.
Status check_destination(const std::string& destination) {
  if (outbound::parse_endpoint_url(destination)) return Ok{};
  for (const char* service : {"arn:aws:kinesis:", "arn:aws:firehose:", "arn:aws:lambda:", "arn:aws:logs:"})
    if (destination.rfind(service, 0) == 0)
      return AwsError::not_implemented("Subscription filters delivering to " + destination.substr(8, destination.find(':', 8) - 8) +
                                       " (Citadel delivers to HTTP(S) endpoints: give their URL as destinationArn)");
  return invalid_parameter("Invalid destinationArn: " + destination +
                           ". Citadel delivers subscription filters to an HTTP(S) endpoint given by its URL.");
}

Result<json::value> put_subscription_filter(Call& call) {
  std::string group = call.str("logGroupName"), name = call.str("filterName"), destination = call.str("destinationArn");
  if (auto g = load_group(call, group); !g) return g.error();
  for (const char* unbuilt : {"fieldSelectionCriteria", "emitSystemFields"})
    if (call.has(unbuilt)) return AwsError::not_implemented(std::string("PutSubscriptionFilter with ") + unbuilt);
  if (auto p = FilterPattern::parse(call.str("filterPattern")); !p) return p.error();
  if (auto s = check_destination(destination); !s) return s.error();
  auto others = call.tx.query(
      "SELECT COUNT(*) FROM logs_subscription_filters WHERE account_id = ? AND region = ? AND group_name = ? AND name <> ?",
      {call.account(), call.ctx.region, group, name});
  if (!others) return others.error();
  if (others->front().i64(0) >= kMaxFiltersPerGroup) return AwsError::sender("LimitExceededException", "Resource limit exceeded.", 400);
  auto previous = call.tx.query(
      "SELECT destination FROM logs_subscription_filters WHERE account_id = ? AND region = ? AND group_name = ? AND name = ?",
      {call.account(), call.ctx.region, group, name});
  if (!previous) return previous.error();
  auto w = call.tx.exec(
      "INSERT INTO logs_subscription_filters (account_id, region, group_name, name, pattern, destination, role_arn, distribution, "
      "apply_on_transformed, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
      "ON CONFLICT (account_id, region, group_name, name) DO UPDATE SET pattern = excluded.pattern, "
      "destination = excluded.destination, role_arn = excluded.role_arn, distribution = excluded.distribution, "
      "apply_on_transformed = excluded.apply_on_transformed",
      {call.account(), call.ctx.region, group, name, call.str("filterPattern"), destination, call.str("roleArn"),
       call.has("distribution") ? call.str("distribution") : std::string("ByLogStream"),
       int64_t{call.has("applyOnTransformedLogs") && call.input.at("applyOnTransformedLogs").as_bool()}, call.ctx.now_ms});
  if (!w) return w.error();
  // A new destination gets AWS's health check first.
  if (previous->empty() || previous->front().str(0) != destination) {
    SubscriptionDelivery d{0, 0, call.account(), call.ctx.region, group, name, destination,
                           lambda_event_body(control_message_json(call.ctx.now_ms)), call.ctx.now_ms, 0};
    if (auto s = enqueue_subscription_delivery(call.tx, *call.env.secrets, d); !s) return s.error();
  }
  return json::object{};
}

Result<json::value> delete_subscription_filter(Call& call) {
  std::string group = call.str("logGroupName"), name = call.str("filterName");
  if (auto g = load_group(call, group); !g) return g.error();
  auto d = call.tx.exec("DELETE FROM logs_subscription_filters WHERE account_id = ? AND region = ? AND group_name = ? AND name = ?",
                        {call.account(), call.ctx.region, group, name});
  if (!d) return d.error();
  if (*d == 0) return AwsError::sender("ResourceNotFoundException", "The specified subscription filter does not exist.", 400);
  // What it had queued is not delivered any more.
  auto q = call.tx.exec(
      "DELETE FROM logs_subscription_deliveries WHERE account_id = ? AND region = ? AND group_name = ? AND filter_name = ?",
      {call.account(), call.ctx.region, group, name});
  if (!q) return q.error();
  return json::object{};
}

Result<json::value> describe_subscription_filters(Call& call) {
  std::string group = call.str("logGroupName"), prefix = call.str("filterNamePrefix");
  if (auto g = load_group(call, group); !g) return g.error();
  auto after = page_after(call);
  if (!after) return after.error();
  int64_t limit = page_limit(call);
  auto rows = call.tx.query(
      "SELECT name, pattern, destination, role_arn, distribution, apply_on_transformed, created_ms FROM logs_subscription_filters "
      "WHERE account_id = ? AND region = ? AND group_name = ? AND substr(name, 1, length(?)) = ? AND name > ? ORDER BY name LIMIT ?",
      {call.account(), call.ctx.region, group, prefix, prefix, *after, limit + 1});
  if (!rows) return rows.error();
  json::array filters;
  json::object out;
  for (const auto& r : *rows) {
    if (static_cast<int64_t>(filters.size()) == limit) {
      out["nextToken"] = page_token(rows->at(filters.size() - 1).str(0));
      break;
    }
    json::object f{{"filterName", r.str(0)}, {"logGroupName", group},     {"filterPattern", r.str(1)},
                   {"destinationArn", r.str(2)}, {"distribution", r.str(4)}, {"applyOnTransformedLogs", r.i64(5) != 0},
                   {"creationTime", r.i64(6)}};
    if (!r.str(3).empty()) f["roleArn"] = r.str(3);
    filters.push_back(std::move(f));
  }
  out["subscriptionFilters"] = std::move(filters);
  return out;
}

}  // namespace

std::vector<store::Migration> subscription_filter_migrations() {
  std::vector<store::Migration> m{{"logs/004_subscription_filters", R"sql(
CREATE TABLE logs_subscription_filters (
  account_id           TEXT NOT NULL,
  region               TEXT NOT NULL,
  group_name           TEXT NOT NULL,
  name                 TEXT NOT NULL,
  pattern              TEXT NOT NULL,
  destination          TEXT NOT NULL,
  role_arn             TEXT NOT NULL DEFAULT '',
  distribution         TEXT NOT NULL,
  apply_on_transformed INTEGER NOT NULL DEFAULT 0,
  created_ms           INTEGER NOT NULL,
  PRIMARY KEY (account_id, region, group_name, name)
);
)sql"}};
  for (auto& q : subscription_queue_migrations()) m.push_back(std::move(q));
  return m;
}

void add_subscription_filter_operations(std::vector<OperationDef>& ops) {
  ops.push_back(on_group("PutSubscriptionFilter", false, put_subscription_filter));
  ops.push_back(on_group("DeleteSubscriptionFilter", false, delete_subscription_filter));
  ops.push_back(on_group("DescribeSubscriptionFilters", true, describe_subscription_filters));
}

Status queue_subscription_deliveries(Call& call, const std::string& account, const std::string& region, const std::string& group,
                                     const std::string& stream, const std::vector<StoredEvent>& events, int64_t now_ms) {
  auto rows = call.tx.query("SELECT name, pattern, destination FROM logs_subscription_filters "
                            "WHERE account_id = ? AND region = ? AND group_name = ?",
                            {account, region, group});
  if (!rows) return rows.error();
  for (const auto& r : *rows) {
    auto pattern = FilterPattern::parse(r.str(1));
    if (!pattern) continue;  // stored patterns parsed when they were put
    SubscriptionData data{account, group, stream, {r.str(0)}, {}};
    for (const auto& e : events)
      if (pattern->matches(e.message)) data.events.push_back(e);
    if (data.events.empty()) continue;
    SubscriptionDelivery d{0, 0, account, region, group, r.str(0), r.str(2), lambda_event_body(data_message_json(data)), now_ms, 0};
    if (auto s = enqueue_subscription_delivery(call.tx, *call.env.secrets, d); !s) return s;
  }
  return Ok{};
}

}  // namespace citadel::services::logs
