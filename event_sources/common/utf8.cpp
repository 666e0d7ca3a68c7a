// UTF-8 well-formedness and repair (see sluice/common/utf8.h).

#include "sluice/common/utf8.h"

#include <cstdint>
#include <cstring>

namespace sluice::common {
namespace {

// The length of the well-formed sequence at text[i], 0 when the byte there begins none. The
// second byte's range is narrowed where RFC 3629's table narrows it (overlongs, surrogates, past
// U+10FFFF).
size_t sequence_length(std::string_view text, size_t i) {
  const auto b = static_cast<unsigned char>(text[i]);
  if (b < 0x80) return 1;
  size_t len = 0;
  unsigned char lo = 0x80, hi = 0xBF;
  if (b >= 0xC2 && b <= 0xDF) {
    len = 2;
  } else if (b >= 0xE0 && b <= 0xEF) {
    len = 3;
    if (b == 0xE0) lo = 0xA0;
    if (b == 0xED) hi = 0x9F;
  } else if (b >= 0xF0 && b <= 0xF4) {
    len = 4;
    if (b == 0xF0) lo = 0x90;
    if (b == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + len > text.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    const auto c = static_cast<unsigned char>(text[i + k]);
    if (k == 1 ? (c < lo || c > hi) : (c < 0x80 || c > 0xBF)) return 0;
  }
  return len;
}

// The offset of the first byte that begins no well-formed sequence, or text.size().
size_t first_ill_formed(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    if (i + 8 <= text.size()) {
      uint64_t word;
      std::memcpy(&word, text.data() + i, 8);
      if ((word & 0x8080808080808080ULL) == 0) {  // eight ASCII bytes
        i += 8;
        continue;
      }
    }
    const size_t len = sequence_length(text, i);
    if (len == 0) return i;
    i += len;
  }
  return text.size();
}

void append_repaired(std::string& out, std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const size_t len = sequence_length(text, i);
    if (len == 0) {
      out.append("\xEF\xBF\xBD");
      ++i;
    } else {
      out.append(text.data() + i, len);
      i += len;
    }
  }
}

}  // namespace

bool is_well_formed_utf8(std::string_view text) { return first_ill_formed(text) == text.size(); }

std::string well_formed_utf8(std::string_view text) {
  const size_t bad = first_ill_formed(text);
  if (bad == text.size()) return std::string(text);
  std::string out;
  out.reserve(text.size() + 8);
  out.append(text.data(), bad);
  append_repaired(out, text.substr(bad));
  return out;
}

void make_well_formed_utf8(std::string& text) {
  const size_t bad = first_ill_formed(text);
  if (bad == text.size()) return;
  std::string out;
  out.reserve(text.size() + 8);
  out.append(text.data(), bad);
  append_repaired(out, std::string_view(text).substr(bad));
  text = std::move(out);
}

}  // namespace sluice::common
