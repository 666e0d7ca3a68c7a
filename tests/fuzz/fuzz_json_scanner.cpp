// Fuzzes the JSON protocol's reader (sluice/api/json/json.h) against its contract: JsonScanner
// accepts exactly the documents Boost.JSON's parser accepts. Every input is read twice, once with
// a generic walk of the scanner (peek, then read each kind of value) and once with
// boost::json::parse; a disagreement, like any crash or sanitizer report, stops the run.

#include <boost/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "sluice/api/json/json.h"

namespace {

using sluice::api::json::JsonScanner;

bool walk(JsonScanner& s, int depth) {
  if (depth > JsonScanner::kMaxDepth + 1) return s.skip_value();
  switch (s.peek()) {
    case JsonScanner::Token::Object: {
      if (!s.begin_object()) return false;
      std::string_view name;
      while (s.next_member(&name)) {
        if (!walk(s, depth + 1)) return false;
      }
      return s.ok();
    }
    case JsonScanner::Token::Array:
      if (!s.begin_array()) return false;
      while (s.next_element()) {
        if (!walk(s, depth + 1)) return false;
      }
      return s.ok();
    case JsonScanner::Token::String: {
      std::string_view view;
      std::string scratch;
      return s.read_string(&view, &scratch);
    }
    case JsonScanner::Token::Number: {
      std::optional<int64_t> integer;
      return s.read_number(&integer);
    }
    case JsonScanner::Token::True:
    case JsonScanner::Token::False:
    case JsonScanner::Token::Null:
      return s.read_literal();
    case JsonScanner::Token::Invalid:
      return s.skip_value();  // must fail
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  JsonScanner walker(text);
  const bool walked = walk(walker, 0) && walker.finished();
  JsonScanner skipper(text);
  const bool skipped = skipper.skip_value() && skipper.finished();

  boost::json::error_code ec;
  boost::json::parse(text, ec);
  const bool parsed = !ec;

  if (walked != parsed || skipped != parsed) std::abort();              // the scanner and Boost.JSON disagree
  if (parsed && !sluice::api::json::is_valid_utf8(text)) std::abort();  // JSON text is UTF-8
  return 0;
}
