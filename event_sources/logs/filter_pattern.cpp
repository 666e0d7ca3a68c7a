// Filter patterns: a term pattern is three lists of terms (required, excluded, any-of) tested by
// substring search; a JSON pattern is a small expression tree read by recursive descent and
// evaluated against the event parsed with Boost.JSON (the only place this component parses JSON).

#include "sluice/logs/filter_pattern.h"

#include <boost/json.hpp>

#include <cctype>
#include <cstdlib>
#include <vector>

namespace sluice::logs {
namespace {

using Error = std::string;

// ---- Term patterns -------------------------------------------------------------------------------

class TermPattern final : public FilterPattern {
 public:
  std::vector<std::string> required, excluded, any_of;

  bool matches(std::string_view message) const override {
    for (const auto& term : required)
      if (message.find(term) == std::string_view::npos) return false;
    for (const auto& term : excluded)
      if (message.find(term) != std::string_view::npos) return false;
    if (any_of.empty()) return true;
    for (const auto& term : any_of)
      if (message.find(term) != std::string_view::npos) return true;
    return false;
  }
};

common::Outcome<std::shared_ptr<const FilterPattern>, Error> parse_terms(std::string_view text) {
  auto pattern = std::make_shared<TermPattern>();
  size_t i = 0;
  while (i < text.size()) {
    if (std::isspace(static_cast<unsigned char>(text[i]))) {
      ++i;
      continue;
    }
    std::vector<std::string>* list = &pattern->required;
    if (text[i] == '-' || text[i] == '?') {
      list = text[i] == '-' ? &pattern->excluded : &pattern->any_of;
      ++i;
    }
    std::string term;
    if (i < text.size() && text[i] == '"') {
      size_t close = text.find('"', i + 1);
      if (close == std::string_view::npos) return Error("Invalid filter pattern: unterminated quote");
      term = std::string(text.substr(i + 1, close - i - 1));
      i = close + 1;
    } else {
      size_t end = i;
      while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end]))) ++end;
      term = std::string(text.substr(i, end - i));
      i = end;
    }
    if (term.empty()) return Error("Invalid filter pattern: empty term");
    list->push_back(std::move(term));
  }
  return std::shared_ptr<const FilterPattern>(std::move(pattern));
}

// ---- JSON patterns -------------------------------------------------------------------------------

// One step of a selector: a member name or an array index.
struct Step {
  std::string member;
  long index = -1;  // >= 0: an array index
};

struct Condition;
using ConditionPtr = std::unique_ptr<Condition>;

struct Condition {
  enum class Kind { And, Or, Compare, IsTrue, IsFalse, IsNull, NotExists } kind = Kind::Compare;
  ConditionPtr left, right;  // And / Or
  std::vector<Step> selector;
  std::string op;  // = != > < >= <=
  std::string value;
  bool value_is_number = false;
  double number = 0;
};

const boost::json::value* select(const boost::json::value& root, const std::vector<Step>& selector) {
  const boost::json::value* at = &root;
  for (const auto& step : selector) {
    if (step.index >= 0) {
      const auto* array = at->if_array();
      if (!array || static_cast<size_t>(step.index) >= array->size()) return nullptr;
      at = &(*array)[static_cast<size_t>(step.index)];
    } else {
      const auto* object = at->if_object();
      if (!object) return nullptr;
      const auto* found = object->if_contains(step.member);
      if (!found) return nullptr;
      at = found;
    }
  }
  return at;
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

std::optional<double> as_number(const boost::json::value& v) {
  if (v.is_int64()) return static_cast<double>(v.get_int64());
  if (v.is_uint64()) return static_cast<double>(v.get_uint64());
  if (v.is_double()) return v.get_double();
  return std::nullopt;
}

bool compare(const Condition& c, const boost::json::value& v) {
  if (c.value_is_number) {
    auto n = as_number(v);
    if (!n) return false;
    if (c.op == "=") return *n == c.number;
    if (c.op == "!=") return *n != c.number;
    if (c.op == ">") return *n > c.number;
    if (c.op == "<") return *n < c.number;
    if (c.op == ">=") return *n >= c.number;
    return *n <= c.number;
  }
  if (!v.is_string()) return false;
  const bool equal = wildcard_match(c.value, std::string_view(v.get_string()));
  return c.op == "=" ? equal : !equal;
}

bool evaluate(const Condition& c, const boost::json::value& root) {
  switch (c.kind) {
    case Condition::Kind::And:
      return evaluate(*c.left, root) && evaluate(*c.right, root);
    case Condition::Kind::Or:
      return evaluate(*c.left, root) || evaluate(*c.right, root);
    case Condition::Kind::NotExists:
      return select(root, c.selector) == nullptr;
    default:
      break;
  }
  const boost::json::value* v = select(root, c.selector);
  if (!v) return false;
  switch (c.kind) {
    case Condition::Kind::IsTrue:
      return v->is_bool() && v->get_bool();
    case Condition::Kind::IsFalse:
      return v->is_bool() && !v->get_bool();
    case Condition::Kind::IsNull:
      return v->is_null();
    default:
      return compare(c, *v);
  }
}

class JsonPattern final : public FilterPattern {
 public:
  explicit JsonPattern(ConditionPtr root) : root_(std::move(root)) {}
  bool matches(std::string_view message) const override {
    boost::system::error_code ec;
    boost::json::value value = boost::json::parse(message, ec);
    return !ec && value.is_object() && evaluate(*root_, value);
  }

 private:
  ConditionPtr root_;
};

// Recursive descent over `{ expr }`: expr = and ('||' and)*; and = primary ('&&' primary)*;
// primary = '(' expr ')' | selector (op value | IS TRUE|FALSE|NULL | NOT EXISTS).
class JsonParser {
 public:
  explicit JsonParser(std::string_view text) : text_(text) {}

  common::Outcome<ConditionPtr, Error> parse() {
    skip();
    if (!eat("{")) return fail();
    auto root = expression();
    if (!root) return root;
    skip();
    if (!eat("}")) return fail();
    skip();
    if (pos_ != text_.size()) return fail();
    return root;
  }

 private:
  common::Outcome<ConditionPtr, Error> fail() const {
    return common::Outcome<ConditionPtr, Error>::failure("Invalid filter pattern: " + std::string(text_));
  }
  void skip() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  bool eat(std::string_view token) {
    skip();
    if (text_.substr(pos_, token.size()) != token) return false;
    pos_ += token.size();
    return true;
  }
  // A keyword, in any case, followed by a non-letter.
  bool eat_word(std::string_view word) {
    skip();
    if (text_.size() - pos_ < word.size()) return false;
    for (size_t i = 0; i < word.size(); ++i)
      if (std::toupper(static_cast<unsigned char>(text_[pos_ + i])) != word[i]) return false;
    const size_t after = pos_ + word.size();
    if (after < text_.size() && std::isalnum(static_cast<unsigned char>(text_[after]))) return false;
    pos_ = after;
    return true;
  }

  common::Outcome<ConditionPtr, Error> combine(Condition::Kind kind, std::string_view op,
                                               common::Outcome<ConditionPtr, Error> (JsonParser::*next)()) {
    auto left = (this->*next)();
    if (!left) return left;
    ConditionPtr result = std::move(left.value());
    while (eat(op)) {
      auto right = (this->*next)();
      if (!right) return right;
      auto joined = std::make_unique<Condition>();
      joined->kind = kind;
      joined->left = std::move(result);
      joined->right = std::move(right.value());
      result = std::move(joined);
    }
    return result;
  }
  common::Outcome<ConditionPtr, Error> expression() {
    return combine(Condition::Kind::Or, "||", &JsonParser::conjunction);
  }
  common::Outcome<ConditionPtr, Error> conjunction() {
    return combine(Condition::Kind::And, "&&", &JsonParser::primary);
  }

  common::Outcome<ConditionPtr, Error> primary() {
    if (eat("(")) {
      auto inner = expression();
      if (!inner) return inner;
      if (!eat(")")) return fail();
      return inner;
    }
    auto c = std::make_unique<Condition>();
    if (!selector(&c->selector)) return fail();
    if (eat_word("IS")) {
      if (eat_word("TRUE")) {
        c->kind = Condition::Kind::IsTrue;
      } else if (eat_word("FALSE")) {
        c->kind = Condition::Kind::IsFalse;
      } else if (eat_word("NULL")) {
        c->kind = Condition::Kind::IsNull;
      } else {
        return fail();
      }
      return c;
    }
    if (eat_word("NOT")) {
      if (!eat_word("EXISTS")) return fail();
      c->kind = Condition::Kind::NotExists;
      return c;
    }
    for (std::string_view op : {"!=", ">=", "<=", "=", ">", "<"}) {
      if (eat(op)) {
        c->op = std::string(op);
        break;
      }
    }
    if (c->op.empty() || !value(c.get())) return fail();
    if (!c->value_is_number && c->op != "=" && c->op != "!=") return fail();
    return c;
  }

  bool selector(std::vector<Step>* steps) {
    if (!eat("$")) return false;
    while (pos_ < text_.size()) {
      if (text_[pos_] == '.') {
        size_t end = ++pos_;
        while (end < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[end])) || text_[end] == '_' ||
                                      text_[end] == '-' || text_[end] == '@' || text_[end] == ':'))
          ++end;
        if (end == pos_) return false;
        steps->push_back({std::string(text_.substr(pos_, end - pos_)), -1});
        pos_ = end;
      } else if (text_[pos_] == '[') {
        size_t close = text_.find(']', pos_);
        if (close == std::string_view::npos || close == pos_ + 1) return false;
        std::string digits(text_.substr(pos_ + 1, close - pos_ - 1));
        for (char ch : digits)
          if (!std::isdigit(static_cast<unsigned char>(ch))) return false;
        steps->push_back({"", std::strtol(digits.c_str(), nullptr, 10)});
        pos_ = close + 1;
      } else {
        break;
      }
    }
    return !steps->empty();
  }

  bool value(Condition* c) {
    skip();
    if (pos_ < text_.size() && text_[pos_] == '"') {
      size_t close = text_.find('"', pos_ + 1);
      if (close == std::string_view::npos) return false;
      c->value = std::string(text_.substr(pos_ + 1, close - pos_ - 1));
      pos_ = close + 1;
      return true;
    }
    size_t end = pos_;
    while (end < text_.size() && !std::isspace(static_cast<unsigned char>(text_[end])) && text_[end] != '}' &&
           text_[end] != ')' && text_[end] != '&' && text_[end] != '|')
      ++end;
    if (end == pos_) return false;
    c->value = std::string(text_.substr(pos_, end - pos_));
    pos_ = end;
    char* parsed_end = nullptr;
    const double number = std::strtod(c->value.c_str(), &parsed_end);
    if (parsed_end && *parsed_end == '\0') {
      c->value_is_number = true;
      c->number = number;
    }
    return true;
  }

  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

common::Outcome<std::shared_ptr<const FilterPattern>, std::string> FilterPattern::parse(std::string_view text) {
  size_t first = 0;
  while (first < text.size() && std::isspace(static_cast<unsigned char>(text[first]))) ++first;
  if (first < text.size() && text[first] == '{') {
    auto root = JsonParser(text).parse();
    if (!root) return common::Outcome<std::shared_ptr<const FilterPattern>, Error>::failure(root.error());
    return std::shared_ptr<const FilterPattern>(std::make_shared<JsonPattern>(std::move(root.value())));
  }
  if (first < text.size() && (text[first] == '[' || text[first] == '%'))
    return common::Outcome<std::shared_ptr<const FilterPattern>, Error>::failure(
        "Invalid filter pattern: space-delimited and regular-expression patterns are not supported");
  return parse_terms(text);
}

}  // namespace sluice::logs
