// XML character-data escaping. Runs of bytes that need nothing are appended in one piece; the
// scan looks at eight bytes per step and only walks byte by byte through a block holding a byte
// that may need attention (SWAR: a byte matches when subtracting from it borrows into its top bit).

#include "sluice/api/query/query.h"

#include <array>
#include <cstdint>
#include <cstring>

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

constexpr uint64_t kOnes = 0x0101010101010101ULL;
constexpr uint64_t kHigh = 0x8080808080808080ULL;

constexpr uint64_t has_zero_byte(uint64_t x) { return (x - kOnes) & ~x & kHigh; }

// True when one of the 8 bytes is in kAttention's set or is a tab or LF (also below 0x20).
bool block_may_need_attention(uint64_t v) {
  uint64_t below_space = (v - kOnes * 0x20) & ~v & kHigh;
  return (below_space | has_zero_byte(v ^ (kOnes * '&')) | has_zero_byte(v ^ (kOnes * '<')) |
          has_zero_byte(v ^ (kOnes * '>')) | has_zero_byte(v ^ (kOnes * '"')) | has_zero_byte(v ^ (kOnes * 0xEF))) != 0;
}

}  // namespace

void append_escaped(std::string& out, std::string_view text) {
  constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
  const size_t n = text.size();
  size_t run = 0;  // start of the pending unescaped run
  for (size_t i = 0; i < n; ++i) {
    while (i + 8 <= n) {
      uint64_t block;
      std::memcpy(&block, text.data() + i, 8);
      if (block_may_need_attention(block)) break;
      i += 8;
    }
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

}  // namespace sluice::api::query
