#pragma once
// Where the values of a JSON text sit, so that a validation error can carry the location AWS
// appends to it: SNS reads a filter policy with a streaming JSON parser and reports the parser's
// position when the problem was found ("\n at [Source: (String)\"<policy>\"; line: 1, column: N]").
//
// That parser stands just past the last token it read. After a field name it has already read the
// first token of the field's value: a number or true/false/null whole, only the opening quote of a
// string or the bracket of an array or object. Reading a string's text takes it past the closing
// quote. The offsets below give those positions; the compiler picks the one its error was found at.
//
// Also here: the texts AWS gives for policies (and RedrivePolicies) that are not JSON at all, as
// its parser words them, with the location it reports for them.
//
// Internal to the filter_policy component.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::sns::detail {

// One value of the text: its span, and its children in order (array elements, object member
// values).
struct SourceNode {
  std::size_t begin = 0;  // offset of its first character
  std::size_t end = 0;    // offset just past its last character
  char first = 0;         // '"', '[', '{', or the first character of a number or literal
  std::vector<SourceNode> items;

  // The parser's position once this value was met as a token: past a number or literal, past the
  // opening quote or bracket otherwise.
  std::size_t token_read() const { return first == '"' || first == '[' || first == '{' ? begin + 1 : end; }
  // Past the whole value (a string whose text was read; an array or object that was closed).
  std::size_t finished() const { return end; }
};

// The spans of a text that is known to be valid JSON (nullopt if it turns out not to be).
std::optional<SourceNode> locate_values(std::string_view text);

// "\n at [Source: (String)\"<text>\"; line: L, column: C]" for the position `offset`.
std::string source_suffix(std::string_view text, std::size_t offset);

// For a text that is not valid JSON: the parser's reason and location, e.g. "Unexpected character
// ('i' (code 105)): was expecting double-quote to start field name\n at [Source: REDACTED
// (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 2]".
std::string syntax_error_text(std::string_view text);

}  // namespace sluice::sns::detail
