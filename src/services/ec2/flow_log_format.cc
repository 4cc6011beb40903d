#include "services/ec2/flow_log_format.h"

#include <algorithm>
#include <cctype>

namespace citadel::services::ec2::flowlog {

namespace {

struct FieldDef {
  std::string_view name;
  int version;
  bool number;
};

// Every field of VPC flow logs, with the record version that introduced it (AWS's table).
constexpr FieldDef kFields[] = {
    {"version", 2, true},          {"account-id", 2, false},       {"interface-id", 2, false},
    {"srcaddr", 2, false},         {"dstaddr", 2, false},          {"srcport", 2, true},
    {"dstport", 2, true},          {"protocol", 2, true},          {"packets", 2, true},
    {"bytes", 2, true},            {"start", 2, true},             {"end", 2, true},
    {"action", 2, false},          {"log-status", 2, false},       {"vpc-id", 3, false},
    {"subnet-id", 3, false},       {"instance-id", 3, false},      {"tcp-flags", 3, true},
    {"type", 3, false},            {"pkt-srcaddr", 3, false},      {"pkt-dstaddr", 3, false},
    {"region", 4, false},          {"az-id", 4, false},            {"sublocation-type", 4, false},
    {"sublocation-id", 4, false},  {"pkt-src-aws-service", 5, false}, {"pkt-dst-aws-service", 5, false},
    {"flow-direction", 5, false},  {"traffic-path", 5, true},      {"ecs-cluster-arn", 7, false},
    {"ecs-cluster-name", 7, false}, {"ecs-container-instance-arn", 7, false}, {"ecs-container-instance-id", 7, false},
    {"ecs-container-id", 7, false}, {"ecs-second-container-id", 7, false}, {"ecs-service-name", 7, false},
    {"ecs-task-definition-arn", 7, false}, {"ecs-task-arn", 7, false}, {"ecs-task-id", 7, false},
    {"reject-reason", 8, false},
};

const FieldDef* field(std::string_view name) {
  for (const auto& f : kFields)
    if (f.name == name) return &f;
  return nullptr;
}

AwsError invalid_format(const std::string& why) { return AwsError::sender("InvalidParameter", why, 400); }

std::vector<std::string_view> split_spaces(std::string_view s) {
  std::vector<std::string_view> out;
  size_t at = 0;
  while (true) {
    size_t sp = s.find(' ', at);
    out.push_back(s.substr(at, sp == std::string_view::npos ? std::string_view::npos : sp - at));
    if (sp == std::string_view::npos) return out;
    at = sp + 1;
  }
}

bool digits(std::string_view v) {
  return !v.empty() && std::all_of(v.begin(), v.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

}  // namespace

Result<Fields> parse_format(std::string_view format) {
  if (format.empty()) return invalid_format("LogFormat must name at least one field.");
  Fields out;
  for (auto word : split_spaces(format)) {
    if (word.size() < 4 || word.substr(0, 2) != "${" || word.back() != '}')
      return invalid_format("Invalid LogFormat: '" + std::string(word) + "' is not a field written as ${field-name}.");
    std::string name(word.substr(2, word.size() - 3));
    if (!field(name)) return invalid_format("Invalid LogFormat: unknown field ${" + name + "}.");
    if (std::find(out.begin(), out.end(), name) != out.end())
      return invalid_format("Invalid LogFormat: the field ${" + name + "} appears more than once.");
    out.push_back(std::move(name));
  }
  return out;
}

int format_version(const Fields& fields) {
  int v = 2;
  for (const auto& name : fields)
    if (const auto* f = field(name)) v = std::max(v, f->version);
  return v;
}

Result<Record> parse_record(std::string_view line, const Fields& fields) {
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
  auto values = split_spaces(line);
  auto bad = [](const std::string& why) { return AwsError::sender("InvalidParameterValue", why, 400); };
  if (values.size() != fields.size())
    return bad("The record has " + std::to_string(values.size()) + " values where its format has " + std::to_string(fields.size()) +
               " fields: '" + std::string(line) + "'");
  Record r;
  for (size_t i = 0; i < fields.size(); ++i) {
    std::string_view v = values[i];
    if (v == "-") continue;
    const auto* f = field(fields[i]);
    if (f->number && !digits(v)) return bad("The value '" + std::string(v) + "' of field " + fields[i] + " is not a number.");
    if (f->name == "action" && v != "ACCEPT" && v != "REJECT")
      return bad("The value '" + std::string(v) + "' of field action is not ACCEPT or REJECT.");
    if (f->name == "log-status" && v != "OK" && v != "NODATA" && v != "SKIPDATA")
      return bad("The value '" + std::string(v) + "' of field log-status is not OK, NODATA or SKIPDATA.");
    r[fields[i]] = std::string(v);
  }
  return r;
}

std::string render(const Record& record, const Fields& fields) {
  std::string line;
  for (const auto& name : fields) {
    if (!line.empty()) line += ' ';
    if (name == "version") {
      line += std::to_string(format_version(fields));
      continue;
    }
    auto it = record.find(name);
    line += it == record.end() || it->second.empty() ? "-" : it->second;
  }
  return line;
}

std::string header(const Fields& fields) {
  std::string line;
  for (const auto& name : fields) line += (line.empty() ? "" : " ") + name;
  return line;
}

}  // namespace citadel::services::ec2::flowlog
