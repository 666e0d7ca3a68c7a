// UTF-8 decoding and the SQS character-set scan. See text_scan.h.

#include "text_scan.h"

#include <cstring>

namespace sluice::sqs::detail {
namespace {

constexpr uint64_t kOnes = 0x0101010101010101ULL;
constexpr uint64_t kHighBits = 0x8080808080808080ULL;

// True when every byte of the word is in 0x20..0x7F: no high bit set, and no byte below 0x20
// (the classic "has a byte less than n" test, exact for n <= 128).
bool all_printable_ascii(uint64_t w) {
  if (w & kHighBits) return false;
  return ((w - kOnes * 0x20) & ~w & kHighBits) == 0;
}

bool allowed_code_point(uint32_t c) {
  if (c >= 0x20) return c <= 0xD7FF || (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
  return c == 0x9 || c == 0xA || c == 0xD;
}

bool continuation(unsigned char b) { return (b & 0xC0) == 0x80; }

}  // namespace

bool decode_utf8(std::string_view text, size_t i, uint32_t& code_point, size_t& len) {
  len = 1;
  const auto b0 = static_cast<unsigned char>(text[i]);
  if (b0 < 0x80) {
    code_point = b0;
    return true;
  }
  size_t need = 0;
  uint32_t cp = 0;
  uint32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    need = 1, cp = b0 & 0x1Fu, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    need = 2, cp = b0 & 0x0Fu, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    need = 3, cp = b0 & 0x07u, min = 0x10000;
  } else {
    return false;
  }
  if (i + need >= text.size()) return false;  // truncated sequence
  for (size_t k = 1; k <= need; ++k) {
    const auto b = static_cast<unsigned char>(text[i + k]);
    if (!continuation(b)) return false;
    cp = (cp << 6) | (b & 0x3Fu);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
  code_point = cp;
  len = need + 1;
  return true;
}

std::optional<uint32_t> first_disallowed_char(std::string_view text) {
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    if (i + 8 <= n) {
      uint64_t w;
      std::memcpy(&w, text.data() + i, sizeof w);
      if (all_printable_ascii(w)) {
        i += 8;
        continue;
      }
    }
    uint32_t cp = 0;
    size_t len = 1;
    if (!decode_utf8(text, i, cp, len)) return static_cast<unsigned char>(text[i]);
    if (!allowed_code_point(cp)) return cp;
    i += len;
  }
  return std::nullopt;
}

size_t utf8_length(std::string_view text) {
  size_t count = 0;
  for (size_t i = 0; i < text.size();) {
    uint32_t cp = 0;
    size_t len = 1;
    decode_utf8(text, i, cp, len);
    i += len;
    ++count;
  }
  return count;
}

std::string xml_char_ref(uint32_t code_point) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  char buf[8];
  size_t n = 0;
  do {
    buf[n++] = kDigits[code_point & 0xF];
    code_point >>= 4;
  } while (code_point != 0);
  std::string out = "#x";
  while (n > 0) out.push_back(buf[--n]);
  return out;
}

}  // namespace sluice::sqs::detail
