#include "json_syntax_error.h"

#include <boost/json.hpp>

namespace sluice::cli {

std::string json_syntax_error(std::string_view text) {
  boost::json::stream_parser parser;
  boost::system::error_code ec;
  // write() consumes up to the byte where the parser gave up.
  const size_t consumed = parser.write(text.data(), text.size(), ec);
  size_t at = consumed;
  if (!ec) {
    parser.finish(ec);
    at = text.size();
  }
  if (!ec) return "";
  size_t line = 1, column = 1;
  for (size_t i = 0; i < at && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column) + ": " + ec.message();
}

}  // namespace sluice::cli
