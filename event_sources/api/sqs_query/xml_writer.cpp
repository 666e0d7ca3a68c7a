// XML character-data escaping. Runs of bytes that need nothing are appended in one piece.

#include "xml_writer.h"

namespace sluice::api::query::detail {

void append_escaped(std::string& out, std::string_view text) {
  constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
  size_t run = 0;  // start of the pending unescaped run
  auto flush = [&](size_t i) { out.append(text.substr(run, i - run)); };
  for (size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    std::string_view replacement;
    size_t width = 1;
    switch (c) {
      case '&': replacement = "&amp;"; break;
      case '<': replacement = "&lt;"; break;
      case '>': replacement = "&gt;"; break;
      case '"': replacement = "&quot;"; break;
      case '\r': replacement = "&#xD;"; break;
      case '\t':
      case '\n': continue;
      case 0xEF:
        // U+FFFE and U+FFFF are EF BF BE / EF BF BF.
        if (i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0xBF &&
            (static_cast<unsigned char>(text[i + 2]) & 0xFE) == 0xBE) {
          replacement = kReplacement;
          width = 3;
          break;
        }
        continue;
      default:
        if (c < 0x20) {
          replacement = kReplacement;
          break;
        }
        continue;
    }
    flush(i);
    out.append(replacement);
    i += width - 1;
    run = i + 1;
  }
  flush(text.size());
}

}  // namespace sluice::api::query::detail
