// PutFlowLogRecords (Citadel's own operation) and the store of submitted flow log records.
#include "services/ec2/flow_records.h"

#include <set>

#include "services/ec2/network_interfaces.h"

namespace citadel::services::ec2 {

namespace {

// Fields a record gets from its interface when it does not carry them itself.
void fill_from_interface(flowlog::Record& r, const Resource& eni) {
  const json::object* attachment = eni.doc.contains("Attachment") ? &eni.doc.at("Attachment").as_object() : nullptr;
  std::pair<const char*, std::string> known[] = {{"account-id", eni.account},
                                                 {"vpc-id", text(eni.doc, "VpcId")},
                                                 {"subnet-id", text(eni.doc, "SubnetId")},
                                                 {"instance-id", attachment ? text(*attachment, "InstanceId") : ""},
                                                 {"region", eni.region},
                                                 {"az-id", text(eni.doc, "AvailabilityZoneId")}};
  for (auto& [name, value] : known)
    if (!r.count(name) && !value.empty()) r[name] = value;
}

Result<flowlog::Fields> input_fields(const json::object& input) {
  std::string format = input_str(input, "LogFormat");
  auto fields = flowlog::parse_format(format.empty() ? std::string(flowlog::kDefaultFormat) : format);
  if (!fields) return fields.error();
  if (std::find(fields->begin(), fields->end(), "interface-id") == fields->end())
    return AwsError::sender("InvalidParameter", "LogFormat must include ${interface-id}: records are delivered by interface.", 400);
  return fields;
}

// The interface a record names (InvalidParameterValue when it names none).
Result<std::string> interface_of(const flowlog::Record& r) {
  auto it = r.find("interface-id");
  if (it == r.end()) return AwsError::sender("InvalidParameterValue", "Every record must name its interface-id.", 400);
  return it->second;
}

Result<json::value> put_flow_log_records(Call& call) {
  auto fields = input_fields(call.input);
  if (!fields) return fields.error();
  std::map<std::string, Resource> interfaces;
  int64_t count = 0;
  for (const auto& line : strings(call.input.if_contains("Records"))) {
    auto record = flowlog::parse_record(line, *fields);
    if (!record) return record.error();
    auto id = interface_of(*record);
    if (!id) return id.error();
    auto known = interfaces.find(*id);
    if (known == interfaces.end()) {
      auto eni = existing_interface(call.tx, call.account(), call.ctx.region, *id);
      if (!eni) return eni.error();
      known = interfaces.emplace(*id, std::move(*eni)).first;
    }
    const Resource& eni = known->second;
    if (auto a = record->find("account-id"); a != record->end() && a->second != call.account())
      return invalid_value("The record's account-id " + a->second + " is not the caller's account.");
    fill_from_interface(*record, eni);
    auto start = record->find("start");
    int64_t event_ms = start == record->end() ? call.ctx.now_ms : std::stoll(start->second.substr(0, 12)) * 1000;
    auto action = record->find("action");
    json::object stored;
    for (auto& [k, v] : *record) stored[k] = v;
    auto w = call.tx.exec("INSERT INTO ec2_flow_records (account_id, region, interface_id, subnet_id, vpc_id, action, event_ms, fields) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                          {call.account(), call.ctx.region, eni.id, text(eni.doc, "SubnetId"), text(eni.doc, "VpcId"),
                           action == record->end() ? std::string("-") : action->second, event_ms, json::serialize(stored)});
    if (!w) return w.error();
    ++count;
  }
  return json::object{{"RecordCount", count}};
}

// Each interface the records name is a resource of the decision (ec2:PutFlowLogRecords on
// network-interface/ID, with its tags); records that do not parse leave it to the handler's error.
std::vector<Target> record_targets(const RequestContext& ctx, const json::object& in, store::Tx&) {
  std::vector<Target> out;
  auto fields = input_fields(in);
  if (!fields) return out;
  std::set<std::string> seen;
  for (const auto& line : strings(in.if_contains("Records"))) {
    auto record = flowlog::parse_record(line, *fields);
    if (!record) continue;
    auto id = interface_of(*record);
    if (id && seen.insert(*id).second)
      out.push_back({arn(ctx.region, ctx.principal->account_id, "network-interface", *id), *id});
  }
  return out;
}

}  // namespace

Result<int64_t> last_record_seq(store::Tx& tx) {
  auto rows = tx.query("SELECT COALESCE(MAX(seq), 0) FROM ec2_flow_records", {});
  if (!rows) return rows.error();
  return rows->front().i64(0);
}

Result<std::vector<StoredRecord>> captured_records(store::Tx& tx, const Capture& c, int64_t after, int64_t upto, int64_t limit) {
  const char* column = c.resource_type == "VPC" ? "vpc_id" : c.resource_type == "Subnet" ? "subnet_id" : "interface_id";
  // ALL takes every action (NODATA and SKIPDATA records have none); ACCEPT and REJECT their own.
  std::string sql = std::string("SELECT seq, interface_id, event_ms, fields FROM ec2_flow_records WHERE account_id = ? AND region = ? "
                                "AND seq > ? AND seq <= ? AND (? = 'ALL' OR action = ?) AND ") + column + " = ? ORDER BY seq LIMIT ?";
  auto rows = tx.query(sql, {c.account, c.region, after, upto, c.traffic_type, c.traffic_type, c.resource_id, limit});
  if (!rows) return rows.error();
  std::vector<StoredRecord> out;
  for (auto& row : *rows) {
    StoredRecord r{row.i64(0), row.str(1), row.i64(2), {}};
    boost::system::error_code ec;
    auto v = json::parse(row.str(3), ec);
    if (!ec && v.is_object())
      for (auto& [k, val] : v.as_object())
        if (val.is_string()) r.fields[std::string(k)] = std::string(val.as_string());
    out.push_back(std::move(r));
  }
  return out;
}

Status drop_records_through(store::Tx& tx, int64_t seq) {
  if (auto w = tx.exec("DELETE FROM ec2_flow_records WHERE seq <= ?", {seq}); !w) return w.error();
  return Ok{};
}

void add_flow_record_operations(std::vector<OperationDef>& ops) {
  ops.push_back(ec2_op("PutFlowLogRecords", false, record_targets, put_flow_log_records));
}

}  // namespace citadel::services::ec2
