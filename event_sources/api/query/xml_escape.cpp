// XML character-data escaping. Runs of bytes that need nothing are appended in one piece; the
// scan for the end of a run (byte_scan.h) looks at sixteen bytes per step, and only the byte that
// ends a run is looked at on its own.

#include <array>
#include <cstdint>
#include <cstring>

#include "byte_scan.h"
#include "sluice/api/query/query.h"

namespace sluice::api::query {

namespace {

// Bytes that may need a replacement: the five specials, C0 controls except tab and LF, and 0xEF
// (the lead byte of U+FFFE/U+FFFF). Everything else is copied in runs.
constexpr std::array<bool, 256> kAttention = [] {
  std::array<bool, 256> t{};
  for (int c = 0; c < 0x20; ++c) t[static_cast<size_t>(c)] = c != '\t' && c != '\n';
  for (unsigned char c : {'&', '<', '>', '"'}) t[c] = true;
  t[0xEF] = true;
  return t;
}();

}  // namespace

void append_escaped(std::string& out, std::string_view text) {
  constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
  const size_t n = text.size();
  size_t run = 0;  // start of the pending unescaped run
  for (size_t i = 0; i < n; ++i) {
    i += detail::xml_plain_run(text.data() + i, n - i);
    if (i >= n) break;
    auto c = static_cast<unsigned char>(text[i]);
    if (!kAttention[c]) continue;
    std::string_view replacement;
    size_t width = 1;
    switch (c) {
      case '&':
        replacement = "&amp;";
        break;
      case '<':
        replacement = "&lt;";
        break;
      case '>':
        replacement = "&gt;";
        break;
      case '"':
        replacement = "&quot;";
        break;
      case '\r':
        replacement = "&#xD;";
        break;
      case 0xEF:
        // U+FFFE and U+FFFF are EF BF BE / EF BF BF.
        if (i + 2 < n && static_cast<unsigned char>(text[i + 1]) == 0xBF &&
            (static_cast<unsigned char>(text[i + 2]) & 0xFE) == 0xBE) {
          replacement = kReplacement;
          width = 3;
          break;
        }
        continue;
      default:  // other C0 controls
        replacement = kReplacement;
        break;
    }
    out.append(text.data() + run, i - run);
    out.append(replacement);
    i += width - 1;
    run = i + 1;
  }
  out.append(text.data() + run, n - run);
}

// Most elements of an answer are short and need no escaping (ids, hashes, receipt handles, plain
// bodies): those are assembled on the stack and appended in one piece, a third of the appends.
XmlWriter& XmlWriter::element(std::string_view name, std::string_view text) {
  char buf[512];
  const size_t size = 2 * name.size() + 5 + text.size();
  if (size > sizeof buf || detail::xml_plain_run(text.data(), text.size()) != text.size()) {
    open(name);
    append_escaped(out_, text);
    return close(name);
  }
  char* p = buf;
  *p++ = '<';
  std::memcpy(p, name.data(), name.size());
  p += name.size();
  *p++ = '>';
  std::memcpy(p, text.data(), text.size());
  p += text.size();
  *p++ = '<';
  *p++ = '/';
  std::memcpy(p, name.data(), name.size());
  p += name.size();
  *p++ = '>';
  out_.append(buf, size);
  return *this;
}

}  // namespace sluice::api::query
