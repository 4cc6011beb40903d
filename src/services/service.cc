#include "services/service.h"

#include <algorithm>

namespace citadel::services {

std::string input_str(const json::object& input, std::string_view member) {
  const auto* v = input.if_contains(member);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::string Call::str(std::string_view member) const { return input_str(input, member); }

bool Call::has(std::string_view member) const {
  const auto* v = input.if_contains(member);
  return v && !v->is_null();
}

json::object tag_condition_keys(const json::object& input, std::string_view member) {
  json::object keys;
  const auto* v = input.if_contains(member);
  if (!v || !v->is_array()) return keys;
  json::array names;
  for (const auto& t : v->as_array()) {
    if (t.is_string()) {
      names.push_back(t);
    } else if (t.is_object() && t.as_object().contains("Key") && t.as_object().at("Key").is_string()) {
      const auto& o = t.as_object();
      names.push_back(o.at("Key"));
      const auto* value = o.if_contains("Value");
      keys["aws:RequestTag/" + std::string(o.at("Key").as_string())] = value && value->is_string() ? *value : json::value("");
    }
  }
  keys["aws:TagKeys"] = std::move(names);
  return keys;
}

policy::Principal policy_principal(const auth::Principal& p) {
  policy::Principal out;
  out.arn = p.arn;
  out.account = p.account_id;
  out.type = p.type == auth::PrincipalType::Root          ? policy::PrincipalType::Account
             : p.type == auth::PrincipalType::AssumedRole ? policy::PrincipalType::AssumedRole
             : p.type == auth::PrincipalType::Anonymous   ? policy::PrincipalType::Anonymous
                                                          : policy::PrincipalType::User;
  if (p.type == auth::PrincipalType::Anonymous) out.arn = "*";
  out.user_id = p.principal_id;
  out.role_arn = p.role_arn;
  return out;
}

void Registry::add(std::unique_ptr<Service> service) {
  for (auto& op : service->operations()) ops_.emplace(service->id() + "/" + op.name, std::move(op));
  services_.push_back(std::move(service));
}

const Service* Registry::service(std::string_view id) const {
  for (auto& s : services_)
    if (s->id() == id) return s.get();
  return nullptr;
}

const OperationDef* Registry::operation(std::string_view service_id, std::string_view op) const {
  std::string key(service_id);
  key += '/';
  key += op;
  auto it = ops_.find(key);
  return it == ops_.end() ? nullptr : &it->second;
}

std::vector<store::Migration> Registry::migrations() const {
  std::vector<store::Migration> all;
  for (auto& s : services_)
    for (auto& m : s->migrations()) all.push_back(std::move(m));
  return all;
}

std::vector<std::pair<std::string, const OperationDef*>> Registry::operation_list() const {
  std::vector<std::pair<std::string, const OperationDef*>> out;
  for (auto& [key, op] : ops_) out.emplace_back(key.substr(0, key.find('/')), &op);
  std::sort(out.begin(), out.end(), [](auto& a, auto& b) {
    return a.first != b.first ? a.first < b.first : a.second->name < b.second->name;
  });
  return out;
}

std::vector<std::string> Registry::service_ids() const {
  std::vector<std::string> ids;
  for (auto& s : services_) ids.push_back(s->id());
  return ids;
}

}  // namespace citadel::services
