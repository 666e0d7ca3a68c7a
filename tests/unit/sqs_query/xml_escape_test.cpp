// append_escaped scans eight bytes at a time; every byte that needs attention must still be found
// wherever it sits in the block, next to a byte-by-byte reference written from the rules in
// xml_writer.h.

#include <doctest/doctest.h>

#include <string>

#include "sluice/api/query/query.h"

using sluice::api::query::append_escaped;

namespace {

std::string reference(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '"') out += "&quot;";
    else if (c == '\r') out += "&#xD;";
    else if (c < 0x20 && c != '\t' && c != '\n') out += "\xEF\xBF\xBD";
    else if (c == 0xEF && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0xBF &&
             (static_cast<unsigned char>(text[i + 2]) == 0xBE || static_cast<unsigned char>(text[i + 2]) == 0xBF)) {
      out += "\xEF\xBF\xBD";
      i += 2;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

}  // namespace

TEST_CASE("append_escaped finds every byte that needs escaping at any offset") {
  const std::string specials[] = {"&",
                                  "<",
                                  ">",
                                  "\"",
                                  "\r",
                                  "\t",
                                  "\n",
                                  std::string(1, '\0'),
                                  "\x01",
                                  "\x1f",
                                  "\xEF\xBF\xBE",
                                  "\xEF\xBF\xBF",
                                  "\xEF\xBF\xBD",
                                  "\xC3\xA9"};
  for (size_t length : {0, 1, 7, 8, 9, 15, 16, 17, 31}) {
    for (const std::string& special : specials) {
      for (size_t at = 0; at <= length; ++at) {
        std::string text(length, 'a');
        for (size_t i = 0; i < length; ++i) text[i] = static_cast<char>('a' + static_cast<int>(i % 26));
        text.insert(at, special);
        std::string out;
        append_escaped(out, text);
        CAPTURE(length);
        CAPTURE(at);
        CHECK(out == reference(text));
      }
    }
  }
}
