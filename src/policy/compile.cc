// Compiles a parsed Policy into the immutable form evaluate() reads: globs with wildcard
// markers, variables split out, condition operators as op codes, numbers/dates/CIDRs parsed,
// and statements indexed by the service of their actions.
#include <algorithm>
#include <array>

#include <openssl/evp.h>

#include "policy/compiled.h"
#include "policy/text.h"
#include "policy/values.h"

namespace policy {

using detail::Condition;
using detail::CondValue;
using detail::Mode;
using detail::Op;
using detail::Pattern;
using detail::Piece;
using detail::SetOp;

namespace {

Piece literal_piece(std::string text) {
  Piece p;
  p.text = std::move(text);
  return p;
}

// Splits "${key}", "${key, 'default'}" and the escapes ${*} ${?} ${$} out of a pattern.
Pattern compile_pattern(std::string_view text, bool variables, bool wildcards, bool fold) {
  Pattern p;
  p.any = wildcards && text == "*";
  std::string lit;
  auto push_char = [&](char c) {
    if (wildcards && c == '*') lit.push_back(kStar);
    else if (wildcards && c == '?') lit.push_back(kQuestion);
    else lit.push_back(fold ? ascii_lower(c) : c);
  };
  std::size_t i = 0;
  while (i < text.size()) {
    if (variables && text[i] == '$' && i + 1 < text.size() && text[i + 1] == '{') {
      std::size_t close = text.find('}', i + 2);
      if (close != std::string_view::npos) {
        std::string_view inner = text.substr(i + 2, close - i - 2);
        auto trim = [](std::string_view s) {
          while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
          while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
          return s;
        };
        inner = trim(inner);
        if (inner == "*" || inner == "?" || inner == "$") {
          lit.push_back(inner[0]);  // literal, never a wildcard
          i = close + 1;
          continue;
        }
        Piece var;
        var.variable = true;
        std::string_view key = inner;
        if (auto comma = inner.find(','); comma != std::string_view::npos) {
          key = trim(inner.substr(0, comma));
          std::string_view def = trim(inner.substr(comma + 1));
          if (def.size() >= 2 && def.front() == '\'' && def.back() == '\'') def = def.substr(1, def.size() - 2);
          var.has_default = true;
          var.default_value = std::string(def);
        }
        if (!key.empty()) {
          if (!lit.empty()) {
            p.pieces.push_back(literal_piece(std::move(lit)));
            lit.clear();
          }
          var.text = std::string(key);
          var.key_hash = key_fingerprint(var.text);
          p.pieces.push_back(std::move(var));
          p.has_vars = true;
          i = close + 1;
          continue;
        }
      }
    }
    push_char(text[i]);
    ++i;
  }
  if (p.has_vars) {
    if (!lit.empty()) p.pieces.push_back(literal_piece(std::move(lit)));
    p.any = false;
  } else {
    p.text = std::move(lit);
  }
  const std::string& head = p.has_vars ? (p.pieces.front().variable ? std::string() : p.pieces.front().text) : p.text;
  p.prefix = head.substr(0, std::min(head.find(kStar), head.find(kQuestion)));
  // Shapes that need no segment-wise matching: no wildcard at all, or one trailing '*' that lies
  // in the ARN's resource part (after five colons of literal text), where segments cannot shift.
  if (!p.any) {
    std::string markers;  // every literal character, in order
    for (const auto& piece : p.pieces)
      if (!piece.variable) markers += piece.text;
    const std::string& all = p.has_vars ? markers : p.text;
    const std::size_t stars = std::count(all.begin(), all.end(), kStar);
    const std::size_t questions = std::count(all.begin(), all.end(), kQuestion);
    const bool ends_with_star = p.has_vars ? (!p.pieces.back().variable && !p.pieces.back().text.empty() &&
                                              p.pieces.back().text.back() == kStar)
                                           : (!p.text.empty() && p.text.back() == kStar);
    const std::string& lead = p.has_vars ? (p.pieces.front().variable ? std::string() : p.pieces.front().text) : p.text;
    const bool lead_has_arn_head = std::count(lead.begin(), lead.end(), ':') >= 5;
    if (stars == 0 && questions == 0) {
      if (!p.has_vars || lead_has_arn_head) p.shape = Pattern::Shape::Exact;
    } else if (stars == 1 && questions == 0 && ends_with_star) {
      if (p.has_vars ? lead_has_arn_head : std::count(p.prefix.begin(), p.prefix.end(), ':') >= 5)
        p.shape = Pattern::Shape::Prefix;
    }
  }
  return p;
}

struct OpInfo {
  std::string_view name;
  Op op;
  bool negated;
};
constexpr std::array<OpInfo, 27> kOps{{
    {"StringEquals", Op::StringEquals, false},
    {"StringNotEquals", Op::StringEquals, true},
    {"StringEqualsIgnoreCase", Op::StringEqualsIgnoreCase, false},
    {"StringNotEqualsIgnoreCase", Op::StringEqualsIgnoreCase, true},
    {"StringLike", Op::StringLike, false},
    {"StringNotLike", Op::StringLike, true},
    {"NumericEquals", Op::NumericEquals, false},
    {"NumericNotEquals", Op::NumericEquals, true},
    {"NumericLessThan", Op::NumericLessThan, false},
    {"NumericLessThanEquals", Op::NumericLessThanEquals, false},
    {"NumericGreaterThan", Op::NumericGreaterThan, false},
    {"NumericGreaterThanEquals", Op::NumericGreaterThanEquals, false},
    {"DateEquals", Op::DateEquals, false},
    {"DateNotEquals", Op::DateEquals, true},
    {"DateLessThan", Op::DateLessThan, false},
    {"DateLessThanEquals", Op::DateLessThanEquals, false},
    {"DateGreaterThan", Op::DateGreaterThan, false},
    {"DateGreaterThanEquals", Op::DateGreaterThanEquals, false},
    {"Bool", Op::Bool, false},
    {"BinaryEquals", Op::BinaryEquals, false},
    {"IpAddress", Op::IpAddress, false},
    {"NotIpAddress", Op::IpAddress, true},
    {"ArnEquals", Op::Arn, false},
    {"ArnLike", Op::Arn, false},
    {"ArnNotEquals", Op::Arn, true},
    {"ArnNotLike", Op::Arn, true},
    {"Null", Op::Null, false},
}};

Condition compile_condition(const ConditionClause& c, bool variables) {
  Condition out;
  std::string_view base = c.op;
  if (iequals_prefix(base, "ForAnyValue:")) {
    out.set = SetOp::ForAnyValue;
    base.remove_prefix(12);
  } else if (iequals_prefix(base, "ForAllValues:")) {
    out.set = SetOp::ForAllValues;
    base.remove_prefix(13);
  }
  if (base.size() > 8 && iequals(base.substr(base.size() - 8), "IfExists")) {
    out.if_exists = true;
    base.remove_suffix(8);
  }
  for (const auto& info : kOps)
    if (iequals(info.name, base)) {
      out.op = info.op;
      out.negated = info.negated;
      break;
    }
  out.key = c.key;
  out.key_hash = key_fingerprint(out.key);
  for (const auto& v : c.values) {
    CondValue cv;
    switch (out.op) {
      case Op::StringEquals:
      case Op::StringEqualsIgnoreCase:
        cv.pattern = compile_pattern(v, variables, false, false);
        break;
      case Op::StringLike:
      case Op::Arn:
        cv.pattern = compile_pattern(v, variables, true, false);
        break;
      case Op::BinaryEquals:
        cv.pattern = compile_pattern(v, false, false, false);
        break;
      case Op::NumericEquals:
      case Op::NumericLessThan:
      case Op::NumericLessThanEquals:
      case Op::NumericGreaterThan:
      case Op::NumericGreaterThanEquals:
        cv.valid = parse_number(v, &cv.number);
        break;
      case Op::DateEquals:
      case Op::DateLessThan:
      case Op::DateLessThanEquals:
      case Op::DateGreaterThan:
      case Op::DateGreaterThanEquals:
        cv.valid = parse_date_ms(v, &cv.date_ms);
        break;
      case Op::Bool:
      case Op::Null:
        cv.truth = iequals(v, "true");
        cv.valid = cv.truth || iequals(v, "false");
        break;
      case Op::IpAddress:
        cv.valid = parse_cidr(v, &cv.net);
        break;
    }
    out.values.push_back(std::move(cv));
  }
  return out;
}

bool has_wildcard(std::string_view s) {
  return s.find(kStar) != std::string_view::npos || s.find(kQuestion) != std::string_view::npos;
}

}  // namespace

std::shared_ptr<const CompiledPolicy> compile(const Policy& policy) {
  auto out = std::make_shared<CompiledPolicy>();
  out->kind_ = policy.kind;
  out->version_ = policy.version;
  out->id_ = policy.id;
  const bool variables = policy.version == Version::V2012_10_17;
  for (const auto& s : policy.statements) {
    detail::Statement cs;
    cs.index = static_cast<uint32_t>(s.index);
    cs.sid = s.sid;
    cs.effect = s.effect;
    cs.action_mode = s.not_action ? Mode::Negative : Mode::Positive;
    for (const auto& a : s.actions) {
      if (a == "*") {
        cs.any_action = true;
        continue;
      }
      auto colon = a.find(':');
      detail::Action ca;
      ca.service = to_glob(std::string_view(a).substr(0, colon), true);
      ca.name = colon == std::string::npos ? std::string() : to_glob(std::string_view(a).substr(colon + 1), true);
      ca.service_literal = !has_wildcard(ca.service);
      ca.name_literal = !has_wildcard(ca.name);
      ca.name_any = ca.name.size() == 1 && ca.name[0] == kStar;
      ca.service_hash = fold_hash(ca.service);
      ca.name_hash = fold_hash(ca.name);
      cs.actions.push_back(std::move(ca));
    }
    if (cs.any_action) cs.actions.clear();
    if (s.has_resource) {
      cs.resource_mode = s.not_resource ? Mode::Negative : Mode::Positive;
      for (const auto& r : s.resources) {
        Pattern p = compile_pattern(r, variables, true, false);
        if (p.any) cs.any_resource = true;
        cs.resources.push_back(std::move(p));
      }
    }
    if (s.has_principal) {
      cs.principal_mode = s.not_principal ? Mode::Negative : Mode::Positive;
      cs.principal_wildcard = s.principal.wildcard;
      cs.principal_aws = s.principal.aws;
      cs.principal_service = s.principal.service;
      cs.principal_federated = s.principal.federated;
      cs.principal_canonical = s.principal.canonical_user;
      for (const auto& a : cs.principal_aws)
        if (a == "*") cs.principal_wildcard = true;
    }
    for (const auto& c : s.conditions) cs.conditions.push_back(compile_condition(c, variables));
    out->statements_.push_back(std::move(cs));
  }

  // Index: statements naming only literal services go to those services' buckets.
  for (uint32_t i = 0; i < out->statements_.size(); ++i) {
    const auto& st = out->statements_[i];
    bool wild = st.action_mode == Mode::Negative || st.any_action;
    for (const auto& a : st.actions)
      if (has_wildcard(a.service)) wild = true;
    if (wild) {
      out->wildcard_.push_back(i);
      continue;
    }
    for (const auto& a : st.actions) {
      auto it = std::find_if(out->buckets_.begin(), out->buckets_.end(),
                             [&](const detail::Bucket& b) { return b.service == a.service; });
      if (it == out->buckets_.end()) {
        out->buckets_.push_back(detail::Bucket{a.service, fold_hash(a.service), {}});
        it = out->buckets_.end() - 1;
      }
      if (it->stmts.empty() || it->stmts.back() != i) it->stmts.push_back(i);
    }
  }
  auto deny_first = [&](std::vector<uint32_t>& v) {
    std::stable_partition(v.begin(), v.end(),
                          [&](uint32_t i) { return out->statements_[i].effect == Effect::Deny; });
  };
  deny_first(out->wildcard_);
  for (auto& b : out->buckets_) deny_first(b.stmts);
  return out;
}

std::string document_hash(std::string_view json, PolicyKind kind) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const unsigned char k = static_cast<unsigned char>(kind);
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  EVP_DigestUpdate(ctx, &k, 1);
  EVP_DigestUpdate(ctx, json.data(), json.size());
  EVP_DigestFinal_ex(ctx, md, &len);
  EVP_MD_CTX_free(ctx);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(kHex[md[i] >> 4]);
    out.push_back(kHex[md[i] & 15]);
  }
  return out;
}

PolicyCache::PolicyCache(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

Result<std::shared_ptr<const CompiledPolicy>> PolicyCache::get(std::string_view json, PolicyKind kind) {
  std::string key = document_hash(json, kind);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = index_.find(key); it != index_.end()) {
      lru_.splice(lru_.begin(), lru_, it->second);
      ++hits_;
      return it->second->second;
    }
    ++misses_;
  }
  // Parse and compile outside the lock; a concurrent miss on the same key just compiles twice.
  auto parsed = parse(json, kind);
  if (!parsed) return parsed.error();
  std::shared_ptr<const CompiledPolicy> compiled = compile(parsed.value());
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = index_.find(key); it != index_.end()) return it->second->second;
  lru_.emplace_front(key, compiled);
  index_.emplace(std::move(key), lru_.begin());
  while (lru_.size() > capacity_) {
    index_.erase(lru_.back().first);
    lru_.pop_back();
  }
  return compiled;
}

std::size_t PolicyCache::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return lru_.size();
}
uint64_t PolicyCache::hits() const {
  std::lock_guard<std::mutex> lock(mu_);
  return hits_;
}
uint64_t PolicyCache::misses() const {
  std::lock_guard<std::mutex> lock(mu_);
  return misses_;
}

}  // namespace policy
