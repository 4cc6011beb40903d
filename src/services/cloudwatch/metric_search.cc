#include "services/cloudwatch/metric_search.h"

#include <algorithm>
#include <cctype>

namespace citadel::services::cloudwatch {

namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Lower-case tokens of a name: split at non-alphanumerics and camel-case boundaries
// ("CPUUtilization" -> cpu, utilization; "t2.micro" -> t2, micro).
std::vector<std::string> tokens(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty()) out.push_back(lower(std::move(cur)));
    cur.clear();
  };
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (!std::isalnum(c)) {
      flush();
      continue;
    }
    if (std::isupper(c) && !cur.empty()) {
      unsigned char prev = static_cast<unsigned char>(s[i - 1]);
      bool next_lower = i + 1 < s.size() && std::islower(static_cast<unsigned char>(s[i + 1]));
      if (std::islower(prev) || std::isdigit(prev) || (std::isupper(prev) && next_lower)) flush();
    }
    cur += static_cast<char>(c);
  }
  flush();
  return out;
}

bool partial(const std::vector<std::string>& want, std::string_view field) {
  if (want.empty()) return false;
  auto have = tokens(field);
  return std::search(have.begin(), have.end(), want.begin(), want.end()) != have.end();
}

}  // namespace

struct MetricSearch::Node {
  enum class Kind { Term, And, Or, Not } kind = Kind::Term;
  std::string property;  // "" any, "MetricName", "Namespace", or a dimension name
  std::string text;      // exact text (quoted) or the word
  bool exact = false;
  std::vector<std::string> want;  // the word's tokens
  std::shared_ptr<const Node> left, right;

  bool matches(const std::string& ns, const std::string& name, const Dimensions& dims) const {
    switch (kind) {
      case Kind::And: return left->matches(ns, name, dims) && right->matches(ns, name, dims);
      case Kind::Or: return left->matches(ns, name, dims) || right->matches(ns, name, dims);
      case Kind::Not: return !left->matches(ns, name, dims);
      case Kind::Term: break;
    }
    auto hit = [&](std::string_view field) { return exact ? field == text : partial(want, field); };
    if (property == "MetricName") return hit(name);
    if (property == "Namespace") return hit(ns);
    if (!property.empty()) {
      for (const auto& d : dims)
        if (d.name == property && hit(d.value)) return true;
      return false;
    }
    if (hit(name) || hit(ns)) return true;
    for (const auto& d : dims)
      if (hit(d.name) || hit(d.value)) return true;
    return false;
  }
};

namespace {

using Node = MetricSearch::Node;
using NodePtr = std::shared_ptr<const Node>;

struct Tok {
  enum Kind { Word, Quoted, LParen, RParen, Equals, End } kind;
  std::string text;
};

Result<std::vector<Tok>> lex(std::string_view s) {
  std::vector<Tok> out;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (c == '(' || c == ')' || c == '=') {
      out.push_back({c == '(' ? Tok::LParen : c == ')' ? Tok::RParen : Tok::Equals, std::string(1, c)});
      ++i;
    } else if (c == '"') {
      size_t j = s.find('"', i + 1);
      if (j == std::string_view::npos) return AwsError::sender("ValidationError", "unterminated quote in the search", 400);
      out.push_back({Tok::Quoted, std::string(s.substr(i + 1, j - i - 1))});
      i = j + 1;
    } else {
      size_t j = i;
      while (j < s.size() && !std::isspace(static_cast<unsigned char>(s[j])) && s[j] != '(' && s[j] != ')' && s[j] != '=' &&
             s[j] != '"')
        ++j;
      out.push_back({Tok::Word, std::string(s.substr(i, j - i))});
      i = j;
    }
  }
  out.push_back({Tok::End, ""});
  return out;
}

class TermParser {
 public:
  explicit TermParser(std::vector<Tok> toks) : toks_(std::move(toks)) {}

  Result<NodePtr> parse() {
    auto n = disjunction();
    if (!n) return n;
    if (peek().kind != Tok::End) return fail("unexpected " + peek().text);
    return n;
  }

 private:
  const Tok& peek() const { return toks_[pos_]; }
  bool keyword(const char* k) const { return peek().kind == Tok::Word && peek().text == k; }
  static AwsError fail(const std::string& what) { return AwsError::sender("ValidationError", "Invalid search: " + what, 400); }
  static NodePtr join(Node::Kind k, NodePtr a, NodePtr b) {
    auto n = std::make_shared<Node>();
    n->kind = k;
    n->left = std::move(a);
    n->right = std::move(b);
    return n;
  }

  Result<NodePtr> disjunction() {
    auto left = conjunction();
    if (!left) return left;
    NodePtr n = *left;
    while (keyword("OR")) {
      ++pos_;
      auto right = conjunction();
      if (!right) return right;
      n = join(Node::Kind::Or, n, *right);
    }
    return n;
  }

  Result<NodePtr> conjunction() {
    auto left = negation();
    if (!left) return left;
    NodePtr n = *left;
    for (;;) {
      if (keyword("AND")) ++pos_;
      else if (peek().kind == Tok::End || peek().kind == Tok::RParen || keyword("OR")) break;
      auto right = negation();
      if (!right) return right;
      n = join(Node::Kind::And, n, *right);
    }
    return n;
  }

  Result<NodePtr> negation() {
    if (!keyword("NOT")) return primary();
    ++pos_;
    auto inner = negation();
    if (!inner) return inner;
    return join(Node::Kind::Not, *inner, nullptr);
  }

  Result<NodePtr> primary() {
    Tok t = peek();
    if (t.kind == Tok::LParen) {
      ++pos_;
      auto n = disjunction();
      if (!n) return n;
      if (peek().kind != Tok::RParen) return fail("missing )");
      ++pos_;
      return n;
    }
    if (t.kind != Tok::Word && t.kind != Tok::Quoted) return fail(t.kind == Tok::End ? "a term is missing" : "unexpected " + t.text);
    ++pos_;
    auto n = std::make_shared<Node>();
    if (t.kind == Tok::Word && peek().kind == Tok::Equals) {  // designator=value
      ++pos_;
      n->property = t.text;
      t = peek();
      if (t.kind != Tok::Word && t.kind != Tok::Quoted) return fail("a value is missing after " + n->property + "=");
      ++pos_;
    }
    n->exact = t.kind == Tok::Quoted;
    n->text = t.text;
    n->want = tokens(t.text);
    if (!n->exact && n->want.empty()) return fail("the term " + t.text + " has no letters or digits");
    return NodePtr(n);
  }

  std::vector<Tok> toks_;
  size_t pos_ = 0;
};

std::string unquote(std::string s) {
  size_t a = s.find_first_not_of(" \t"), b = s.find_last_not_of(" \t");
  s = a == std::string::npos ? "" : s.substr(a, b - a + 1);
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  return s;
}

}  // namespace

Result<MetricSearch> MetricSearch::parse(std::string_view text) {
  MetricSearch out;
  size_t start = text.find_first_not_of(" \t");
  std::string_view rest = start == std::string_view::npos ? std::string_view() : text.substr(start);
  if (!rest.empty() && rest.front() == '{') {
    size_t close = rest.find('}');
    if (close == std::string_view::npos) return AwsError::sender("ValidationError", "Invalid search: missing } after the schema", 400);
    std::string schema(rest.substr(1, close - 1));
    std::vector<std::string> parts;
    size_t from = 0;
    for (;;) {
      size_t comma = schema.find(',', from);
      parts.push_back(unquote(schema.substr(from, comma == std::string::npos ? std::string::npos : comma - from)));
      if (comma == std::string::npos) break;
      from = comma + 1;
    }
    if (parts.front().empty()) return AwsError::sender("ValidationError", "Invalid search: the schema must name a namespace", 400);
    out.has_schema_ = true;
    out.schema_ns_ = parts.front();
    out.schema_dims_.assign(parts.begin() + 1, parts.end());
    for (const auto& d : out.schema_dims_)
      if (d.empty()) return AwsError::sender("ValidationError", "Invalid search: an empty dimension name in the schema", 400);
    std::sort(out.schema_dims_.begin(), out.schema_dims_.end());
    rest = rest.substr(close + 1);
  }
  auto toks = lex(rest);
  if (!toks) return toks.error();
  if (toks->size() > 1) {
    auto term = TermParser(std::move(*toks)).parse();
    if (!term) return term.error();
    out.term_ = *term;
  } else if (!out.has_schema_) {
    return AwsError::sender("ValidationError", "Invalid search: it needs a schema, a search term or both", 400);
  }
  return out;
}

bool MetricSearch::matches(const std::string& ns, const std::string& name, const Dimensions& dims) const {
  if (has_schema_) {
    if (ns != schema_ns_ || dims.size() != schema_dims_.size()) return false;
    for (size_t i = 0; i < dims.size(); ++i)  // both sorted by name
      if (dims[i].name != schema_dims_[i]) return false;
  }
  return !term_ || term_->matches(ns, name, dims);
}

}  // namespace citadel::services::cloudwatch
