#pragma once
// The AWS service models, generated at build time from botocore (tools/gen_models.py) and
// embedded in the binary. Loaded once; everything here is immutable after load.
#include <boost/json.hpp>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace citadel::protocol {

namespace json = boost::json;

enum class Wire { Query, Ec2, Json, RestJson, RestXml, RpcV2Cbor };
std::string_view wire_name(Wire w);

// One segment of a REST request URI template such as "/2017-11-28/detector/{detectorId}".
struct UriSegment {
  std::string literal;  // when not a label
  std::string label;    // member name bound to this segment ("" for literals)
  bool greedy = false;  // {Key+}
};

struct Operation {
  std::string name;
  std::string http_method = "POST";
  std::string request_uri = "/";
  std::vector<UriSegment> path;                                 // parsed from request_uri's path
  std::vector<std::pair<std::string, std::string>> fixed_query; // "?uploads" / "?x-id=GetObject"
  std::string input_shape, output_shape, result_wrapper;
  int success_code = 200;
};

struct ServiceModel {
  std::string id;  // botocore's folder name: "iam", "cloudwatch", ...
  std::string signing_name, endpoint_prefix, target_prefix, api_version, json_version, xml_namespace;
  std::vector<Wire> protocols;  // the wires this service accepts (a model may list several)
  bool query_compatible = false;  // awsQueryCompatible: JSON errors carry the query error code
  std::unordered_map<std::string, Operation> operations;
  const json::object* shapes = nullptr;

  const json::object* shape(std::string_view name) const;
  bool speaks(Wire w) const;
};

class Models {
 public:
  static const Models& instance();
  const ServiceModel* by_id(std::string_view id) const;
  const ServiceModel* by_signing_name(std::string_view name) const;
  const ServiceModel* by_target_prefix(std::string_view prefix) const;
  const std::vector<const ServiceModel*>& all() const { return list_; }

 private:
  Models();
  json::value doc_;
  std::unordered_map<std::string, ServiceModel> services_;
  std::vector<const ServiceModel*> list_;
};

}  // namespace citadel::protocol
