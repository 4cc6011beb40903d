#include "policy/service_data.h"

#include <algorithm>

#include "policy/text.h"

// The data file is linked in with .incbin so the binary needs no file at run time.
#ifdef CITADEL_POLICY_DATA_FILE
__asm__(
    ".pushsection .rodata\n"
    ".global citadel_policy_service_data_begin\n"
    "citadel_policy_service_data_begin:\n"
    ".incbin \"" CITADEL_POLICY_DATA_FILE "\"\n"
    ".global citadel_policy_service_data_end\n"
    "citadel_policy_service_data_end:\n"
    ".byte 0\n"
    ".popsection\n");
extern "C" const char citadel_policy_service_data_begin[];
extern "C" const char citadel_policy_service_data_end[];
#endif

namespace policy {

std::shared_ptr<const ServiceData> ServiceData::parse(std::string_view text) {
  auto out = std::make_shared<ServiceData>();
  Service* cur = nullptr;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    if (line.size() < 3 || line[1] != ' ') continue;
    const char tag = line[0];
    line.remove_prefix(2);
    if (tag == 'S') {
      cur = &out->services_[to_lower(line)];
      continue;
    }
    if (!cur) continue;
    std::size_t p = 0;
    while (p < line.size()) {
      std::size_t sp = line.find(' ', p);
      if (sp == std::string_view::npos) sp = line.size();
      std::string_view word = line.substr(p, sp - p);
      p = sp + 1;
      if (word.empty()) continue;
      if (tag == 'A') {
        cur->actions.emplace(to_lower(word), std::string(word));
      } else if (tag == 'K') {
        // Key families are written "aws:RequestTag/${TagKey}", "s3:ExistingObjectTag/<key>" or
        // "secretsmanager:ResourceTag/tag-key".
        // A few services write the family placeholder as a literal "tag-key".
        std::size_t d = std::min(word.find("${"), word.find('<'));
        if (d == std::string_view::npos && word.ends_with("/tag-key")) d = word.size() - 7;
        if (d != std::string_view::npos) cur->key_prefixes.push_back(to_lower(word.substr(0, d)));
        else cur->keys.insert(to_lower(word));
      }
    }
  }
  return out;
}

std::shared_ptr<const ServiceData> ServiceData::embedded() {
  static const std::shared_ptr<const ServiceData> data = [] {
#ifdef CITADEL_POLICY_DATA_FILE
    return parse(std::string_view(citadel_policy_service_data_begin,
                                  static_cast<std::size_t>(citadel_policy_service_data_end -
                                                           citadel_policy_service_data_begin)));
#else
    return std::make_shared<const ServiceData>();
#endif
  }();
  return data;
}

const ServiceData::Service* ServiceData::find(std::string_view prefix) const {
  auto it = services_.find(to_lower(prefix));
  return it == services_.end() ? nullptr : &it->second;
}

bool ServiceData::has_service(std::string_view prefix) const { return find(prefix) != nullptr; }

std::vector<std::string> ServiceData::service_prefixes() const {
  std::vector<std::string> out;
  out.reserve(services_.size());
  for (const auto& [prefix, service] : services_) out.push_back(prefix);
  std::sort(out.begin(), out.end());
  return out;
}

bool ServiceData::has_action(std::string_view prefix, std::string_view name) const {
  const Service* s = find(prefix);
  return s && s->actions.count(to_lower(name)) > 0;
}

std::string_view ServiceData::action_name(std::string_view prefix, std::string_view name) const {
  const Service* s = find(prefix);
  if (!s) return {};
  auto it = s->actions.find(to_lower(name));
  return it == s->actions.end() ? std::string_view() : std::string_view(it->second);
}

bool ServiceData::action_glob_matches(std::string_view prefix, std::string_view glob) const {
  const Service* s = find(prefix);
  if (!s) return false;
  const std::string g = to_glob(glob, true);
  for (const auto& kv : s->actions)
    if (glob_match(g, kv.first, false)) return true;
  return false;
}

bool ServiceData::has_condition_key(std::string_view key) const {
  auto colon = key.find(':');
  if (colon == std::string_view::npos) return false;
  const Service* s = find(key.substr(0, colon));
  if (!s) return false;
  const std::string k = to_lower(key);
  if (s->keys.count(k)) return true;
  for (const auto& p : s->key_prefixes)
    if (k.size() > p.size() && k.compare(0, p.size(), p) == 0) return true;
  return false;
}

}  // namespace policy
