#include "services/cloudwatch/metric_math.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>

namespace citadel::services::cloudwatch {

namespace {

constexpr size_t kMaxGridPoints = 100800;

enum class Tok { Number, Ident, String, Op, End };
struct Token {
  Tok kind;
  std::string text;
  double number = 0;
};

using Op = std::function<double(double, double)>;

class Parser {
 public:
  Parser(const std::string& id, std::string_view src, const MathContext& ctx) : id_(id), src_(src), ctx_(ctx) {}

  // Whether the expression calls `function` anywhere (its text tokenized as evaluation reads it:
  // "SEARCH (" is the call, a quoted "SEARCH(" is not); false if it does not tokenize.
  bool calls(std::string_view function) {
    if (!tokenize()) return false;
    for (size_t i = 0; i + 1 < toks_.size(); ++i)
      if (toks_[i].kind == Tok::Ident && toks_[i].text == function && toks_[i + 1].kind == Tok::Op && toks_[i + 1].text == "(")
        return true;
    return false;
  }

  Result<MathValue> run() {
    if (auto s = tokenize(); !s) return s.error();
    auto v = logical();
    if (!v) return v;
    if (peek().kind != Tok::End) return fail("unexpected '" + peek().text + "'");
    return v;
  }

 private:
  AwsError fail(const std::string& what) const {
    return AwsError::sender("ValidationError", "Error in expression " + id_ + ": " + what, 400);
  }

  Status tokenize() {
    size_t i = 0;
    while (i < src_.size()) {
      char c = src_[i];
      if (std::isspace(static_cast<unsigned char>(c))) {
        ++i;
      } else if (std::isdigit(static_cast<unsigned char>(c)) || (c == '.' && i + 1 < src_.size() && std::isdigit(static_cast<unsigned char>(src_[i + 1])))) {
        size_t j = i;
        while (j < src_.size() && (std::isdigit(static_cast<unsigned char>(src_[j])) || src_[j] == '.' || src_[j] == 'e' || src_[j] == 'E' ||
                                   ((src_[j] == '-' || src_[j] == '+') && j > i && (src_[j - 1] == 'e' || src_[j - 1] == 'E'))))
          ++j;
        std::string t(src_.substr(i, j - i));
        char* end = nullptr;
        double v = std::strtod(t.c_str(), &end);
        if (*end) return fail("invalid number " + t);
        toks_.push_back({Tok::Number, t, v});
        i = j;
      } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
        size_t j = i;
        while (j < src_.size() && (std::isalnum(static_cast<unsigned char>(src_[j])) || src_[j] == '_')) ++j;
        toks_.push_back({Tok::Ident, std::string(src_.substr(i, j - i))});
        i = j;
      } else if (c == '"' || c == '\'') {
        size_t j = src_.find(c, i + 1);
        if (j == std::string_view::npos) return fail("unterminated string");
        toks_.push_back({Tok::String, std::string(src_.substr(i + 1, j - i - 1))});
        i = j + 1;
      } else {
        static const char* two[] = {"<=", ">=", "==", "!=", "&&", "||"};
        std::string op(1, c);
        for (auto* t : two)
          if (src_.substr(i, 2) == t) op = t;
        if (op.size() == 1 && std::string_view("+-*/^()[],<>").find(c) == std::string_view::npos)
          return fail("unexpected character '" + op + "'");
        toks_.push_back({Tok::Op, op});
        i += op.size();
      }
    }
    toks_.push_back({Tok::End, "end of expression"});
    return Ok{};
  }

  const Token& peek() const { return toks_[pos_]; }
  bool accept(std::string_view op) {
    if ((peek().kind == Tok::Op || peek().kind == Tok::Ident) && peek().text == op) {
      ++pos_;
      return true;
    }
    return false;
  }
  Status expect(std::string_view op) {
    if (accept(op)) return Ok{};
    return fail("expected '" + std::string(op) + "' before " + peek().text);
  }

  // Applies a binary operation point by point: a series with a series meets on common timestamps.
  Result<MathValue> binary(const MathValue& a, const MathValue& b, const Op& f) {
    using K = MathValue::Kind;
    MathValue out;
    if (a.kind == K::Scalar && b.kind == K::Scalar) {
      out.scalar = f(a.scalar, b.scalar);
      return out;
    }
    if (a.kind == K::Array && b.kind == K::Array) return fail("an operation between two arrays of time series is not supported");
    out.kind = a.kind == K::Array || b.kind == K::Array ? K::Array : K::Series;
    const MathValue& many = a.kind == K::Scalar ? b : (b.kind == K::Scalar ? a : (a.kind == K::Array ? a : (b.kind == K::Array ? b : a)));
    bool left_many = &many == &a;
    const MathValue& other = left_many ? b : a;
    for (const auto& s : many.series) {
      Series r{s.label, s.period_s, {}};
      for (const auto& [ts, v] : s.points) {
        double o;
        if (other.kind == K::Scalar) {
          o = other.scalar;
        } else {
          auto it = other.series.front().points.find(ts);
          if (it == other.series.front().points.end()) continue;
          o = it->second;
        }
        double x = left_many ? f(v, o) : f(o, v);
        if (std::isfinite(x)) r.points[ts] = x;
      }
      out.series.push_back(std::move(r));
    }
    return out;
  }

  struct Infix {
    const char* token;
    const char* alias;  // the word form (AND, OR), or nullptr
    Op f;
  };
  using Level = Result<MathValue> (Parser::*)();

  // One precedence level: operands of the next level joined by this level's operators, grouped to
  // the left (`chain` false: at most one operator, as comparisons).
  Result<MathValue> infix(Level next, const std::vector<Infix>& ops, bool chain = true) {
    auto a = (this->*next)();
    if (!a) return a;
    while (true) {
      const Infix* hit = nullptr;
      for (const auto& o : ops)
        if (accept(o.token) || (o.alias && accept(o.alias))) {
          hit = &o;
          break;
        }
      if (!hit) return a;
      auto b = (this->*next)();
      if (!b) return b;
      a = binary(*a, *b, hit->f);
      if (!a || !chain) return a;
    }
  }

  Result<MathValue> logical() {
    static const std::vector<Infix> ops{{"&&", "AND", [](double x, double y) { return double(x != 0 && y != 0); }},
                                        {"||", "OR", [](double x, double y) { return double(x != 0 || y != 0); }}};
    return infix(&Parser::comparison, ops);
  }

  Result<MathValue> comparison() {
    static const std::vector<Infix> ops{{"<=", nullptr, [](double x, double y) { return double(x <= y); }},
                                        {">=", nullptr, [](double x, double y) { return double(x >= y); }},
                                        {"==", nullptr, [](double x, double y) { return double(x == y); }},
                                        {"!=", nullptr, [](double x, double y) { return double(x != y); }},
                                        {"<", nullptr, [](double x, double y) { return double(x < y); }},
                                        {">", nullptr, [](double x, double y) { return double(x > y); }}};
    return infix(&Parser::additive, ops, false);
  }

  Result<MathValue> additive() {
    static const std::vector<Infix> ops{{"+", nullptr, [](double x, double y) { return x + y; }},
                                        {"-", nullptr, [](double x, double y) { return x - y; }}};
    return infix(&Parser::multiplicative, ops);
  }

  Result<MathValue> multiplicative() {
    static const std::vector<Infix> ops{{"*", nullptr, [](double x, double y) { return x * y; }},
                                        {"/", nullptr, [](double x, double y) { return y == 0 ? NAN : x / y; }}};
    return infix(&Parser::unary, ops);
  }

  Result<MathValue> unary() {
    if (accept("-")) {
      auto v = unary();
      if (!v) return v;
      return binary(MathValue{}, *v, [](double, double y) { return -y; });
    }
    return power();
  }

  // "^" binds tighter than unary minus (-2 ^ 2 is -4) and groups to the right.
  Result<MathValue> power() {
    auto a = primary();
    if (!a) return a;
    if (!accept("^")) return a;
    auto b = unary();
    if (!b) return b;
    return binary(*a, *b, [](double x, double y) { return std::pow(x, y); });
  }

  Result<MathValue> primary() {
    Token t = peek();
    if (t.kind == Tok::Number) {
      ++pos_;
      MathValue v;
      v.scalar = t.number;
      return v;
    }
    if (accept("(")) {
      auto v = logical();
      if (!v) return v;
      if (auto s = expect(")"); !s) return s.error();
      return v;
    }
    if (accept("[")) {
      MathValue arr;
      arr.kind = MathValue::Kind::Array;
      do {
        auto v = logical();
        if (!v) return v;
        if (v->kind == MathValue::Kind::Scalar) return fail("an array holds time series, not scalars");
        for (auto& s : v->series) arr.series.push_back(std::move(s));
      } while (accept(","));
      if (auto s = expect("]"); !s) return s.error();
      return arr;
    }
    if (t.kind != Tok::Ident) return fail("unexpected " + t.text);
    ++pos_;
    if (t.text == "ANOMALY_DETECTION_BAND" && accept("(")) return anomaly_band();
    if (accept("(")) return call(t.text);
    auto v = ctx_.lookup(t.text);
    if (!v) return v.error();
    if (!*v) return fail("Unrecognized metric id or function: " + t.text);
    return std::move(**v);
  }

  // ANOMALY_DETECTION_BAND(m1[, k]): the band of a metric query, named by its id (not a value:
  // the band needs the metric's history, not the range the request reads).
  Result<MathValue> anomaly_band() {
    if (peek().kind != Tok::Ident) return fail("ANOMALY_DETECTION_BAND takes the id of a metric as its first argument");
    std::string id = peek().text;
    ++pos_;
    double k = 2;
    if (accept(",")) {
      auto v = logical();
      if (!v) return v.error();
      if (v->kind != MathValue::Kind::Scalar || !std::isfinite(v->scalar) || v->scalar <= 0)
        return fail("ANOMALY_DETECTION_BAND takes a positive number of standard deviations");
      k = v->scalar;
    }
    if (auto s = expect(")"); !s) return s.error();
    if (!ctx_.anomaly_band) return fail("ANOMALY_DETECTION_BAND is not available here");
    return ctx_.anomaly_band(id, k);
  }

  Result<std::vector<MathValue>> arguments() {
    std::vector<MathValue> args;
    if (accept(")")) return args;
    do {
      if (peek().kind == Tok::String || (peek().kind == Tok::Ident && (peek().text == "REPEAT" || peek().text == "LINEAR"))) {
        MathValue s;
        s.kind = MathValue::Kind::Scalar;
        s.scalar = NAN;
        s.series.push_back(Series{peek().text, 0, {}});  // a word argument, carried in the label
        ++pos_;
        args.push_back(std::move(s));
        continue;
      }
      auto v = logical();
      if (!v) return v.error();
      args.push_back(std::move(*v));
    } while (accept(","));
    if (auto s = expect(")"); !s) return s.error();
    return args;
  }

  static bool is_word(const MathValue& v) { return v.kind == MathValue::Kind::Scalar && !v.series.empty(); }

  // Every series the value holds (one for a series, all of an array).
  static std::vector<Series> all(const MathValue& v) { return v.series; }

  std::vector<int64_t> grid(int64_t period_s) const {
    std::vector<int64_t> g;
    int64_t p = period_s * 1000;
    for (int64_t t = (ctx_.start_ms / p) * p; t < ctx_.end_ms && g.size() < kMaxGridPoints; t += p)
      if (t >= ctx_.start_ms - p) g.push_back(t);
    return g;
  }

  Result<MathValue> call(const std::string& fn) {
    auto args = arguments();
    if (!args) return args.error();
    auto& a = *args;
    using K = MathValue::Kind;
    auto need = [&](size_t lo, size_t hi) -> Status {
      if (a.size() < lo || a.size() > hi) return fail("wrong number of arguments to " + fn);
      for (size_t i = 0; i < a.size(); ++i)
        if (is_word(a[i]) && !(fn == "FILL" && i == 1) && !(fn == "METRICS" && i == 0) && !(fn == "SEARCH" && i < 2))
          return fail("unexpected text argument to " + fn);
      return Ok{};
    };
    if (fn == "METRICS") {
      if (auto s = need(0, 1); !s) return s.error();
      auto metrics = ctx_.all_metrics();
      if (!metrics) return metrics.error();
      MathValue out;
      out.kind = K::Array;
      std::string filter = a.empty() ? "" : a[0].series.front().label;
      for (auto& s : *metrics)
        if (filter.empty() || s.label.find(filter) != std::string::npos) out.series.push_back(std::move(s));
      return out;
    }
    if (fn == "SEARCH") {
      if (auto s = need(2, 3); !s) return s.error();
      if (!is_word(a[0]) || !is_word(a[1])) return fail("SEARCH takes a quoted search and a quoted statistic");
      int64_t period = ctx_.period_s;
      if (a.size() == 3) {
        if (a[2].kind != K::Scalar || !(a[2].scalar >= 1) || a[2].scalar != std::floor(a[2].scalar))
          return fail("the period of SEARCH must be a whole number of seconds");
        period = static_cast<int64_t>(a[2].scalar);
      }
      if (!ctx_.search) return fail("SEARCH is not supported here");
      return ctx_.search(a[0].series.front().label, a[1].series.front().label, period);
    }
    if (fn == "SUM" || fn == "AVG" || fn == "MIN" || fn == "MAX") {
      if (auto s = need(1, 1); !s) return s.error();
      auto fold = [&](const std::vector<double>& xs) {
        double r = fn == "MIN" ? INFINITY : fn == "MAX" ? -INFINITY : 0;
        for (double x : xs) r = fn == "MIN" ? std::min(r, x) : fn == "MAX" ? std::max(r, x) : r + x;
        return fn == "AVG" ? r / static_cast<double>(xs.size()) : r;
      };
      MathValue out;
      if (a[0].kind == K::Scalar) return a[0];
      if (a[0].kind == K::Series) {  // one series: a scalar over its points
        std::vector<double> xs;
        for (auto& [ts, v] : a[0].series.front().points) xs.push_back(v);
        out.scalar = xs.empty() ? NAN : fold(xs);
        return out;
      }
      out.kind = K::Series;  // an array: a series, point by point over the series that have the point
      std::map<int64_t, std::vector<double>> at;
      for (auto& s : a[0].series)
        for (auto& [ts, v] : s.points) at[ts].push_back(v);
      Series r{fn, a[0].series.empty() ? ctx_.period_s : a[0].series.front().period_s, {}};
      for (auto& [ts, xs] : at) r.points[ts] = fold(xs);
      out.series.push_back(std::move(r));
      return out;
    }
    if (fn == "ABS" || fn == "CEIL" || fn == "FLOOR") {
      if (auto s = need(1, 1); !s) return s.error();
      double (*f)(double) = fn == "ABS" ? static_cast<double (*)(double)>(std::fabs) : fn == "CEIL" ? static_cast<double (*)(double)>(std::ceil) : static_cast<double (*)(double)>(std::floor);
      return binary(MathValue{}, a[0], [f](double, double y) { return f(y); });
    }
    if (fn == "RATE" || fn == "DIFF") {
      if (auto s = need(1, 1); !s) return s.error();
      if (a[0].kind == K::Scalar) return fail(fn + " needs a time series");
      MathValue out = a[0];
      for (auto& s : out.series) {
        std::map<int64_t, double> r;
        const std::pair<const int64_t, double>* prev = nullptr;
        for (auto& p : s.points) {
          if (prev) r[p.first] = fn == "DIFF" ? p.second - prev->second : (p.second - prev->second) / (static_cast<double>(p.first - prev->first) / 1000.0);
          prev = &p;
        }
        s.points = std::move(r);
      }
      return out;
    }
    if (fn == "FILL") {
      if (auto s = need(2, 2); !s) return s.error();
      if (a[0].kind == K::Scalar) return fail("FILL needs a time series");
      std::string how = is_word(a[1]) ? a[1].series.front().label : "";
      if (is_word(a[1]) && how != "REPEAT" && how != "LINEAR") return fail("FILL accepts a number, REPEAT or LINEAR");
      if (a[1].kind != K::Scalar) return fail("FILL takes a scalar as its second argument");
      MathValue out = a[0];
      for (auto& s : out.series) {
        auto original = s.points;
        for (int64_t ts : grid(s.period_s)) {
          if (original.count(ts)) continue;
          auto after = original.upper_bound(ts);
          bool has_before = after != original.begin();
          if (how.empty()) {
            s.points[ts] = a[1].scalar;
          } else if (how == "REPEAT" && has_before) {
            s.points[ts] = std::prev(after)->second;
          } else if (how == "LINEAR" && has_before && after != original.end()) {
            auto before = std::prev(after);
            double f = static_cast<double>(ts - before->first) / static_cast<double>(after->first - before->first);
            s.points[ts] = before->second + f * (after->second - before->second);
          }
        }
      }
      return out;
    }
    if (fn == "IF") {
      if (auto s = need(2, 3); !s) return s.error();
      if (a[0].kind == K::Array) return fail("IF needs a time series or a scalar as its condition");
      if (a[0].kind == K::Scalar) return a[0].scalar != 0 ? a[1] : (a.size() == 3 ? a[2] : MathValue{K::Series, 0, {Series{}}});
      auto pick = [&](const MathValue& v, int64_t ts) -> std::optional<double> {
        if (v.kind == K::Scalar) return v.scalar;
        if (v.kind != K::Series) return std::nullopt;
        auto it = v.series.front().points.find(ts);
        return it == v.series.front().points.end() ? std::nullopt : std::optional<double>(it->second);
      };
      if (a[1].kind == K::Array || (a.size() == 3 && a[2].kind == K::Array)) return fail("IF does not take arrays");
      MathValue out;
      out.kind = K::Series;
      Series r = a[0].series.front();
      r.points.clear();
      for (auto& [ts, c] : a[0].series.front().points) {
        auto v = c != 0 ? pick(a[1], ts) : (a.size() == 3 ? pick(a[2], ts) : std::nullopt);
        if (v && std::isfinite(*v)) r.points[ts] = *v;
      }
      out.series.push_back(std::move(r));
      return out;
    }
    return fail("Unrecognized function: " + fn);
  }

  std::string id_;
  std::string_view src_;
  const MathContext& ctx_;
  std::vector<Token> toks_;
  size_t pos_ = 0;
};

}  // namespace

Result<MathValue> evaluate_expression(const std::string& id, std::string_view expression, const MathContext& ctx) {
  if (expression.size() > 2048)
    return AwsError::sender("ValidationError", "Error in expression " + id + ": the expression is longer than 2048 characters", 400);
  return Parser(id, expression, ctx).run();
}

bool expression_calls(std::string_view expression, std::string_view function) {
  MathContext none;
  return Parser("", expression, none).calls(function);
}

std::vector<Series> as_series(const MathValue& v, const MathContext& ctx) {
  if (v.kind != MathValue::Kind::Scalar) return v.series;
  Series s{"", ctx.period_s, {}};
  if (std::isfinite(v.scalar)) {
    int64_t p = ctx.period_s * 1000;
    // As many periods as GetMetricData returns at most (MaxDatapoints' default), so that a long
    // range at a short period cannot grow without bound.
    for (int64_t t = (ctx.start_ms / p) * p; t < ctx.end_ms && s.points.size() < kMaxGridPoints; t += p) s.points[t] = v.scalar;
  }
  return {s};
}

}  // namespace citadel::services::cloudwatch
