#include "services/cloudwatch/composite_rule.h"

#include <cctype>

namespace citadel::services::cloudwatch {

class AlarmRule {
 public:
  enum class Kind { Constant, State, Not, And, Or } kind = Kind::Constant;
  bool constant = false;
  std::string state, alarm;         // State: the state tested and the alarm named
  std::vector<AlarmRulePtr> parts;  // Not: one; And, Or: two or more
};

namespace {

constexpr size_t kMaxDepth = 100;

class RuleParser {
 public:
  explicit RuleParser(const std::string& s) : s_(s) {}

  Result<AlarmRulePtr> run() {
    auto r = disjunction(0);
    if (!r) return r;
    skip();
    if (i_ != s_.size()) return fail("unexpected text");
    return r;
  }

 private:
  AwsError fail(const std::string& what) const {
    return AwsError::sender("InvalidParameterValue", "Error in AlarmRule at character " + std::to_string(i_ + 1) + ": " + what + ".", 400);
  }
  void skip() {
    while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
  }
  // A keyword followed by something that cannot continue a word.
  bool keyword(const char* k) {
    skip();
    size_t n = std::char_traits<char>::length(k);
    if (s_.compare(i_, n, k) != 0) return false;
    if (i_ + n < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[i_ + n])) || s_[i_ + n] == '_')) return false;
    i_ += n;
    return true;
  }
  bool punct(char c) {
    skip();
    if (i_ < s_.size() && s_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }

  Result<AlarmRulePtr> joined(size_t depth, AlarmRule::Kind kind, const char* word,
                              Result<AlarmRulePtr> (RuleParser::*next)(size_t)) {
    auto first = (this->*next)(depth);
    if (!first) return first;
    auto node = std::make_shared<AlarmRule>();
    node->kind = kind;
    node->parts.push_back(*first);
    while (keyword(word)) {
      auto more = (this->*next)(depth);
      if (!more) return more;
      node->parts.push_back(*more);
    }
    if (node->parts.size() == 1) return node->parts.front();
    return AlarmRulePtr(node);
  }
  Result<AlarmRulePtr> disjunction(size_t depth) { return joined(depth, AlarmRule::Kind::Or, "OR", &RuleParser::conjunction); }
  Result<AlarmRulePtr> conjunction(size_t depth) { return joined(depth, AlarmRule::Kind::And, "AND", &RuleParser::negation); }

  Result<AlarmRulePtr> negation(size_t depth) {
    if (depth > kMaxDepth) return fail("the rule nests too deeply");
    if (keyword("NOT")) {
      auto inner = negation(depth + 1);
      if (!inner) return inner;
      auto node = std::make_shared<AlarmRule>();
      node->kind = AlarmRule::Kind::Not;
      node->parts.push_back(*inner);
      return AlarmRulePtr(node);
    }
    return atom(depth);
  }

  Result<AlarmRulePtr> atom(size_t depth) {
    auto node = std::make_shared<AlarmRule>();
    if (keyword("TRUE") || keyword("FALSE")) {
      node->constant = s_.compare(i_ - 4, 4, "TRUE") == 0;  // FALSE ends in "ALSE"
      return AlarmRulePtr(node);
    }
    for (const char* state : {"ALARM", "OK", "INSUFFICIENT_DATA"})
      if (keyword(state)) {
        node->kind = AlarmRule::Kind::State;
        node->state = state;
        if (!punct('(')) return fail(std::string("expected '(' after ") + state);
        auto name = alarm_name();
        if (!name) return name.error();
        node->alarm = *name;
        if (!punct(')')) return fail("expected ')' after the alarm name");
        return AlarmRulePtr(node);
      }
    if (punct('(')) {
      auto inner = disjunction(depth + 1);
      if (!inner) return inner;
      if (!punct(')')) return fail("expected ')'");
      return inner;
    }
    return fail("expected ALARM, OK, INSUFFICIENT_DATA, TRUE, FALSE, NOT or '('");
  }

  Result<std::string> alarm_name() {
    skip();
    std::string name;
    if (i_ < s_.size() && (s_[i_] == '"' || s_[i_] == '\'')) {
      char q = s_[i_++];
      size_t end = s_.find(q, i_);
      if (end == std::string::npos) return fail("unterminated alarm name");
      name = s_.substr(i_, end - i_);
      i_ = end + 1;
    } else {
      while (i_ < s_.size() && s_[i_] != ')' && !std::isspace(static_cast<unsigned char>(s_[i_]))) name += s_[i_++];
    }
    if (name.empty()) return fail("empty alarm name");
    return name;
  }

  const std::string& s_;
  size_t i_ = 0;
};

void collect(const AlarmRule& r, std::vector<std::string>& out) {
  if (r.kind == AlarmRule::Kind::State) {
    for (const auto& x : out)
      if (x == r.alarm) return;
    out.push_back(r.alarm);
  }
  for (const auto& p : r.parts) collect(*p, out);
}

}  // namespace

Result<AlarmRulePtr> parse_alarm_rule(const std::string& rule) { return RuleParser(rule).run(); }

std::vector<std::string> rule_alarms(const AlarmRule& rule) {
  std::vector<std::string> out;
  collect(rule, out);
  return out;
}

std::optional<bool> evaluate_rule(const AlarmRule& r, const StateOf& state_of) {
  switch (r.kind) {
    case AlarmRule::Kind::Constant: return r.constant;
    case AlarmRule::Kind::State: {
      auto s = state_of(r.alarm);
      if (!s) return std::nullopt;
      return *s == r.state;
    }
    case AlarmRule::Kind::Not: {
      auto v = evaluate_rule(*r.parts.front(), state_of);
      if (!v) return std::nullopt;
      return !*v;
    }
    case AlarmRule::Kind::And:
    case AlarmRule::Kind::Or: {
      // A known deciding part decides even when another part is unknown (false AND ?, true OR ?).
      bool is_and = r.kind == AlarmRule::Kind::And, unknown = false;
      for (const auto& p : r.parts) {
        auto v = evaluate_rule(*p, state_of);
        if (!v) unknown = true;
        else if (*v != is_and) return !is_and;
      }
      if (unknown) return std::nullopt;
      return is_and;
    }
  }
  return std::nullopt;
}

}  // namespace citadel::services::cloudwatch
