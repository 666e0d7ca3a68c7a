// Value spans of a JSON text, the location suffix SNS appends to filter-policy errors, and the
// wording of its JSON parser for texts that are not JSON (see source_location.h).

#include "source_location.h"

#include <cstdint>
#include <cstdio>

#include "sluice/sns/filter_policy.h"

namespace sluice::sns {
namespace detail {
namespace {

constexpr std::size_t kMaxSnippet = 500;  // longer sources are cut, with a count of what was left out
constexpr std::string_view kRedacted = "REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled)";

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::pair<std::size_t, std::size_t> line_and_column(std::string_view text, std::size_t offset) {
  std::size_t line = 1, line_start = 0;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return {line, offset - line_start + 1};
}

std::string location(std::string_view source, std::string_view text, std::size_t offset) {
  auto [line, column] = line_and_column(text, offset);
  std::string out = "\n at [Source: ";
  out += source;
  out += "; line: " + std::to_string(line) + ", column: " + std::to_string(column) + "]";
  return out;
}

// ---- spans of a valid text ----------------------------------------------------------------------

class Locator {
 public:
  explicit Locator(std::string_view text) : t_(text) {}

  bool value(SourceNode& node) {
    skip_space();
    if (i_ >= t_.size()) return false;
    node.begin = i_;
    node.first = t_[i_];
    if (t_[i_] == '{' || t_[i_] == '[') {
      const char close = t_[i_] == '{' ? '}' : ']';
      const bool object = close == '}';
      ++i_;
      skip_space();
      if (i_ < t_.size() && t_[i_] == close) {
        node.end = ++i_;
        return true;
      }
      while (true) {
        if (object) {
          skip_space();
          if (!string_end()) return false;
          skip_space();
          if (i_ >= t_.size() || t_[i_] != ':') return false;
          ++i_;
        }
        if (!value(node.items.emplace_back())) return false;
        skip_space();
        if (i_ >= t_.size()) return false;
        if (t_[i_] == ',') {
          ++i_;
          continue;
        }
        if (t_[i_] != close) return false;
        node.end = ++i_;
        return true;
      }
    }
    if (t_[i_] == '"') {
      if (!string_end()) return false;
      node.end = i_;
      return true;
    }
    while (i_ < t_.size() && !is_space(t_[i_]) && t_[i_] != ',' && t_[i_] != ']' && t_[i_] != '}') ++i_;
    node.end = i_;
    return node.end > node.begin;
  }

  bool at_end() {
    skip_space();
    return i_ == t_.size();
  }

 private:
  void skip_space() {
    while (i_ < t_.size() && is_space(t_[i_])) ++i_;
  }
  // Moves past a string starting at i_.
  bool string_end() {
    if (i_ >= t_.size() || t_[i_] != '"') return false;
    for (++i_; i_ < t_.size(); ++i_) {
      if (t_[i_] == '\\') {
        ++i_;
      } else if (t_[i_] == '"') {
        ++i_;
        return true;
      }
    }
    return false;
  }

  std::string_view t_;
  std::size_t i_ = 0;
};

// ---- the parser's words for a text that is not JSON -----------------------------------------

class SyntaxCheck {
 public:
  explicit SyntaxCheck(std::string_view text) : t_(text) {}

  // The first problem, or nullopt when the text is JSON.
  std::optional<std::string> run() {
    skip_space();
    if (i_ >= t_.size()) {
      fail("No content to map due to end-of-input", i_);
      return error_;
    }
    if (!value()) return error_;
    return std::nullopt;
  }

 private:
  bool fail(std::string reason, std::size_t at) {
    error_ = std::move(reason) + location(kRedacted, t_, at);
    return false;
  }

  // The parser's description of the character at `at`: 'c' (code N), CTRL-CHAR for controls.
  std::string describe(std::size_t at) const {
    uint32_t code = static_cast<unsigned char>(t_[at]);
    std::size_t length = 1;
    if (code >= 0xC0) {
      length = code >= 0xF0 ? 4 : code >= 0xE0 ? 3 : 2;
      code &= length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07;
      for (std::size_t k = 1; k < length && at + k < t_.size(); ++k) code = (code << 6) | (t_[at + k] & 0x3F);
    }
    if (code < 0x20 || code == 0x7F) return "(CTRL-CHAR, code " + std::to_string(code) + ")";
    std::string out = "'" + std::string(t_.substr(at, length)) + "' (code " + std::to_string(code);
    if (code > 255) {
      char hex[16];
      std::snprintf(hex, sizeof hex, " / 0x%X", code);
      out += hex;
    }
    return out + ")";
  }

  bool end_of_input(bool object, std::size_t start) {
    auto [line, column] = line_and_column(t_, start);
    return fail(std::string("Unexpected end-of-input: expected close marker for ") + (object ? "Object" : "Array") +
                    " (start marker at [Source: " + std::string(kRedacted) + "; line: " + std::to_string(line) +
                    ", column: " + std::to_string(column) + "])",
                t_.size());
  }

  bool value() {
    skip_space();
    if (i_ >= t_.size()) return fail("Unexpected end-of-input", i_);
    const char c = t_[i_];
    if (c == '{' || c == '[') return container(c == '{');
    if (c == '"') return string();
    if (c == '-' || (c >= '0' && c <= '9')) return number();
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$') {
      std::size_t end = i_;
      while (end < t_.size() && ((t_[end] >= 'a' && t_[end] <= 'z') || (t_[end] >= 'A' && t_[end] <= 'Z') ||
                                 (t_[end] >= '0' && t_[end] <= '9') || t_[end] == '_' || t_[end] == '$')) {
        ++end;
      }
      std::string_view token = t_.substr(i_, end - i_);
      if (token == "true" || token == "false" || token == "null") {
        i_ = end;
        return true;
      }
      return fail("Unrecognized token '" + std::string(token) +
                      "': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')",
                  end);
    }
    return fail("Unexpected character (" + describe(i_) +
                    "): expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or "
                    "'false')",
                i_);
  }

  bool container(bool object) {
    const std::size_t start = i_++;
    const char close = object ? '}' : ']';
    skip_space();
    if (i_ < t_.size() && t_[i_] == close) {
      ++i_;
      return true;
    }
    while (true) {
      skip_space();
      if (i_ >= t_.size()) return end_of_input(object, start);
      if (object) {
        if (t_[i_] != '"') {
          return fail("Unexpected character (" + describe(i_) + "): was expecting double-quote to start field name",
                      i_);
        }
        if (!string()) return false;
        skip_space();
        if (i_ >= t_.size()) return end_of_input(object, start);
        if (t_[i_] != ':') {
          return fail(
              "Unexpected character (" + describe(i_) + "): was expecting a colon to separate field name and value",
              i_);
        }
        ++i_;
      }
      if (!value()) return false;
      skip_space();
      if (i_ >= t_.size()) return end_of_input(object, start);
      if (t_[i_] == ',') {
        ++i_;
        continue;
      }
      if (t_[i_] == close) {
        ++i_;
        return true;
      }
      return fail("Unexpected character (" + describe(i_) + "): was expecting comma to separate " +
                      (object ? "Object" : "Array") + " entries",
                  i_);
    }
  }

  bool string() {
    for (++i_; i_ < t_.size(); ++i_) {
      const unsigned char c = static_cast<unsigned char>(t_[i_]);
      if (c == '"') {
        ++i_;
        return true;
      }
      if (c < 0x20) {
        return fail("Illegal unquoted character (" + describe(i_) +
                        "): has to be escaped using backslash to be included in string value",
                    i_ + 1);
      }
      if (c == '\\') {
        if (++i_ >= t_.size()) break;
        if (std::string_view("\"\\/bfnrtu").find(t_[i_]) == std::string_view::npos) {
          return fail("Unrecognized character escape " + describe(i_), i_ + 1);
        }
      }
    }
    return fail("Unexpected end-of-input: was expecting closing quote for a string value", t_.size());
  }

  bool number() {
    const std::size_t start = i_;
    if (t_[i_] == '-') ++i_;
    std::size_t digits = 0;
    while (i_ < t_.size() && t_[i_] >= '0' && t_[i_] <= '9') ++i_, ++digits;
    if (digits == 0) {
      if (i_ >= t_.size()) return fail("Unexpected end-of-input in numeric value", i_);
      return fail("Unexpected character (" + describe(i_) +
                      ") in numeric value: expected digit (0-9) to follow minus sign, for valid numeric value",
                  i_);
    }
    if (digits > 1 && t_[start + (t_[start] == '-' ? 1 : 0)] == '0') {
      return fail("Invalid numeric value: Leading zeroes not allowed", i_);
    }
    if (i_ < t_.size() && t_[i_] == '.') {
      ++i_;
      std::size_t fraction = 0;
      while (i_ < t_.size() && t_[i_] >= '0' && t_[i_] <= '9') ++i_, ++fraction;
      if (fraction == 0) {
        if (i_ >= t_.size()) return fail("Unexpected end-of-input in numeric value", i_);
        return fail(
            "Unexpected character (" + describe(i_) + ") in numeric value: Decimal point not followed by a digit", i_);
      }
    }
    if (i_ < t_.size() && (t_[i_] == 'e' || t_[i_] == 'E')) {
      ++i_;
      if (i_ < t_.size() && (t_[i_] == '+' || t_[i_] == '-')) ++i_;
      std::size_t exponent = 0;
      while (i_ < t_.size() && t_[i_] >= '0' && t_[i_] <= '9') ++i_, ++exponent;
      if (exponent == 0) {
        if (i_ >= t_.size()) return fail("Unexpected end-of-input in numeric value", i_);
        return fail(
            "Unexpected character (" + describe(i_) + ") in numeric value: Exponent indicator not followed by a digit",
            i_);
      }
    }
    return true;
  }

  void skip_space() {
    while (i_ < t_.size() && is_space(t_[i_])) ++i_;
  }

  std::string_view t_;
  std::size_t i_ = 0;
  std::string error_;
};

}  // namespace

std::optional<SourceNode> locate_values(std::string_view text) {
  Locator locator(text);
  SourceNode root;
  if (!locator.value(root) || !locator.at_end()) return std::nullopt;
  return root;
}

std::string source_suffix(std::string_view text, std::size_t offset) {
  std::string source = "(String)\"";
  if (text.size() > kMaxSnippet) {
    source.append(text.substr(0, kMaxSnippet));
    source += "\"[truncated " + std::to_string(text.size() - kMaxSnippet) + " chars]";
  } else {
    source.append(text);
    source += "\"";
  }
  return location(source, text, offset);
}

std::string syntax_error_text(std::string_view text) {
  if (auto problem = SyntaxCheck(text).run()) return *problem;
  // Valid for the parser but not for the caller (content after the document): say where.
  return "Unexpected content after the JSON value" + location(kRedacted, text, text.size());
}

}  // namespace detail

std::string json_syntax_error_text(std::string_view text) { return detail::syntax_error_text(text); }

}  // namespace sluice::sns
