#pragma once
// A strict pull reader for the small JSON objects of the hot SQS actions (hot_path.h). It never
// reports why it stopped: anything it does not expect, or does not read exactly as Boost.JSON
// would (numbers other than plain integers, lone UTF-16 surrogates, invalid UTF-8, nesting deeper
// than kMaxDepth), makes it fail, and the caller hands the request to the general path, whose
// Boost.JSON parser words the error as AWS does. The reader may refuse valid JSON; it never
// accepts what Boost.JSON would reject.
//
// Use: begin_object(), then `while (next_member(&name)) { read the value }`, then check ok().
// Arrays likewise with begin_array() / next_element(). Strings without escapes are read as views
// into the text; escaped ones are decoded into the caller's string.

#include <cstdint>
#include <string>
#include <string_view>

namespace sluice::api::sqs::detail {

class JsonScanner {
 public:
  static constexpr int kMaxDepth = 8;

  explicit JsonScanner(std::string_view text) : text_(text) {}

  bool begin_object();
  // The next member's name (names with escapes fail); false at the closing '}' or on failure.
  bool next_member(std::string_view* name);
  bool begin_array();
  // True when another element follows; false at the closing ']' or on failure.
  bool next_element();

  // A string value. *view points into the text when it has no escapes, else into *scratch.
  bool read_string(std::string_view* view, std::string* scratch);
  bool read_string(std::string* out);
  // A plain integer (no fraction or exponent) that fits int64_t.
  bool read_int(int64_t* out);

  // True when nothing failed and only whitespace remains.
  bool finished();
  bool ok() const { return !failed_; }

 private:
  bool fail() {
    failed_ = true;
    return false;
  }
  void skip_whitespace();
  bool expect(char c);
  bool open(char c);
  // Before an element or member: a ',' unless it is the first one; false (and pops) at `close`.
  bool next_in_container(char close);

  std::string_view text_;
  size_t pos_ = 0;
  int depth_ = 0;
  bool first_[kMaxDepth] = {};
  bool failed_ = false;
};

// True when `s` is well-formed UTF-8 (RFC 3629: no overlong forms, surrogates or code points above
// U+10FFFF).
bool is_valid_utf8(std::string_view s);

}  // namespace sluice::api::sqs::detail
