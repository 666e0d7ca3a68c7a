#pragma once
// Internal to the Query kit: finding the few bytes that need work in long runs that need none. A
// form value is mostly bytes to keep (only '%' and '+' are decoded) and XML text mostly bytes to
// copy (only the specials, controls and 0xEF need a look), so both scans look at sixteen bytes per
// step with SSE2 (every x86-64 has it) and fall back to one byte per step elsewhere.

#include <cstddef>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace sluice::api::query::detail {

// The first '%' or '+' in [p, end), or end.
inline const char* find_form_escape(const char* p, const char* end) {
#if defined(__SSE2__)
  const __m128i percent = _mm_set1_epi8('%');
  const __m128i plus = _mm_set1_epi8('+');
  for (; end - p >= 16; p += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const int mask = _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, percent), _mm_cmpeq_epi8(v, plus)));
    if (mask != 0) return p + __builtin_ctz(mask);
  }
#endif
  while (p != end && *p != '%' && *p != '+') ++p;
  return p;
}

// The length of the run at the start of [p, p + n) that XML character data carries as it is for
// certain. The byte that ends it may still need nothing (a tab or LF, 0xEF not starting U+FFFE or
// U+FFFF): the caller decides.
inline size_t xml_plain_run(const char* p, size_t n) {
  size_t i = 0;
#if defined(__SSE2__)
  const __m128i last_control = _mm_set1_epi8(0x1F);
  const __m128i amp = _mm_set1_epi8('&');
  const __m128i lt = _mm_set1_epi8('<');
  const __m128i gt = _mm_set1_epi8('>');
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i ef = _mm_set1_epi8(static_cast<char>(0xEF));
  for (; i + 16 <= n; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    const __m128i control = _mm_cmpeq_epi8(_mm_min_epu8(v, last_control), v);  // v <= 0x1F, unsigned
    const __m128i special = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, amp), _mm_cmpeq_epi8(v, lt)),
                                         _mm_or_si128(_mm_cmpeq_epi8(v, gt), _mm_cmpeq_epi8(v, quote)));
    const int mask = _mm_movemask_epi8(_mm_or_si128(control, _mm_or_si128(special, _mm_cmpeq_epi8(v, ef))));
    if (mask != 0) return i + static_cast<size_t>(__builtin_ctz(mask));
  }
#endif
  for (; i < n; ++i) {
    auto c = static_cast<unsigned char>(p[i]);
    if (c < 0x20 || c == '&' || c == '<' || c == '>' || c == '"' || c == 0xEF) break;
  }
  return i;
}

}  // namespace sluice::api::query::detail
