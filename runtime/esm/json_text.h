#pragma once
// A small JSON tree that keeps every number as the text it was written in. Lambda's event
// filtering compares numbers for equality by their string form (300 does not match 300.0 or
// 3.0e2), which a parser that turns numbers into doubles cannot do. Strict RFC 8259: one value,
// whitespace around it, no trailing commas, \u escapes (with surrogate pairs) decoded to UTF-8.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice::esm::detail {

struct JsonText {
  enum class Kind { Null, Bool, Number, String, Array, Object };
  Kind kind = Kind::Null;
  bool boolean = false;
  std::string text;                                       // String: the decoded string; Number: the number as written
  std::vector<JsonText> items;                            // Array
  std::vector<std::pair<std::string, JsonText>> members;  // Object, in document order

  bool is_object() const { return kind == Kind::Object; }
  bool is_array() const { return kind == Kind::Array; }
  // The member of an object; with duplicate keys the last one wins (as in event patterns).
  const JsonText* find(std::string_view key) const;
};

std::optional<JsonText> parse_json_text(std::string_view input);

}  // namespace sluice::esm::detail
