// CreateFlowLogs, DescribeFlowLogs and DeleteFlowLogs on VPCs, subnets and network interfaces,
// delivering to CloudWatch Logs or S3 (flow_log_delivery.h).
#include "services/ec2/flow_logs.h"

#include "services/ec2/flow_log_format.h"
#include "services/ec2/flow_records.h"
#include "services/logs/log_delivery.h"
#include "services/s3/s3_common.h"

namespace citadel::services::ec2 {

namespace {

AwsError invalid_parameter(const std::string& message) { return ec2_error("InvalidParameter", message); }

// The resource kind (also its ARN's type), id prefix, not-found code and noun of each ResourceType
// Citadel has.
struct WatchedType {
  const char* resource_type;
  const char* kind;
  const char* prefix;
  const char* code;
  const char* noun;
};
constexpr WatchedType kWatched[] = {{"VPC", "vpc", "vpc", "InvalidVpcID", "vpc"},
                                    {"Subnet", "subnet", "subnet", "InvalidSubnetID", "subnet"},
                                    {"NetworkInterface", "network-interface", "eni", "InvalidNetworkInterfaceID", "networkInterface"}};

const WatchedType* watched(const std::string& resource_type) {
  for (const auto& w : kWatched)
    if (resource_type == w.resource_type) return &w;
  return nullptr;
}

Status check_resource(Call& call, const WatchedType& w, const std::string& id) {
  if (!well_formed(id, w.prefix)) return ec2_error(std::string(w.code) + ".Malformed", "Invalid id: \"" + id + "\"");
  auto r = load(call.tx, call.account(), call.ctx.region, id);
  if (!r) return r.error();
  if (!*r || (*r)->kind != w.kind) return not_found_ids(std::string(w.code) + ".NotFound", w.noun, {id});
  return Ok{};
}

// Where a new flow log delivers: LogDestinationType, LogDestination (an ARN), LogGroupName and
// DeliverLogsPermissionArn as DescribeFlowLogs shows them, checked as CreateFlowLogs checks them.
struct Destination {
  std::string type, arn, group, role;
  json::object options;  // S3's DestinationOptions
};

Result<Destination> cloud_watch_destination(Call& call) {
  Destination d{"cloud-watch-logs", call.str("LogDestination"), call.str("LogGroupName"), call.str("DeliverLogsPermissionArn"), {}};
  if (!d.arn.empty() && !d.group.empty()) return invalid_parameter("Please only provide LogGroupName or only provide LogDestination.");
  if (d.arn.empty() && d.group.empty()) return invalid_parameter("LogDestination can't be empty if LogGroupName is not provided.");
  std::string group_prefix = "arn:aws:logs:" + call.ctx.region + ":" + call.account() + ":log-group:";
  if (!d.arn.empty()) {
    // A log group ARN of the caller's account and region, without the ":*" of DescribeLogGroups' arn.
    if (d.arn.rfind(group_prefix, 0) != 0 || d.arn.size() == group_prefix.size() || d.arn.find(':', group_prefix.size()) != std::string::npos)
      return invalid_parameter("LogDestination: " + d.arn + " is not a valid CloudWatch Logs log group ARN of this account and region.");
    d.group = d.arn.substr(group_prefix.size());
  }
  if (auto s = logs::check_group_name(d.group); !s) return invalid_parameter("LogGroupName " + d.group + " is not a valid log group name.");
  d.arn = group_prefix + d.group;
  if (d.role.empty()) return invalid_parameter("DeliverLogsPermissionArn can't be empty if LogDestinationType is cloud-watch-logs.");
  return d;
}

Result<Destination> s3_destination(Call& call) {
  Destination d{"s3", call.str("LogDestination"), "", "", {}};
  if (call.has("LogGroupName")) return invalid_parameter("LogDestination type must be cloud-watch-logs if LogGroupName is provided.");
  if (d.arn.empty()) return invalid_parameter("LogDestination can't be empty if LogGroupName is not provided.");
  if (call.has("DeliverLogsPermissionArn")) return invalid_parameter("DeliverLogsPermissionArn is not applicable for s3 delivery");
  if (!parse_s3_destination(d.arn)) return invalid_parameter("LogDestination: " + d.arn + " is not a valid S3 bucket ARN.");
  json::object in;
  if (const auto* o = call.input.if_contains("DestinationOptions"); o && o->is_object()) in = o->as_object();
  if (in.contains("FileFormat") && text(in, "FileFormat") != "plain-text") return AwsError::not_implemented("flow log files in Parquet");
  if (in.contains("HiveCompatiblePartitions") && in.at("HiveCompatiblePartitions") == true)
    return AwsError::not_implemented("Hive-compatible flow log prefixes");
  d.options = json::object{{"FileFormat", "plain-text"},
                           {"HiveCompatiblePartitions", false},
                           {"PerHourPartition", in.contains("PerHourPartition") && in.at("PerHourPartition") == true}};
  return d;
}

Result<json::value> create_flow_logs(Call& call) {
  std::string resource_type = call.str("ResourceType");
  const WatchedType* w = watched(resource_type);
  if (!w) return AwsError::not_implemented("flow logs on " + resource_type + " resources");
  std::string traffic = call.str("TrafficType");
  if (traffic.empty()) return invalid_parameter("TrafficType can't be empty for flow logs on " + resource_type + " resources.");
  std::string dest_type = call.has("LogDestinationType") ? call.str("LogDestinationType") : "cloud-watch-logs";
  if (dest_type == "kinesis-data-firehose") return AwsError::not_implemented("flow logs to Kinesis Data Firehose");
  int64_t interval = call.has("MaxAggregationInterval") ? call.input.at("MaxAggregationInterval").to_number<int64_t>() : 600;
  if (interval != 60 && interval != 600) return invalid_parameter("Invalid Flow Log Max Aggregation Interval");
  std::string format = call.has("LogFormat") ? call.str("LogFormat") : std::string(flowlog::kDefaultFormat);
  if (auto f = flowlog::parse_format(format); !f) return f.error();
  auto dest = dest_type == "s3" ? s3_destination(call) : cloud_watch_destination(call);
  if (!dest) return dest.error();

  auto ids = strings(call.input.if_contains("ResourceIds"));
  for (auto& id : ids)
    if (auto s = check_resource(call, *w, id); !s) return s.error();
  auto existing = load_kind(call.tx, call.account(), call.ctx.region, "vpc-flow-log");
  if (!existing) return existing.error();
  for (auto& fl : *existing)
    for (auto& id : ids)
      if (text(fl.doc, "ResourceId") == id && text(fl.doc, "TrafficType") == traffic && text(fl.doc, "LogDestinationType") == dest->type &&
          text(fl.doc, "LogDestination") == dest->arn)
        return ec2_error("FlowLogAlreadyExists", "Error. There is an existing Flow Log with the same configuration and log destination.");

  // A bucket that does not exist fails each resource's flow log, not the call (as in EC2).
  std::string missing_bucket;
  if (dest->type == "s3") {
    auto bucket = s3::find_bucket(call.tx, parse_s3_destination(dest->arn)->bucket);
    if (!bucket) return bucket.error();
    if (!bucket->has_value()) missing_bucket = parse_s3_destination(dest->arn)->bucket;
  }
  auto seq = last_record_seq(call.tx);
  if (!seq) return seq.error();
  json::array created, unsuccessful;
  json::array tags = spec_tags(call.input, "vpc-flow-log");
  for (auto& id : ids) {
    if (!missing_bucket.empty()) {
      unsuccessful.push_back(json::object{{"Error", json::object{{"Code", "400"}, {"Message", "LogDestination: " + missing_bucket + " does not exist."}}},
                                          {"ResourceId", id}});
      continue;
    }
    Resource fl{new_id("fl"), call.account(), call.ctx.region, "vpc-flow-log", "", "", call.ctx.now_ms, {}};
    fl.doc = json::object{{"FlowLogId", fl.id},
                          {"CreationTime", call.ctx.now_ms},
                          {"DeliverLogsStatus", "SUCCESS"},
                          {"FlowLogStatus", "ACTIVE"},
                          {"ResourceId", id},
                          {"TrafficType", traffic},
                          {"LogDestinationType", dest->type},
                          {"LogDestination", dest->arn},
                          {"LogFormat", format},
                          {"MaxAggregationInterval", interval},
                          {"_ResourceType", resource_type},
                          {"_DeliveredSeq", *seq}};
    if (dest->type == "s3") {
      fl.doc["DestinationOptions"] = dest->options;
    } else {
      fl.doc["LogGroupName"] = dest->group;
      fl.doc["DeliverLogsPermissionArn"] = dest->role;
    }
    if (auto s = save(call.tx, fl); !s) return s.error();
    if (auto s = put_tags(call.tx, call.account(), call.ctx.region, fl.id, tags); !s) return s.error();
    created.push_back(json::value(fl.id));
  }
  json::object out{{"FlowLogIds", std::move(created)}, {"Unsuccessful", std::move(unsuccessful)}};
  if (call.has("ClientToken")) out["ClientToken"] = call.str("ClientToken");
  return out;
}

std::optional<std::vector<std::string>> flow_log_field(const Resource& r, const std::string& name) {
  auto one = [&](const char* m) { return std::optional<std::vector<std::string>>(std::vector<std::string>{text(r.doc, m)}); };
  if (name == "flow-log-id") return std::vector<std::string>{r.id};
  if (name == "deliver-log-status") return one("DeliverLogsStatus");
  if (name == "log-destination-type") return one("LogDestinationType");
  if (name == "log-group-name") return one("LogGroupName");
  if (name == "resource-id") return one("ResourceId");
  if (name == "traffic-type") return one("TrafficType");
  return std::nullopt;
}

// FlowLogIds that do not exist are left out, not an error, as in EC2. Paging: NextToken is the id
// of the first flow log of the next page.
Result<json::value> describe_flow_logs(Call& call) {
  auto all = load_kind(call.tx, call.account(), call.ctx.region, "vpc-flow-log");
  if (!all) return all.error();
  auto tags = all_tags(call.tx, call.account(), call.ctx.region);
  if (!tags) return tags.error();
  auto ids = strings(call.input.if_contains("FlowLogIds"));
  auto fs = filters(call.input, "Filter");
  int64_t max = call.has("MaxResults") ? call.input.at("MaxResults").to_number<int64_t>() : 1000;
  if (max < 1 || max > 1000) return invalid_value("Value (" + std::to_string(max) + ") for parameter maxResults is invalid. Expecting a value between 1 and 1000.");
  std::string token = call.str("NextToken");
  static const Tags none;
  json::array out;
  bool started = token.empty();
  std::string next;
  for (auto& fl : *all) {
    if (!ids.empty() && std::find(ids.begin(), ids.end(), fl.id) == ids.end()) continue;
    auto t = tags->find(fl.id);
    auto m = matches(fs, [&](const std::string& n) { return flow_log_field(fl, n); }, t == tags->end() ? none : t->second);
    if (!m) return m.error();
    if (!*m) continue;
    started = started || fl.id == token;
    if (!started) continue;
    if (static_cast<int64_t>(out.size()) == max) {
      next = fl.id;
      break;
    }
    out.push_back(with_tags(fl, *tags));
  }
  if (!started) return invalid_value("The value of NextToken (" + token + ") is invalid.");
  json::object result{{"FlowLogs", std::move(out)}};
  if (!next.empty()) result["NextToken"] = next;
  return result;
}

Result<json::value> delete_flow_logs(Call& call) {
  json::array unsuccessful;
  for (auto& id : strings(call.input.if_contains("FlowLogIds"))) {
    auto fl = load(call.tx, call.account(), call.ctx.region, id);
    if (!fl) return fl.error();
    if (!*fl || (*fl)->kind != "vpc-flow-log") {
      json::object error{{"Code", "InvalidFlowLogId.NotFound"}, {"Message", "These flow log ids in the input list are not found: [TotalCount: 1] " + id}};
      unsuccessful.push_back(json::object{{"Error", std::move(error)}, {"ResourceId", id}});
      continue;
    }
    if (auto s = remove(call.tx, **fl); !s) return s.error();
  }
  return json::object{{"Unsuccessful", std::move(unsuccessful)}};
}

// CreateFlowLogs is decided on the new flow log (with its request tags) and on each resource it
// watches; a role for CloudWatch Logs is passed to the flow logs service (iam:PassRole).
std::vector<Target> create_targets(const RequestContext& ctx, const json::object& in, store::Tx&) {
  std::vector<Target> t{{arn(ctx.region, ctx.principal->account_id, "vpc-flow-log", "*"), ""}};
  const WatchedType* w = watched(input_str(in, "ResourceType"));
  if (w)
    for (auto& r : id_targets(ctx, in, "ResourceIds", w->kind)) t.push_back(r);
  return t;
}

void create_extra(AuthzRequest& r, const RequestContext& ctx, const json::object& in, store::Tx& tx) {
  add_request_tags(r, ctx, in, tx);
  std::string role = input_str(in, "DeliverLogsPermissionArn");
  if (!role.empty())
    r.also.push_back(AuthzRequest{"iam:PassRole", {role}, json::object{{"iam:PassedToService", std::string(kFlowLogsPrincipal)}}});
}

}  // namespace

std::optional<S3Destination> parse_s3_destination(const std::string& arn) {
  const std::string prefix = "arn:aws:s3:::";
  if (arn.rfind(prefix, 0) != 0 || arn.size() == prefix.size()) return std::nullopt;
  std::string rest = arn.substr(prefix.size());
  size_t slash = rest.find('/');
  S3Destination d{rest.substr(0, slash), slash == std::string::npos ? "" : rest.substr(slash + 1)};
  while (!d.prefix.empty() && d.prefix.back() == '/') d.prefix.pop_back();
  if (d.bucket.empty() || d.bucket.find(':') != std::string::npos) return std::nullopt;
  return d;
}

void add_flow_log_operations(std::vector<OperationDef>& ops) {
  auto flow_log_targets = [](const RequestContext& ctx, const json::object& in, store::Tx&) {
    return id_targets(ctx, in, "FlowLogIds", "vpc-flow-log");
  };
  ops.push_back(ec2_op("CreateFlowLogs", false, create_targets, create_flow_logs, create_extra));
  ops.push_back(ec2_op("DescribeFlowLogs", true, nullptr, describe_flow_logs));
  ops.push_back(ec2_op("DeleteFlowLogs", false, flow_log_targets, delete_flow_logs));
  add_flow_record_operations(ops);
}

}  // namespace citadel::services::ec2
