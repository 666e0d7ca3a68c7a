#pragma once
// The length of the run of bytes at the start of a string that JSON carries as they are: anything
// but '"', '\\' and control characters (< 0x20). JSON readers and writers spend most of their
// time here on message bodies, so it looks at sixteen bytes per step with SSE2 (every x86-64 has
// it), then eight (SWAR: a byte matches when subtracting from it borrows into its top bit; bytes
// >= 0x80 never match), then one.

#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace sluice::common {

inline size_t json_plain_run(const char* p, size_t n) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHigh = 0x8080808080808080ULL;
  size_t i = 0;
#if defined(__SSE2__)
  const __m128i quote16 = _mm_set1_epi8('"');
  const __m128i backslash16 = _mm_set1_epi8('\\');
  const __m128i last_control16 = _mm_set1_epi8(0x1F);
  for (; i + 16 <= n; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    const __m128i control = _mm_cmpeq_epi8(_mm_min_epu8(v, last_control16), v);  // v <= 0x1F, unsigned
    const __m128i special =
        _mm_or_si128(control, _mm_or_si128(_mm_cmpeq_epi8(v, quote16), _mm_cmpeq_epi8(v, backslash16)));
    if (const int mask = _mm_movemask_epi8(special); mask != 0) return i + static_cast<size_t>(__builtin_ctz(mask));
  }
#endif
  for (; i + 8 <= n; i += 8) {
    uint64_t v;
    std::memcpy(&v, p + i, 8);
    uint64_t quote = v ^ (kOnes * '"');
    uint64_t backslash = v ^ (kOnes * '\\');
    uint64_t special = ((v - kOnes * 0x20) | (quote - kOnes) | (backslash - kOnes)) & ~v & kHigh;
    if (special != 0) break;
  }
  for (; i < n; ++i) {
    auto c = static_cast<unsigned char>(p[i]);
    if (c < 0x20 || c == '"' || c == '\\') break;
  }
  return i;
}

// True when no byte of the n at p is 0x80 or above.
inline bool is_ascii(const char* p, size_t n) {
  uint64_t any = 0;
  size_t i = 0;
#if defined(__SSE2__)
  __m128i any16 = _mm_setzero_si128();
  for (; i + 16 <= n; i += 16) any16 = _mm_or_si128(any16, _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i)));
  if (_mm_movemask_epi8(any16) != 0) return false;
#endif
  for (; i + 8 <= n; i += 8) {
    uint64_t v;
    std::memcpy(&v, p + i, 8);
    any |= v;
  }
  for (; i < n; ++i) any |= static_cast<unsigned char>(p[i]);
  return (any & 0x8080808080808080ULL) == 0;
}

}  // namespace sluice::common
