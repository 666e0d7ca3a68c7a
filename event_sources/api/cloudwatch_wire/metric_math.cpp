// A recursive-descent evaluator for the metric math subset in metric_math.h. A value is either a
// number or a time series; operators combine them point by point.

#include "metric_math.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <variant>
#include <vector>

namespace sluice::api::cloudwatch_wire::detail {
namespace {

using Value = std::variant<double, TimeSeries>;

class Parser {
 public:
  Parser(std::string_view text, const SeriesLookup& lookup) : text_(text), lookup_(lookup) {}

  common::Outcome<TimeSeries> run() {
    std::optional<Value> v = expression();
    skip_spaces();
    if (!error_.empty() || !v || pos_ != text_.size()) return failure(error_.empty() ? "unexpected input" : error_);
    if (auto* series = std::get_if<TimeSeries>(&*v)) return std::move(*series);
    return failure("the expression must return a time series");
  }

 private:
  common::AwsError failure(const std::string& why) const {
    return common::aws_error(
        common::AwsErrorCode::ValidationError,
        "Error in expression '" + std::string(text_) + "': " + why + " (at position " + std::to_string(pos_) + ").");
  }

  void skip_spaces() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_])) != 0) ++pos_;
  }
  bool take(char c) {
    skip_spaces();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  std::optional<Value> fail(std::string why) {
    if (error_.empty()) error_ = std::move(why);
    return std::nullopt;
  }

  static Value combine(const Value& a, const Value& b, char op) {
    auto apply = [op](double x, double y) {
      switch (op) {
        case '+':
          return x + y;
        case '-':
          return x - y;
        case '*':
          return x * y;
        default:
          return x / y;
      }
    };
    if (std::holds_alternative<double>(a) && std::holds_alternative<double>(b)) {
      return apply(std::get<double>(a), std::get<double>(b));
    }
    TimeSeries out;
    if (const auto* sa = std::get_if<TimeSeries>(&a)) {
      if (const auto* sb = std::get_if<TimeSeries>(&b)) {
        for (const auto& [t, x] : *sa) {
          auto it = sb->find(t);
          if (it != sb->end()) out[t] = apply(x, it->second);
        }
      } else {
        for (const auto& [t, x] : *sa) out[t] = apply(x, std::get<double>(b));
      }
    } else {
      for (const auto& [t, y] : std::get<TimeSeries>(b)) out[t] = apply(std::get<double>(a), y);
    }
    // Division by zero gives no point, as CloudWatch drops non-finite values.
    std::erase_if(out, [](const auto& point) { return !std::isfinite(point.second); });
    return out;
  }

  std::optional<Value> expression() {
    std::optional<Value> left = term();
    while (left) {
      if (take('+')) {
        auto right = term();
        if (!right) return std::nullopt;
        left = combine(*left, *right, '+');
      } else if (take('-')) {
        auto right = term();
        if (!right) return std::nullopt;
        left = combine(*left, *right, '-');
      } else {
        break;
      }
    }
    return left;
  }

  std::optional<Value> term() {
    std::optional<Value> left = factor();
    while (left) {
      if (take('*')) {
        auto right = factor();
        if (!right) return std::nullopt;
        left = combine(*left, *right, '*');
      } else if (take('/')) {
        auto right = factor();
        if (!right) return std::nullopt;
        left = combine(*left, *right, '/');
      } else {
        break;
      }
    }
    return left;
  }

  std::optional<Value> factor() {
    skip_spaces();
    if (pos_ >= text_.size()) return fail("unexpected end of the expression");
    char c = text_[pos_];
    if (c == '(') {
      ++pos_;
      auto inner = expression();
      if (!inner) return std::nullopt;
      if (!take(')')) return fail("expected ')'");
      return inner;
    }
    if (c == '-') {
      ++pos_;
      auto inner = factor();
      if (!inner) return std::nullopt;
      return combine(0.0, *inner, '-');
    }
    if (std::isdigit(static_cast<unsigned char>(c)) != 0 || c == '.') {
      double value = 0;
      auto r = std::from_chars(text_.data() + pos_, text_.data() + text_.size(), value);
      if (r.ec != std::errc()) return fail("bad number");
      pos_ = static_cast<size_t>(r.ptr - text_.data());
      return Value(value);
    }
    if (std::isalpha(static_cast<unsigned char>(c)) == 0) return fail(std::string("unexpected '") + c + "'");
    size_t start = pos_;
    while (pos_ < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[pos_])) != 0 || text_[pos_] == '_')) {
      ++pos_;
    }
    std::string_view word = text_.substr(start, pos_ - start);
    if (take('(')) return function(word);
    std::optional<TimeSeries> series = lookup_(word);
    if (!series) return fail("unknown metric id " + std::string(word));
    return Value(std::move(*series));
  }

  std::optional<Value> function(std::string_view name) {
    if (name == "ABS") {
      auto inner = expression();
      if (!inner || !take(')')) return inner ? fail("expected ')'") : std::nullopt;
      if (auto* d = std::get_if<double>(&*inner)) return Value(std::fabs(*d));
      TimeSeries out = std::get<TimeSeries>(*inner);
      for (auto& [t, v] : out) v = std::fabs(v);
      return Value(std::move(out));
    }
    if (name != "SUM" && name != "AVG" && name != "MIN" && name != "MAX") {
      return fail("the function " + std::string(name) + " is not supported");
    }
    std::vector<TimeSeries> listed;
    if (take('[')) {
      do {
        auto element = expression();
        if (!element) return std::nullopt;
        if (auto* s = std::get_if<TimeSeries>(&*element)) listed.push_back(std::move(*s));
      } while (take(','));
      if (!take(']')) return fail("expected ']'");
    } else {
      auto element = expression();
      if (!element) return std::nullopt;
      if (auto* s = std::get_if<TimeSeries>(&*element)) listed.push_back(std::move(*s));
    }
    if (!take(')')) return fail("expected ')'");
    std::map<int64_t, std::vector<double>> by_time;
    for (const TimeSeries& s : listed) {
      for (const auto& [t, v] : s) by_time[t].push_back(v);
    }
    TimeSeries out;
    for (const auto& [t, values] : by_time) {
      double r = values[0];
      double sum = 0;
      for (double v : values) {
        sum += v;
        if (name == "MIN") r = std::min(r, v);
        if (name == "MAX") r = std::max(r, v);
      }
      if (name == "SUM") r = sum;
      if (name == "AVG") r = sum / static_cast<double>(values.size());
      out[t] = r;
    }
    return Value(std::move(out));
  }

  std::string_view text_;
  const SeriesLookup& lookup_;
  size_t pos_ = 0;
  std::string error_;
};

}  // namespace

common::Outcome<TimeSeries> evaluate_expression(std::string_view expression, const SeriesLookup& lookup) {
  return Parser(expression, lookup).run();
}

}  // namespace sluice::api::cloudwatch_wire::detail
