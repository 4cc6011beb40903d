#include "protocol/model.h"

#include <algorithm>

#include "base/uri.h"

// The generated model document, linked in by models_blob.S (.incbin).
extern "C" const char citadel_models_json[];
extern "C" const char citadel_models_json_end[];

namespace citadel::protocol {

std::string_view wire_name(Wire w) {
  switch (w) {
    case Wire::Query: return "query";
    case Wire::Ec2: return "ec2";
    case Wire::Json: return "json";
    case Wire::RestJson: return "rest-json";
    case Wire::RestXml: return "rest-xml";
    case Wire::RpcV2Cbor: return "smithy-rpc-v2-cbor";
  }
  return "?";
}

const json::object* ServiceModel::shape(std::string_view name) const {
  if (!shapes || name.empty()) return nullptr;
  auto it = shapes->find(name);
  return it == shapes->end() ? nullptr : it->value().if_object();
}

bool ServiceModel::speaks(Wire w) const { return std::find(protocols.begin(), protocols.end(), w) != protocols.end(); }

namespace {

std::string str(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || !it->value().is_string()) return {};
  return std::string(it->value().as_string());
}

void parse_uri(Operation& op) {
  std::string_view uri = op.request_uri;
  std::string_view path = uri.substr(0, uri.find('?'));
  if (auto q = uri.find('?'); q != std::string_view::npos)
    for (auto& kv : uri::parse_query(uri.substr(q + 1))) op.fixed_query.push_back(kv);
  size_t i = 1;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    std::string_view seg = path.substr(i, j - i);
    UriSegment s;
    if (seg.size() > 2 && seg.front() == '{' && seg.back() == '}') {
      s.label = seg.substr(1, seg.size() - 2);
      if (!s.label.empty() && s.label.back() == '+') {
        s.greedy = true;
        s.label.pop_back();
      }
    } else {
      s.literal = seg;
    }
    if (!(seg.empty() && j == path.size() && !op.path.empty())) op.path.push_back(std::move(s));
    i = j + 1;
  }
}

}  // namespace

Models::Models() {
  doc_ = json::parse(std::string_view(citadel_models_json,
                                      static_cast<size_t>(citadel_models_json_end - citadel_models_json)));
  for (auto& [id, v] : doc_.as_object()) {
    const auto& svc = v.as_object();
    const auto& md = svc.at("metadata").as_object();
    ServiceModel m;
    m.id = id;
    m.endpoint_prefix = str(md, "endpointPrefix");
    m.signing_name = str(md, "signingName");
    if (m.signing_name.empty()) m.signing_name = m.endpoint_prefix;
    m.target_prefix = str(md, "targetPrefix");
    m.api_version = str(md, "apiVersion");
    m.json_version = str(md, "jsonVersion");
    m.xml_namespace = str(md, "xmlNamespace");
    if (m.xml_namespace.empty())
      m.xml_namespace = "https://" + m.endpoint_prefix + ".amazonaws.com/doc/" + m.api_version + "/";
    m.query_compatible = md.contains("awsQueryCompatible");
    for (auto& p : md.at("protocols").as_array()) {
      std::string_view n = p.as_string();
      if (n == "query") m.protocols.push_back(Wire::Query);
      else if (n == "ec2") m.protocols.push_back(Wire::Ec2);
      else if (n == "json") m.protocols.push_back(Wire::Json);
      else if (n == "rest-json") m.protocols.push_back(Wire::RestJson);
      else if (n == "rest-xml") m.protocols.push_back(Wire::RestXml);
      else if (n == "smithy-rpc-v2-cbor") m.protocols.push_back(Wire::RpcV2Cbor);
    }
    m.shapes = &svc.at("shapes").as_object();
    for (auto& [name, ov] : svc.at("operations").as_object()) {
      const auto& o = ov.as_object();
      Operation op;
      op.name = name;
      if (auto it = o.find("http"); it != o.end()) {
        const auto& h = it->value().as_object();
        if (auto mm = str(h, "method"); !mm.empty()) op.http_method = mm;
        if (auto u = str(h, "requestUri"); !u.empty()) op.request_uri = u;
        if (auto c = h.find("responseCode"); c != h.end()) op.success_code = static_cast<int>(c->value().to_number<int64_t>());
      }
      if (auto it = o.find("input"); it != o.end()) op.input_shape = str(it->value().as_object(), "shape");
      if (auto it = o.find("output"); it != o.end()) {
        op.output_shape = str(it->value().as_object(), "shape");
        op.result_wrapper = str(it->value().as_object(), "resultWrapper");
      }
      parse_uri(op);
      m.operations.emplace(name, std::move(op));
    }
    services_.emplace(id, std::move(m));
  }
  for (auto& [_, m] : services_) list_.push_back(&m);
  std::sort(list_.begin(), list_.end(), [](auto* a, auto* b) { return a->id < b->id; });
}

const Models& Models::instance() {
  static const Models models;
  return models;
}

const ServiceModel* Models::by_id(std::string_view id) const {
  auto it = services_.find(std::string(id));
  return it == services_.end() ? nullptr : &it->second;
}

const ServiceModel* Models::by_signing_name(std::string_view name) const {
  for (auto* m : list_)
    if (m->signing_name == name || m->endpoint_prefix == name) return m;
  return nullptr;
}

const ServiceModel* Models::by_target_prefix(std::string_view prefix) const {
  for (auto* m : list_)
    if (!m->target_prefix.empty() && m->target_prefix == prefix) return m;
  return nullptr;
}

}  // namespace citadel::protocol
