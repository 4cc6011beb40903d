#include "protocol/codec.h"

#include <pugixml.hpp>

#include <cmath>

#include "base/time.h"
#include "base/wire_names.h"
#include "base/uri.h"
#include "base/xml_writer.h"
#include "protocol/cbor.h"
#include "protocol/cbor_shape.h"
#include "protocol/query_decode.h"
#include "protocol/shapes.h"
#include "protocol/xml_shape.h"

namespace citadel::protocol {

namespace {

// ASCII only: header names are ASCII, and std::tolower consults the locale on every call.
bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x + 32);
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y + 32);
    if (x != y) return false;
  }
  return true;
}

bool is_form(const HttpRequest& req) {
  auto ct = req.header("content-type");
  return ct.substr(0, 33) == "application/x-www-form-urlencoded";
}

// Form parameters of a query request: the body for POST, the query string for GET.
std::vector<std::pair<std::string, std::string>> form_params(const HttpRequest& req) {
  auto params = uri::parse_query(req.query, true);
  if (req.method == "POST") {
    auto body = uri::parse_query(req.body, true);
    params.insert(params.end(), body.begin(), body.end());
  }
  return params;
}

std::string_view find_param(const std::vector<std::pair<std::string, std::string>>& p, std::string_view key) {
  for (auto& [k, v] : p)
    if (k == key) return v;
  return {};
}

bool match_path(const Operation& op, std::string_view path, json::object* labels) {
  // Split the request path into decoded segments and match them against the template.
  std::vector<std::string> segs;
  size_t i = 1;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    segs.push_back(uri::decode(path.substr(i, j - i)));
    i = j + 1;
  }
  if (!segs.empty() && segs.back().empty() && segs.size() > 1) segs.pop_back();
  size_t k = 0;
  for (size_t s = 0; s < op.path.size(); ++s) {
    const auto& t = op.path[s];
    if (t.greedy) {
      if (k >= segs.size()) return false;
      std::string rest;
      for (; k < segs.size(); ++k) rest += (rest.empty() ? "" : "/") + segs[k];
      if (labels) (*labels)[t.label] = rest;
      return s + 1 == op.path.size();
    }
    if (k >= segs.size()) return false;
    if (t.label.empty()) {
      if (t.literal != segs[k]) return false;
    } else {
      if (segs[k].empty()) return false;
      if (labels) (*labels)[t.label] = segs[k];
    }
    ++k;
  }
  return k == segs.size();
}

json::value to_json_output(const ServiceModel& svc, const json::object* shape, const json::value& v) {
  auto t = shapes::type_of(shape);
  if (t == "timestamp" && v.is_number()) {
    auto fmt = shapes::str_field(*shape, "timestampFormat");
    int64_t ms = v.to_number<int64_t>();
    if (fmt == "iso8601") return json::value(timeutil::iso8601(ms, true));
    if (ms % 1000 == 0) return json::value(ms / 1000);
    return json::value(static_cast<double>(ms) / 1000.0);
  }
  if (t == "structure" && v.is_object()) {
    json::object out;
    const auto* members = shape->if_contains("members");
    for (auto& [k, mv] : v.as_object()) {
      const json::value* ref = members ? members->as_object().if_contains(k) : nullptr;
      if (ref && !shapes::str_field(ref->as_object(), "location").empty()) continue;
      out.emplace(k, ref ? to_json_output(svc, shapes::resolve(svc, *ref), mv) : mv);
    }
    return out;
  }
  if (t == "list" && v.is_array()) {
    json::array out;
    const auto* item = shapes::resolve(svc, shape->at("member"));
    for (auto& e : v.as_array()) out.push_back(to_json_output(svc, item, e));
    return out;
  }
  if (t == "map" && v.is_object()) {
    json::object out;
    const auto* val = shapes::resolve(svc, shape->at("value"));
    for (auto& [k, e] : v.as_object()) out.emplace(k, to_json_output(svc, val, e));
    return out;
  }
  return v;
}

std::string_view json_content_type(const ServiceModel* svc) {
  if (svc && svc->json_version == "1.0") return "application/x-amz-json-1.0";
  return "application/x-amz-json-1.1";
}

Result<json::value> xml_to_value(const ServiceModel& svc, const json::object* shape, const pugi::xml_node& node);

Result<json::value> xml_struct(const ServiceModel& svc, const json::object* shape, const pugi::xml_node& node) {
  json::object out;
  const auto* members = shape ? shape->if_contains("members") : nullptr;
  if (!members) return json::value(std::move(out));
  for (auto& [k, ref] : members->as_object()) {
    const auto& r = ref.as_object();
    if (!shapes::str_field(r, "location").empty()) continue;
    std::string name = shapes::wire_name(r, k);
    const auto* ms = shapes::resolve(svc, ref);
    if (shapes::type_of(ms) == "list" && shapes::flag(*ms, "flattened")) {
      json::array items;
      for (auto child : node.children(name.c_str())) {
        auto v = xml_to_value(svc, shapes::resolve(svc, ms->at("member")), child);
        if (!v) return v;
        items.push_back(std::move(v.value()));
      }
      if (!items.empty()) out.emplace(k, std::move(items));
      continue;
    }
    auto child = node.child(name.c_str());
    if (!child) continue;
    auto v = xml_to_value(svc, ms, child);
    if (!v) return v;
    out.emplace(k, std::move(v.value()));
  }
  return json::value(std::move(out));
}

Result<json::value> xml_to_value(const ServiceModel& svc, const json::object* shape, const pugi::xml_node& node) {
  auto t = shapes::type_of(shape);
  if (t == "structure") return xml_struct(svc, shape, node);
  if (t == "list") {
    json::array items;
    for (auto child : node.children()) {
      if (child.type() != pugi::node_element) continue;
      auto v = xml_to_value(svc, shapes::resolve(svc, shape->at("member")), child);
      if (!v) return v;
      items.push_back(std::move(v.value()));
    }
    return json::value(std::move(items));
  }
  if (t == "map") {
    json::object out;
    for (auto entry : node.children("entry")) {
      auto v = xml_to_value(svc, shapes::resolve(svc, shape->at("value")), entry.child("value"));
      if (!v) return v;
      out[entry.child_value("key")] = std::move(v.value());
    }
    return json::value(std::move(out));
  }
  auto v = shapes::scalar_from_text(shape, node.child_value());
  if (!v) return AwsError::sender("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema", 400);
  return std::move(*v);
}

Result<json::object> decode_rest(const HttpRequest& req, const Route& r) {
  const auto& svc = *r.service;
  const auto& op = *r.operation;
  const auto* shape = svc.shape(op.input_shape);
  json::object in;
  json::object labels;
  match_path(op, req.path, &labels);
  auto query = uri::parse_query(req.query);
  const auto* members = shape ? shape->if_contains("members") : nullptr;
  const json::value* payload_ref = nullptr;
  std::string payload_name(shape ? shapes::str_field(*shape, "payload") : "");
  if (members) {
    for (auto& [k, ref] : members->as_object()) {
      const auto& m = ref.as_object();
      auto loc = shapes::str_field(m, "location");
      std::string name = shapes::wire_name(m, k);
      const auto* ms = shapes::resolve(svc, ref);
      if (k == payload_name) payload_ref = &ref;
      if (loc == "uri") {
        if (auto* l = labels.if_contains(name)) {
          auto v = shapes::scalar_from_text(ms, l->as_string());
          if (v) in.emplace(k, std::move(*v));
        }
      } else if (loc == "querystring") {
        if (shapes::type_of(ms) == "list") {
          json::array items;
          for (auto& [qk, qv] : query)
            if (qk == name) items.push_back(json::string(qv));
          if (!items.empty()) in.emplace(k, std::move(items));
        } else if (shapes::type_of(ms) == "map") {
          json::object all;
          for (auto& [qk, qv] : query) all[qk] = qv;
          in.emplace(k, std::move(all));
        } else {
          for (auto& [qk, qv] : query)
            if (qk == name) {
              auto v = shapes::scalar_from_text(ms, qv);
              if (!v) return AwsError::sender(r.wire == Wire::RestXml ? "InvalidArgument" : "ValidationException", "Invalid value for query parameter " + name, 400);
              in.emplace(k, std::move(*v));
              break;
            }
        }
      } else if (loc == "header") {
        auto hv = req.header(name);
        if (!hv.empty()) {
          auto v = shapes::scalar_from_text(ms, hv);
          if (v) in.emplace(k, std::move(*v));
        }
      } else if (loc == "headers") {
        json::object all;
        for (auto& [hk, hv] : req.headers)
          if (hk.size() >= name.size() && iequals(hk.substr(0, name.size()), name))
            all[std::string(hk.substr(name.size()))] = std::string(hv);
        if (!all.empty()) in.emplace(k, std::move(all));
      }
    }
  }
  if (req.body.empty()) return in;
  // The body is the payload member (blob/string raw, structure serialised), or the remaining members.
  if (payload_ref) {
    const auto* ps = shapes::resolve(svc, *payload_ref);
    auto pt = shapes::type_of(ps);
    if (pt == "blob" || pt == "string") {
      in[payload_name] = std::string(req.body);
      return in;
    }
    shape = ps;
  }
  json::object body;
  if (r.wire == Wire::RestJson) {
    boost::system::error_code ec;
    auto v = json::parse(req.body, ec);
    if (ec || !v.is_object()) return AwsError::sender("SerializationException", "Unable to parse the request body as JSON", 400);
    if (auto s = shapes::normalize_json_input(svc, shape, v, ""); !s) return s.error();
    body = std::move(v.as_object());
  } else {
    pugi::xml_document doc;
    if (!doc.load_buffer(req.body.data(), req.body.size()) || !doc.document_element())
      return AwsError::sender("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema", 400);
    auto v = xml_struct(svc, shape, doc.document_element());
    if (!v) return v.error();
    body = std::move(v.value().as_object());
  }
  if (payload_ref) {
    in[payload_name] = std::move(body);
  } else {
    for (auto& [k, v] : body) in[k] = std::move(v);
  }
  return in;
}

Result<Route> route_rpc_v2(const HttpRequest& req, std::string_view scope_service, Route& r) {
  const auto& models = Models::instance();
  r.wire = Wire::RpcV2Cbor;
  r.service = models.by_signing_name(scope_service);
  constexpr std::string_view kService = "/service/", kOperation = "/operation/";
  std::string_view path = req.path;
  auto op_at = path.find(kOperation);
  if (path.substr(0, kService.size()) != kService || op_at == std::string_view::npos)
    return AwsError::sender("UnknownOperationException", "The request path does not name a service and an operation.", 404);
  std::string_view name = path.substr(kService.size(), op_at - kService.size());
  r.operation_name = path.substr(op_at + kOperation.size());
  if (const auto* named = models.by_target_prefix(name)) r.service = named;
  if (!r.service || !r.service->speaks(Wire::RpcV2Cbor) || (r.service->target_prefix != name))
    return AwsError::sender("UnknownOperationException", "The request names no known service: " + std::string(name), 404);
  if (req.method != "POST") return AwsError::sender("UnknownOperationException", "RPC v2 requests are POSTs.", 404);
  auto it = r.service->operations.find(r.operation_name);
  if (it == r.service->operations.end())
    return AwsError::sender("UnknownOperationException", "The operation " + r.operation_name + " is not known.", 404);
  r.operation = &it->second;
  return r;
}

}  // namespace

std::string_view HttpRequest::header(std::string_view name) const {
  for (auto& [k, v] : headers)
    if (iequals(k, name)) return v;
  return {};
}

Result<Route> route(const HttpRequest& req, std::string_view scope_service, Route& r) {
  const auto& models = Models::instance();
  r = Route{};
  // 0. Smithy RPC v2 CBOR: "POST /service/<service>/operation/<Operation>" with the
  //    smithy-protocol header; botocore names the service by the model's targetPrefix.
  if (req.header("smithy-protocol") == "rpc-v2-cbor") return route_rpc_v2(req, scope_service, r);
  // 1. JSON protocols name the operation in X-Amz-Target: "<targetPrefix>.<Operation>".
  if (auto target = req.header("x-amz-target"); !target.empty()) {
    r.wire = Wire::Json;
    auto dot = target.rfind('.');
    std::string_view prefix = dot == std::string_view::npos ? target : target.substr(0, dot);
    r.operation_name = dot == std::string_view::npos ? "" : std::string(target.substr(dot + 1));
    r.service = models.by_target_prefix(prefix);
    if (!r.service) r.service = models.by_signing_name(scope_service);
    if (!r.service || r.service->target_prefix != prefix)
      return AwsError::sender("UnknownOperationException", "", 400);
    auto it = r.service->operations.find(r.operation_name);
    if (it == r.service->operations.end()) return AwsError::sender("UnknownOperationException", "", 400);
    r.operation = &it->second;
    return r;
  }
  const ServiceModel* svc = models.by_signing_name(scope_service);
  // 2. Query and EC2: an Action parameter in a form body or a GET query string.
  if ((req.method == "POST" && is_form(req)) || (req.method == "GET" && req.query.find("Action=") != std::string_view::npos &&
                                                 (!svc || svc->speaks(Wire::Query) || svc->speaks(Wire::Ec2)))) {
    r.service = svc;
    r.wire = svc && svc->speaks(Wire::Ec2) ? Wire::Ec2 : Wire::Query;
    auto params = form_params(req);
    r.operation_name = find_param(params, "Action");
    if (!svc) return AwsError::sender("InvalidAction", "The action or operation requested is invalid. Verify that the action is typed correctly.", 400);
    auto it = svc->operations.find(r.operation_name);
    if (r.operation_name.empty() || it == svc->operations.end())
      return AwsError::sender("InvalidAction", "Could not find operation " + r.operation_name + " for version " + svc->api_version, 400);
    r.operation = &it->second;
    return r;
  }
  // 3. REST: the method and path within the signing service.
  if (svc && svc->id == "s3" && is_s3_control_path(req.path)) svc = models.by_signing_name("s3-control");
  r.service = svc;
  r.wire = svc && svc->speaks(Wire::RestXml) ? Wire::RestXml : Wire::RestJson;
  if (!svc) return AwsError::sender("UnknownOperationException", "The request does not name a known service or operation.", 404);
  auto query = uri::parse_query(req.query);
  const Operation* best = nullptr;
  size_t best_score = 0;
  for (auto& [name, op] : svc->operations) {
    if (op.http_method != req.method || !match_path(op, req.path, nullptr)) continue;
    auto has_query = [&](std::string_view key, std::string_view value) {
      for (auto& [qk, qv] : query)
        if (qk == key && (value.empty() || qv == value)) return true;
      return false;
    };
    bool fixed_ok = true;
    size_t score = 1;
    for (auto& [fk, fv] : op.fixed_query) {
      // "x-id=GetObject" only disambiguates for SDKs; other clients (curl, presigned URLs) omit it.
      if (fk == "x-id" && !has_query(fk, "")) continue;
      fixed_ok = fixed_ok && has_query(fk, fv);
      score += 100;
    }
    // An operation whose input requires a query parameter or a header the request lacks is not
    // this one (S3's ListParts needs uploadId, CopyObject and UploadPartCopy x-amz-copy-source).
    if (const auto* in = svc->shape(op.input_shape); in && fixed_ok) {
      const auto* required = in->if_contains("required");
      const auto* members = in->if_contains("members");
      if (required && members)
        for (auto& r : required->as_array()) {
          const auto* m = members->as_object().if_contains(r.as_string());
          if (!m) continue;
          auto loc = shapes::str_field(m->as_object(), "location");
          std::string wire = shapes::wire_name(m->as_object(), r.as_string());
          if (loc == "querystring") {
            if (!has_query(wire, "")) fixed_ok = false;
            else score += 100;
          } else if (loc == "header") {
            if (req.header(wire).empty()) fixed_ok = false;
            else score += 100;
          }
        }
    }
    if (!fixed_ok) continue;
    // Prefer the most specific template: more literal segments and more fixed query keys.
    for (auto& s : op.path) score += s.label.empty() ? 10 : 1;
    if (score > best_score) {
      best = &op;
      best_score = score;
    }
  }
  if (!best) return AwsError::sender("UnknownOperationException", "No operation of " + svc->id + " matches " + std::string(req.method) + " " + std::string(req.path), 404);
  r.operation = best;
  r.operation_name = best->name;
  return r;
}

Result<json::object> decode_input(const HttpRequest& req, const Route& r) {
  const auto& svc = *r.service;
  const auto* shape = svc.shape(r.operation->input_shape);
  json::object in;
  switch (r.wire) {
    case Wire::Query:
    case Wire::Ec2: {
      auto d = decode_query_input(svc, *r.operation, form_params(req), r.wire);
      if (!d) return d.error();
      in = std::move(d.value());
      break;
    }
    case Wire::Json: {
      if (!req.body.empty()) {
        boost::system::error_code ec;
        auto v = json::parse(req.body, ec);
        if (ec || !v.is_object())
          return AwsError::sender("SerializationException", "Start of structure or map found where not expected.", 400);
        if (auto s = shapes::normalize_json_input(svc, shape, v, ""); !s) return s.error();
        in = std::move(v.as_object());
      }
      break;
    }
    case Wire::RpcV2Cbor: {
      if (!req.body.empty()) {
        auto v = cbor::decode(req.body);
        if (!v) return v.error();
        if (!v->is_object())
          return AwsError::sender("SerializationException", "The request body is not a CBOR map.", 400);
        if (auto s = shapes::normalize_json_input(svc, shape, *v, ""); !s) return s.error();
        in = std::move(v->as_object());
      }
      break;
    }
    case Wire::RestJson:
    case Wire::RestXml: {
      auto d = decode_rest(req, r);
      if (!d) return d.error();
      in = std::move(d.value());
      break;
    }
  }
  // Each protocol family words invalid input its own way; S3 (rest-xml) says InvalidArgument.
  std::string_view code = (r.wire == Wire::Query || r.wire == Wire::Ec2) ? "ValidationError"
                          : r.wire == Wire::RestXml                      ? "InvalidArgument"
                                                                         : "ValidationException";
  if (r.service->query_compatible && (r.wire == Wire::Json || r.wire == Wire::RpcV2Cbor)) code = "ValidationError";
  if (shape)
    if (auto s = shapes::validate(svc, shape, in, code); !s) return s.error();
  return in;
}

HttpResponse encode_output(const Route& r, const json::value& output, std::string_view request_id) {
  const auto& svc = *r.service;
  const auto& op = *r.operation;
  const auto* shape = svc.shape(op.output_shape);
  HttpResponse res;
  res.status = op.success_code;
  switch (r.wire) {
    case Wire::Query:
    case Wire::Ec2: {
      XmlWriter w;
      w.declaration();
      std::string root = op.name + "Response";
      w.open(root, svc.xml_namespace);
      if (r.wire == Wire::Ec2) {
        w.element("requestId", request_id);
        write_members_xml(w, svc, shape, output, r.wire);
      } else {
        if (shape) {
          std::string wrapper = op.result_wrapper.empty() ? op.name + "Result" : op.result_wrapper;
          w.open(wrapper);
          write_members_xml(w, svc, shape, output, r.wire);
          w.close(wrapper);
        }
        w.open("ResponseMetadata");
        w.element("RequestId", request_id);
        w.close("ResponseMetadata");
      }
      w.close(root);
      res.content_type = "text/xml";
      res.body = std::move(w.str());
      res.headers.emplace_back("x-amzn-RequestId", std::string(request_id));
      return res;
    }
    case Wire::Json:
      res.content_type = json_content_type(&svc);
      res.body = json::serialize(shape ? to_json_output(svc, shape, output) : json::value(json::object()));
      res.headers.emplace_back("x-amzn-RequestId", std::string(request_id));
      return res;
    case Wire::RpcV2Cbor: {
      cbor::Writer w;
      if (shape) write_value_cbor(w, svc, shape, output.is_object() ? output : json::value(json::object()));
      else w.map(0);
      res.content_type = "application/cbor";
      res.body = w.take();
      res.headers.emplace_back("smithy-protocol", "rpc-v2-cbor");
      res.headers.emplace_back("x-amzn-RequestId", std::string(request_id));
      return res;
    }
    case Wire::RestJson:
    case Wire::RestXml: {
      res.headers.emplace_back(r.wire == Wire::RestXml ? "x-amz-request-id" : "x-amzn-RequestId", std::string(request_id));
      if (const auto* status = output.is_object() ? output.as_object().if_contains(kHttpStatus) : nullptr; status && status->is_number())
        res.status = status->to_number<int>();
      const auto* members = shape ? shape->if_contains("members") : nullptr;
      std::string payload(shape ? shapes::str_field(*shape, "payload") : "");
      if (members && output.is_object()) {
        for (auto& [k, ref] : members->as_object()) {
          const auto* mv = output.as_object().if_contains(k);
          if (!mv || mv->is_null()) continue;
          auto loc = shapes::str_field(ref.as_object(), "location");
          const auto* ms = shapes::resolve(svc, ref);
          if (loc == "header" && shapes::type_of(ms) == "timestamp" && mv->is_number())
            res.headers.emplace_back(shapes::wire_name(ref.as_object(), k), timeutil::http_date(mv->to_number<int64_t>()));
          else if (loc == "header")
            res.headers.emplace_back(shapes::wire_name(ref.as_object(), k), mv->is_string() ? std::string(mv->as_string()) : json::serialize(*mv));
          else if (loc == "headers" && mv->is_object())
            for (auto& [hk, hv] : mv->as_object())
              res.headers.emplace_back(shapes::wire_name(ref.as_object(), k) + std::string(hk), hv.is_string() ? std::string(hv.as_string()) : json::serialize(hv));
          else if (loc == "statusCode" && mv->is_number())
            res.status = mv->to_number<int>();
        }
      }
      if (!payload.empty()) {
        const auto* pv = output.is_object() ? output.as_object().if_contains(payload) : nullptr;
        const auto* ps = shapes::resolve(svc, members->at(payload));
        if (pv && pv->is_string()) {
          res.body = std::string(pv->as_string());
          res.content_type = "application/octet-stream";
        } else if (pv) {
          if (r.wire == Wire::RestJson) {
            res.body = json::serialize(to_json_output(svc, ps, *pv));
            res.content_type = "application/json";
          } else {
            XmlWriter w;
            w.declaration();
            std::string name = shapes::wire_name(members->at(payload).as_object(), payload);
            w.open(name, svc.xml_namespace);
            write_members_xml(w, svc, ps, *pv, r.wire);
            w.close(name);
            res.body = std::move(w.str());
            res.content_type = "application/xml";
          }
        }
        return res;
      }
      if (res.status == 204 || res.status == 304) return res;  // no content, by definition
      if (r.wire == Wire::RestJson) {
        res.content_type = "application/json";
        res.body = json::serialize(shape ? to_json_output(svc, shape, output) : json::value(json::object()));
      } else if (shape) {
        XmlWriter w;
        w.declaration();
        auto name = shapes::str_field(*shape, "locationName");
        std::string root(name.empty() ? op.output_shape : name);
        w.open(root, svc.xml_namespace);
        write_members_xml(w, svc, shape, output, r.wire);
        w.close(root);
        res.content_type = "application/xml";
        res.body = std::move(w.str());
      }
      return res;
    }
  }
  return res;
}

HttpResponse encode_error(const Route& r, const AwsError& e, std::string_view request_id) {
  HttpResponse res;
  res.status = e.http_status;
  switch (r.wire) {
    case Wire::Query: {
      XmlWriter w;
      w.declaration();
      w.open("ErrorResponse", r.service ? std::string_view(r.service->xml_namespace) : std::string_view());
      w.open("Error");
      w.element("Type", e.sender_fault ? "Sender" : "Receiver");
      w.element("Code", e.code);
      w.element("Message", e.message);
      for (auto& [k, v] : e.fields) w.element(k, v);
      w.close("Error");
      w.element("RequestId", request_id);
      w.close("ErrorResponse");
      res.content_type = "text/xml";
      res.body = std::move(w.str());
      res.headers.emplace_back("x-amzn-RequestId", std::string(request_id));
      break;
    }
    case Wire::Ec2: {
      XmlWriter w;
      w.declaration();
      w.open("Response");
      w.open("Errors");
      w.open("Error");
      w.element("Code", e.code);
      w.element("Message", e.message);
      w.close("Error");
      w.close("Errors");
      w.element("RequestID", request_id);
      w.close("Response");
      res.content_type = "text/xml";
      res.body = std::move(w.str());
      break;
    }
    case Wire::Json: {
      json::object body{{"__type", e.code}, {"message", e.message}};
      for (auto& [k, v] : e.fields) body[k] = v;
      res.content_type = json_content_type(r.service);
      res.body = json::serialize(body);
      res.headers.emplace_back("x-amzn-RequestId", std::string(request_id));
      if (r.service && r.service->query_compatible)
        res.headers.emplace_back("x-amzn-query-error", e.code + (e.sender_fault ? ";Sender" : ";Receiver"));
      break;
    }
    case Wire::RpcV2Cbor: {
      json::object body{{"__type", e.code}, {"message", e.message}};
      for (auto& [k, v] : e.fields) body[k] = v;
      res.content_type = "application/cbor";
      res.body = cbor::encode(body);
      res.headers.emplace_back("smithy-protocol", "rpc-v2-cbor");
      res.headers.emplace_back("x-amzn-RequestId", std::string(request_id));
      if (r.service && r.service->query_compatible)
        res.headers.emplace_back("x-amzn-query-error", e.code + (e.sender_fault ? ";Sender" : ";Receiver"));
      break;
    }
    case Wire::RestJson: {
      json::object body{{"__type", e.code}, {"message", e.message}, {"Message", e.message}};
      for (auto& [k, v] : e.fields) body[k] = v;
      res.content_type = "application/json";
      res.body = json::serialize(body);
      res.headers.emplace_back("x-amzn-ErrorType", e.code);
      res.headers.emplace_back("x-amzn-RequestId", std::string(request_id));
      break;
    }
    case Wire::RestXml: {
      XmlWriter w;
      w.declaration();
      w.open("Error");
      w.element("Code", e.code);
      w.element("Message", e.message);
      w.element("RequestId", request_id);
      w.close("Error");
      res.content_type = "application/xml";
      res.body = std::move(w.str());
      res.headers.emplace_back("x-amz-request-id", std::string(request_id));
      break;
    }
  }
  return res;
}

}  // namespace citadel::protocol
