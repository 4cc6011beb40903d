#include "services/logs/filter_pattern.h"

#include <boost/json.hpp>
#include <cctype>
#include <charconv>
#include <map>
#include <optional>

namespace citadel::services::logs {

namespace json = boost::json;

struct FilterPattern::Node {
  enum class Type { And, Or, Compare, IsTrue, IsFalse, IsNull, NotExists, Bind } type = Type::Compare;
  std::vector<std::shared_ptr<const Node>> children;
  std::string selector, op, value;
  bool quoted = false;  // a quoted value is never a number
};

namespace {

using Node = FilterPattern::Node;
using NodePtr = std::shared_ptr<const Node>;

AwsError invalid(const std::string& why) {
  return AwsError::sender("InvalidParameterException", "Invalid filter pattern: " + why, 400);
}

std::optional<double> number(std::string_view s) {
  if (s.empty()) return std::nullopt;
  double d = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return d;
}

// `*` matches any run of characters.
bool wildcard_match(std::string_view pattern, std::string_view text) {
  size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

// ---- Tokens of JSON and space-delimited patterns ----------------------------------------------
struct Token {
  enum class Kind { Word, String, Op, LParen, RParen, Comma, End } kind = Kind::End;
  std::string text;
};

Result<std::vector<Token>> tokenize(std::string_view s) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (c == '(' || c == ')' || c == ',') {
      out.push_back({c == '(' ? Token::Kind::LParen : c == ')' ? Token::Kind::RParen : Token::Kind::Comma, std::string(1, c)});
      ++i;
    } else if (c == '"') {
      std::string text;
      ++i;
      while (i < s.size() && s[i] != '"') {
        if (s[i] == '\\' && i + 1 < s.size()) ++i;
        text += s[i++];
      }
      if (i >= s.size()) return invalid("unterminated string");
      ++i;
      out.push_back({Token::Kind::String, text});
    } else if (s.compare(i, 2, "&&") == 0 || s.compare(i, 2, "||") == 0 || s.compare(i, 2, "!=") == 0 ||
               s.compare(i, 2, "<=") == 0 || s.compare(i, 2, ">=") == 0) {
      out.push_back({Token::Kind::Op, std::string(s.substr(i, 2))});
      i += 2;
    } else if (c == '=' || c == '<' || c == '>') {
      out.push_back({Token::Kind::Op, std::string(1, c)});
      ++i;
    } else {
      size_t start = i;
      while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i])) && std::string_view("()=,!<>&|\"").find(s[i]) == std::string_view::npos)
        ++i;
      if (i == start) return invalid("unexpected character '" + std::string(1, c) + "'");
      out.push_back({Token::Kind::Word, std::string(s.substr(start, i - start))});
    }
  }
  out.push_back({Token::Kind::End, ""});
  return out;
}

// expr := and ( "||" and )* ; and := unary ( "&&" unary )* ; unary := "(" expr ")" | condition
class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : t_(std::move(tokens)) {}

  Result<NodePtr> expression() {
    auto left = conjunction();
    if (!left) return left;
    std::vector<NodePtr> any{*left};
    while (peek().kind == Token::Kind::Op && peek().text == "||") {
      ++pos_;
      auto right = conjunction();
      if (!right) return right;
      any.push_back(*right);
    }
    if (any.size() == 1) return any.front();
    return NodePtr(new Node{Node::Type::Or, std::move(any)});
  }
  const Token& peek() const { return t_[pos_]; }
  void next() { ++pos_; }

 private:
  Result<NodePtr> conjunction() {
    auto left = unary();
    if (!left) return left;
    std::vector<NodePtr> all{*left};
    while (peek().kind == Token::Kind::Op && peek().text == "&&") {
      ++pos_;
      auto right = unary();
      if (!right) return right;
      all.push_back(*right);
    }
    if (all.size() == 1) return all.front();
    return NodePtr(new Node{Node::Type::And, std::move(all)});
  }

  Result<NodePtr> unary() {
    if (peek().kind == Token::Kind::LParen) {
      ++pos_;
      auto inner = expression();
      if (!inner) return inner;
      if (peek().kind != Token::Kind::RParen) return invalid("missing )");
      ++pos_;
      return inner;
    }
    if (peek().kind != Token::Kind::Word) return invalid("expected a selector near '" + peek().text + "'");
    auto node = std::make_shared<Node>();
    node->selector = peek().text;
    ++pos_;
    const Token& op = peek();
    if (op.kind == Token::Kind::Word && (op.text == "IS" || op.text == "NOT")) {
      std::string first = op.text;
      ++pos_;
      std::string second = peek().text;
      ++pos_;
      if (first == "IS" && second == "TRUE") node->type = Node::Type::IsTrue;
      else if (first == "IS" && second == "FALSE") node->type = Node::Type::IsFalse;
      else if (first == "IS" && second == "NULL") node->type = Node::Type::IsNull;
      else if (first == "NOT" && second == "EXISTS") node->type = Node::Type::NotExists;
      else return invalid("unknown test '" + first + " " + second + "'");
      return NodePtr(node);
    }
    if (op.kind != Token::Kind::Op || op.text == "&&" || op.text == "||") {
      node->type = Node::Type::Bind;  // a bare field name (space-delimited patterns)
      return NodePtr(node);
    }
    node->op = op.text;
    ++pos_;
    if (peek().kind != Token::Kind::Word && peek().kind != Token::Kind::String) return invalid("expected a value after " + node->op);
    node->quoted = peek().kind == Token::Kind::String;
    node->value = peek().text;
    ++pos_;
    return NodePtr(node);
  }

  std::vector<Token> t_;
  size_t pos_ = 0;
};

// Compares a field's text (or number) with a condition's value.
bool compare(const Node& n, std::string_view text, std::optional<double> field_number) {
  auto literal = n.quoted ? std::nullopt : number(n.value);
  if (n.op == "=" || n.op == "!=") {
    bool equal = literal && field_number ? *literal == *field_number : wildcard_match(n.value, text);
    return n.op == "=" ? equal : !equal;
  }
  if (!literal || !field_number) return false;
  double a = *field_number, b = *literal;
  if (n.op == "<") return a < b;
  if (n.op == "<=") return a <= b;
  if (n.op == ">") return a > b;
  return a >= b;
}

// $.a.b[0] within a JSON document; nullptr when absent.
const json::value* select(const json::value& doc, std::string_view selector) {
  if (selector.rfind("$", 0) != 0) return nullptr;
  const json::value* cur = &doc;
  size_t i = 1;
  while (i < selector.size() && cur) {
    if (selector[i] == '.') {
      size_t end = selector.find_first_of(".[", i + 1);
      std::string name(selector.substr(i + 1, end == std::string_view::npos ? std::string_view::npos : end - i - 1));
      cur = cur->is_object() ? cur->as_object().if_contains(name) : nullptr;
      i = end == std::string_view::npos ? selector.size() : end;
    } else if (selector[i] == '[') {
      size_t end = selector.find(']', i);
      if (end == std::string_view::npos) return nullptr;
      auto index = number(selector.substr(i + 1, end - i - 1));
      if (!index || !cur->is_array() || *index < 0 || *index >= static_cast<double>(cur->as_array().size())) return nullptr;
      cur = &cur->as_array()[static_cast<size_t>(*index)];
      i = end + 1;
    } else {
      return nullptr;
    }
  }
  return cur;
}

bool eval_json(const Node& n, const json::value& doc) {
  switch (n.type) {
    case Node::Type::And:
      for (const auto& c : n.children)
        if (!eval_json(*c, doc)) return false;
      return true;
    case Node::Type::Or:
      for (const auto& c : n.children)
        if (eval_json(*c, doc)) return true;
      return false;
    case Node::Type::NotExists: return select(doc, n.selector) == nullptr;
    default: break;
  }
  const json::value* v = select(doc, n.selector);
  if (!v) return false;
  if (n.type == Node::Type::IsTrue) return v->is_bool() && v->as_bool();
  if (n.type == Node::Type::IsFalse) return v->is_bool() && !v->as_bool();
  if (n.type == Node::Type::IsNull) return v->is_null();
  if (n.type == Node::Type::Bind) return true;
  std::optional<double> num;
  std::string text;
  if (v->is_string()) text = std::string(v->as_string());
  else if (v->is_number()) num = v->to_number<double>(), text = json::serialize(*v);
  else if (v->is_bool()) text = v->as_bool() ? "true" : "false";
  else if (v->is_null()) text = "null";
  else return false;
  return compare(n, text, num);
}

bool eval_fields(const Node& n, const std::map<std::string, std::string>& fields) {
  switch (n.type) {
    case Node::Type::And:
      for (const auto& c : n.children)
        if (!eval_fields(*c, fields)) return false;
      return true;
    case Node::Type::Or:
      for (const auto& c : n.children)
        if (eval_fields(*c, fields)) return true;
      return false;
    case Node::Type::Bind: return true;
    default: break;
  }
  auto it = fields.find(n.selector);
  if (it == fields.end()) return false;
  return compare(n, it->second, number(it->second));
}

// A space-delimited event's fields: quotes and brackets keep their contents together.
std::vector<std::string> split_fields(std::string_view m) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < m.size()) {
    while (i < m.size() && m[i] == ' ') ++i;
    if (i >= m.size()) break;
    char close = m[i] == '"' ? '"' : m[i] == '[' ? ']' : 0;
    if (close) {
      size_t end = m.find(close, i + 1);
      if (end == std::string_view::npos) end = m.size();
      out.emplace_back(m.substr(i + 1, end - i - 1));
      i = end + 1;
    } else {
      size_t end = m.find(' ', i);
      if (end == std::string_view::npos) end = m.size();
      out.emplace_back(m.substr(i, end - i));
      i = end;
    }
  }
  return out;
}

}  // namespace

Result<FilterPattern> FilterPattern::parse(std::string_view text) {
  FilterPattern p;
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  if (text.empty()) return p;
  if (text.front() == '{' || text.front() == '[') {
    char close = text.front() == '{' ? '}' : ']';
    if (text.back() != close) return invalid(std::string("missing ") + close);
    auto tokens = tokenize(text.substr(1, text.size() - 2));
    if (!tokens) return tokens.error();
    if (close == '}') {
      Parser parser(std::move(*tokens));
      auto tree = parser.expression();
      if (!tree) return tree.error();
      if (parser.peek().kind != Token::Kind::End) return invalid("unexpected '" + parser.peek().text + "'");
      p.kind_ = Kind::Json;
      p.tree_ = *tree;
      return p;
    }
    // [a, b = 1, ..., c]: one expression per comma-separated slot, its first selector names the field.
    Parser parser(std::move(*tokens));
    auto all = std::make_shared<Node>();
    all->type = Node::Type::And;
    while (parser.peek().kind != Token::Kind::End) {
      if (parser.peek().kind == Token::Kind::Word && parser.peek().text == "...") {
        p.fields_.push_back("...");
        parser.next();
      } else {
        auto slot = parser.expression();
        if (!slot) return slot.error();
        const Node* first = slot->get();
        while (!first->children.empty()) first = first->children.front().get();
        p.fields_.push_back(first->selector);
        all->children.push_back(*slot);
      }
      if (parser.peek().kind == Token::Kind::Comma) parser.next();
      else if (parser.peek().kind != Token::Kind::End) return invalid("expected , near '" + parser.peek().text + "'");
    }
    if (std::count(p.fields_.begin(), p.fields_.end(), "...") > 1) return invalid("at most one ... per pattern");
    p.kind_ = Kind::Delimited;
    p.tree_ = all;
    return p;
  }
  // Terms.
  p.kind_ = Kind::Terms;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (i >= text.size()) break;
    char sign = (text[i] == '?' || text[i] == '-') ? text[i] : 0;
    if (sign) ++i;
    std::string term;
    if (i < text.size() && text[i] == '"') {
      size_t end = text.find('"', i + 1);
      if (end == std::string_view::npos) return invalid("unterminated string");
      term = std::string(text.substr(i + 1, end - i - 1));
      i = end + 1;
    } else {
      size_t end = i;
      while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end]))) ++end;
      term = std::string(text.substr(i, end - i));
      i = end;
    }
    if (term.empty()) continue;
    (sign == '?' ? p.any_ : sign == '-' ? p.none_ : p.all_).push_back(std::move(term));
  }
  return p;
}

bool FilterPattern::matches(std::string_view message) const {
  switch (kind_) {
    case Kind::All: return true;
    case Kind::Terms: {
      for (const auto& t : all_)
        if (message.find(t) == std::string_view::npos) return false;
      for (const auto& t : none_)
        if (message.find(t) != std::string_view::npos) return false;
      if (any_.empty()) return true;
      for (const auto& t : any_)
        if (message.find(t) != std::string_view::npos) return true;
      return false;
    }
    case Kind::Json: {
      boost::system::error_code ec;
      auto doc = json::parse(message, ec);
      return !ec && eval_json(*tree_, doc);
    }
    case Kind::Delimited: {
      auto values = split_fields(message);
      auto ellipsis = std::find(fields_.begin(), fields_.end(), "...");
      size_t before = static_cast<size_t>(ellipsis - fields_.begin());
      size_t after = ellipsis == fields_.end() ? 0 : fields_.size() - before - 1;
      if (ellipsis == fields_.end() ? values.size() != fields_.size() : values.size() < before + after) return false;
      std::map<std::string, std::string> named;
      for (size_t i = 0; i < before; ++i) named[fields_[i]] = values[i];
      for (size_t i = 0; i < after; ++i) named[fields_[fields_.size() - after + i]] = values[values.size() - after + i];
      return eval_fields(*tree_, named);
    }
  }
  return false;
}

}  // namespace citadel::services::logs
