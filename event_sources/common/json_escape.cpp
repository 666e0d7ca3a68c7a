// JSON string escapes: see json_escape.h.

#include "sluice/common/json_escape.h"
#include "sluice/common/utf8.h"

#include <cstring>

#include "sluice/common/json_plain_run.h"

namespace sluice::common {
namespace {

bool read_hex4(std::string_view text, size_t& pos, uint32_t& out) {
  if (pos > text.size() || text.size() - pos < 4) return false;
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) {
    int h = hex_digit_value(text[pos++]);
    if (h < 0) return false;
    v = (v << 4) | static_cast<uint32_t>(h);
  }
  out = v;
  return true;
}

}  // namespace

int hex_digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void append_utf8(uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

bool decode_json_escape(std::string_view text, size_t& pos, std::string& out) {
  if (pos >= text.size()) return false;
  char c = text[pos++];
  switch (c) {
    case '"':
      out.push_back('"');
      return true;
    case '\\':
      out.push_back('\\');
      return true;
    case '/':
      out.push_back('/');
      return true;
    case 'b':
      out.push_back('\b');
      return true;
    case 'f':
      out.push_back('\f');
      return true;
    case 'n':
      out.push_back('\n');
      return true;
    case 'r':
      out.push_back('\r');
      return true;
    case 't':
      out.push_back('\t');
      return true;
    case 'u':
      break;
    default:
      return false;
  }
  uint32_t cp;
  if (!read_hex4(text, pos, cp)) return false;
  if (cp >= 0xDC00 && cp <= 0xDFFF) return false;  // a low surrogate alone
  if (cp >= 0xD800 && cp <= 0xDBFF) {              // a high surrogate must be followed by a low one
    uint32_t low;
    if (text.substr(pos, 2) != "\\u") return false;
    pos += 2;
    if (!read_hex4(text, pos, low) || low < 0xDC00 || low > 0xDFFF) return false;
    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
  }
  append_utf8(cp, out);
  return true;
}

void append_json_string(std::string& out, std::string_view text) {
  if (!is_well_formed_utf8(text)) {
    // JSON text is UTF-8: ill-formed bytes become U+FFFD (sluice/common/utf8.h).
    append_json_string(out, well_formed_utf8(text));
    return;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  const char* p = text.data();
  size_t left = text.size();
  size_t plain = json_plain_run(p, left);
  if (plain == left) {  // nothing to escape, the usual case: the quotes and the text in one append
    char buf[256];
    if (left + 2 <= sizeof buf) {
      buf[0] = '"';
      std::memcpy(buf + 1, p, left);
      buf[left + 1] = '"';
      out.append(buf, left + 2);
      return;
    }
  }
  out.push_back('"');
  for (bool first = true;; first = false) {
    if (!first) plain = json_plain_run(p, left);
    out.append(p, plain);
    if (plain == left) break;
    auto c = static_cast<unsigned char>(p[plain]);
    p += plain + 1;
    left -= plain + 1;
    out.push_back('\\');
    switch (c) {
      case '"':
        out.push_back('"');
        break;
      case '\\':
        out.push_back('\\');
        break;
      case '\b':
        out.push_back('b');
        break;
      case '\t':
        out.push_back('t');
        break;
      case '\n':
        out.push_back('n');
        break;
      case '\f':
        out.push_back('f');
        break;
      case '\r':
        out.push_back('r');
        break;
      default:
        out.append("u00");
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 0xF]);
    }
  }
  out.push_back('"');
}

}  // namespace sluice::common
