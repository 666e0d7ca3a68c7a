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

struct JsonMember;

struct JsonText {
  enum class Kind { Null, Bool, Number, String, Array, Object };
  Kind kind = Kind::Null;
  bool boolean = false;
  std::string text;                 // String: the decoded string; Number: the number as written
  std::vector<JsonText> items;      // Array
  std::vector<JsonMember> members;  // Object, in document order

  bool is_object() const { return kind == Kind::Object; }
  bool is_array() const { return kind == Kind::Array; }
  // The member of an object; with duplicate keys the last one wins (as in event patterns).
  const JsonText* find(std::string_view key) const;
};

// A member of an object: its key (`first`) and value (`second`), named as a std::pair's are. A
// class of its own because std::pair<std::string, JsonText> cannot appear inside JsonText: clang
// with libstdc++ checks the pair's constraints while JsonText is still incomplete and refuses it.
struct JsonMember {
  JsonMember(std::string key, JsonText value) : first(std::move(key)), second(std::move(value)) {}
  std::string first;
  JsonText second;
};

std::optional<JsonText> parse_json_text(std::string_view input);

}  // namespace sluice::esm::detail
