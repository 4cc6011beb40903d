// DescribeAlarmHistory: configuration updates, state updates and actions, newest first unless
// ScanBy says otherwise; items are kept after the alarm is deleted.
#include "services/cloudwatch/alarm_store.h"
#include "services/cloudwatch/cloudwatch_operations.h"

namespace citadel::services::cloudwatch {

namespace {

Result<json::value> describe_alarm_history(Call& call) {
  HistoryQuery q;
  q.account = call.account();
  q.region = call.ctx.region;
  q.name = call.str("AlarmName");
  q.type = call.str("HistoryItemType");
  q.start_ms = integer(call.input, "StartDate").value_or(0);
  q.end_ms = integer(call.input, "EndDate").value_or(INT64_MAX);
  q.ascending = call.str("ScanBy") == "TimestampAscending";
  q.limit = static_cast<size_t>(integer(call.input, "MaxRecords").value_or(100));
  if (auto t = call.str("NextToken"); !t.empty()) {
    auto off = token_offset(t);
    if (!off) return off.error();
    q.offset = *off;
  }
  if (const auto* types = array(call.input, "AlarmTypes"))
    for (const auto& t : *types)
      if (t.is_string()) q.alarm_types.emplace_back(t.as_string());
  auto page = read_history(call.tx, q);
  if (!page) return page.error();
  json::object out{{"AlarmHistoryItems", std::move(page->first)}};
  if (page->second) out["NextToken"] = offset_token(q.offset + q.limit);
  return out;
}

}  // namespace

void add_alarm_history_operations(std::vector<OperationDef>& ops) {
  ops.push_back(cw_op("DescribeAlarmHistory", true, Resource::AlarmsOrAll, describe_alarm_history));
}

}  // namespace citadel::services::cloudwatch
