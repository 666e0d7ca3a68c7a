// Recursive-descent parser for JsonText. Depth is capped so a hostile body cannot exhaust the
// stack of a poller thread.
#include "json_text.h"

#include <cstdint>

#include "sluice/common/json_escape.h"

namespace sluice::esm::detail {
namespace {

constexpr int kMaxDepth = 128;

class Parser {
 public:
  explicit Parser(std::string_view in) : in_(in) {}

  std::optional<JsonText> document() {
    JsonText v;
    skip_ws();
    if (!value(v, 0)) return std::nullopt;
    skip_ws();
    if (pos_ != in_.size()) return std::nullopt;
    return v;
  }

 private:
  bool value(JsonText& out, int depth) {
    if (depth > kMaxDepth || pos_ >= in_.size()) return false;
    char c = in_[pos_];
    if (c == '{') return object(out, depth);
    if (c == '[') return array(out, depth);
    if (c == '"') {
      out.kind = JsonText::Kind::String;
      return string(out.text);
    }
    if (c == '-' || (c >= '0' && c <= '9')) return number(out);
    if (literal("true")) {
      out.kind = JsonText::Kind::Bool;
      out.boolean = true;
      return true;
    }
    if (literal("false")) {
      out.kind = JsonText::Kind::Bool;
      return true;
    }
    if (literal("null")) {
      out.kind = JsonText::Kind::Null;
      return true;
    }
    return false;
  }

  bool object(JsonText& out, int depth) {
    out.kind = JsonText::Kind::Object;
    ++pos_;
    skip_ws();
    if (peek('}')) return ++pos_, true;
    for (;;) {
      skip_ws();
      std::string key;
      if (!peek('"') || !string(key)) return false;
      skip_ws();
      if (!peek(':')) return false;
      ++pos_;
      skip_ws();
      JsonText v;
      if (!value(v, depth + 1)) return false;
      out.members.emplace_back(std::move(key), std::move(v));
      skip_ws();
      if (peek(',')) {
        ++pos_;
        continue;
      }
      if (peek('}')) return ++pos_, true;
      return false;
    }
  }

  bool array(JsonText& out, int depth) {
    out.kind = JsonText::Kind::Array;
    ++pos_;
    skip_ws();
    if (peek(']')) return ++pos_, true;
    for (;;) {
      skip_ws();
      JsonText v;
      if (!value(v, depth + 1)) return false;
      out.items.push_back(std::move(v));
      skip_ws();
      if (peek(',')) {
        ++pos_;
        continue;
      }
      if (peek(']')) return ++pos_, true;
      return false;
    }
  }

  bool number(JsonText& out) {
    size_t start = pos_;
    if (peek('-')) ++pos_;
    if (peek('0')) {
      ++pos_;
    } else if (!digits()) {
      return false;
    }
    if (peek('.')) {
      ++pos_;
      if (!digits()) return false;
    }
    if (peek('e') || peek('E')) {
      ++pos_;
      if (peek('+') || peek('-')) ++pos_;
      if (!digits()) return false;
    }
    out.kind = JsonText::Kind::Number;
    out.text.assign(in_.substr(start, pos_ - start));
    return true;
  }

  bool digits() {
    size_t start = pos_;
    while (pos_ < in_.size() && in_[pos_] >= '0' && in_[pos_] <= '9') ++pos_;
    return pos_ > start;
  }

  bool string(std::string& out) {
    ++pos_;  // opening quote
    while (pos_ < in_.size()) {
      auto c = static_cast<unsigned char>(in_[pos_++]);
      if (c == '"') return true;
      if (c < 0x20) return false;
      if (c != '\\') {
        out.push_back(static_cast<char>(c));
        continue;
      }
      if (!common::decode_json_escape(in_, pos_, out)) return false;
    }
    return false;
  }

  bool literal(std::string_view word) {
    if (in_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }
  bool peek(char c) const { return pos_ < in_.size() && in_[pos_] == c; }
  void skip_ws() {
    while (pos_ < in_.size() && (in_[pos_] == ' ' || in_[pos_] == '\t' || in_[pos_] == '\n' || in_[pos_] == '\r'))
      ++pos_;
  }

  std::string_view in_;
  size_t pos_ = 0;
};

}  // namespace

const JsonText* JsonText::find(std::string_view key) const {
  for (auto it = members.rbegin(); it != members.rend(); ++it)
    if (it->first == key) return &it->second;
  return nullptr;
}

std::optional<JsonText> parse_json_text(std::string_view input) { return Parser(input).document(); }

}  // namespace sluice::esm::detail
