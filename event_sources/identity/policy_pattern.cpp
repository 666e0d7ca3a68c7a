// Wildcard patterns of Action, Resource and Principal elements, with policy variables (see
// policy_model.h). A pattern is compiled to tokens once; matching turns the tokens into match
// units (a character, any run, any one character) and runs the usual greedy glob match, which
// backtracks only to the last '*' seen and so stays linear in practice.

#include <cctype>

#include "policy_model.h"

namespace sluice::identity::detail {
namespace {

void add_text(std::vector<PatternToken>& tokens, std::string_view text) {
  if (text.empty()) return;
  if (!tokens.empty() && tokens.back().kind == PatternToken::Kind::Text) {
    tokens.back().text += text;
    return;
  }
  tokens.push_back({PatternToken::Kind::Text, std::string(text), std::nullopt});
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

// The inside of ${...}: an escape, a key, or "key, 'default'".
PatternToken variable_token(std::string_view inside) {
  if (inside == "*" || inside == "?" || inside == "$") {
    return {PatternToken::Kind::Text, std::string(inside), std::nullopt};
  }
  PatternToken token{PatternToken::Kind::Variable, std::string(trim(inside)), std::nullopt};
  if (size_t comma = inside.find(','); comma != std::string_view::npos) {
    token.text = std::string(trim(inside.substr(0, comma)));
    std::string_view fallback = trim(inside.substr(comma + 1));
    if (fallback.size() >= 2 && fallback.front() == '\'' && fallback.back() == '\'') {
      token.default_value = std::string(fallback.substr(1, fallback.size() - 2));
    }
  }
  return token;
}

void append_units(std::vector<int>& units, const PatternToken& token) {
  switch (token.kind) {
    case PatternToken::Kind::AnyRun:
      units.push_back(kAnyRun);
      return;
    case PatternToken::Kind::AnyOne:
      units.push_back(kAnyOne);
      return;
    case PatternToken::Kind::Text:
    case PatternToken::Kind::Variable:
      for (char c : token.text) units.push_back(static_cast<unsigned char>(c));
      return;
  }
}

int fold(int c, bool ignore_case) { return ignore_case && c >= 0 ? std::tolower(c) : c; }

bool units_match(const std::vector<int>& units, std::string_view subject, bool ignore_case) {
  size_t p = 0, s = 0;
  size_t star = std::string_view::npos, star_subject = 0;
  while (s < subject.size()) {
    if (p < units.size() && units[p] == kAnyRun) {
      star = p++;
      star_subject = s;
    } else if (p < units.size() &&
               (units[p] == kAnyOne ||
                fold(units[p], ignore_case) == fold(static_cast<unsigned char>(subject[s]), ignore_case))) {
      ++p;
      ++s;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      s = ++star_subject;
    } else {
      return false;
    }
  }
  while (p < units.size() && units[p] == kAnyRun) ++p;
  return p == units.size();
}

}  // namespace

Pattern compile_pattern(std::string_view text, bool variables) {
  Pattern pattern;
  std::string literal;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (variables && c == '$' && i + 1 < text.size() && text[i + 1] == '{') {
      size_t close = text.find('}', i + 2);
      if (close != std::string_view::npos) {
        add_text(pattern.tokens, literal);
        literal.clear();
        PatternToken token = variable_token(text.substr(i + 2, close - i - 2));
        if (token.kind == PatternToken::Kind::Variable) pattern.has_variables = true;
        if (token.kind == PatternToken::Kind::Text) add_text(pattern.tokens, token.text);
        else pattern.tokens.push_back(std::move(token));
        i = close;
        continue;
      }
    }
    if (c == '*' || c == '?') {
      add_text(pattern.tokens, literal);
      literal.clear();
      pattern.tokens.push_back({c == '*' ? PatternToken::Kind::AnyRun : PatternToken::Kind::AnyOne, {}, std::nullopt});
      continue;
    }
    literal.push_back(c);
  }
  add_text(pattern.tokens, literal);
  if (!pattern.has_variables) {
    for (const PatternToken& token : pattern.tokens) append_units(pattern.units, token);
  }
  return pattern;
}

bool pattern_matches(const Pattern& pattern, std::string_view subject, bool ignore_case,
                     const ConditionContext* context) {
  if (!pattern.has_variables) return units_match(pattern.units, subject, ignore_case);
  std::vector<int> units;
  units.reserve(subject.size() + 8);
  for (const PatternToken& token : pattern.tokens) {
    if (token.kind != PatternToken::Kind::Variable) {
      append_units(units, token);
      continue;
    }
    const std::vector<std::string>* values = context != nullptr ? context->find(token.text) : nullptr;
    std::string_view value;
    if (values != nullptr && values->size() == 1) value = values->front();
    else if (token.default_value) value = *token.default_value;
    else return false;
    for (char c : value) units.push_back(static_cast<unsigned char>(c));
  }
  return units_match(units, subject, ignore_case);
}

}  // namespace sluice::identity::detail
