#pragma once
// The length of the run of bytes at the start of a string that JSON carries as they are: anything
// but '"', '\\' and control characters (< 0x20). JSON readers and writers spend most of their
// time here on message bodies, so it looks at eight bytes per step (SWAR: a byte matches when
// subtracting from it borrows into its top bit; bytes >= 0x80 never match).

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace sluice {

inline size_t json_plain_run(const char* p, size_t n) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHigh = 0x8080808080808080ULL;
  size_t i = 0;
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
  for (; i + 8 <= n; i += 8) {
    uint64_t v;
    std::memcpy(&v, p + i, 8);
    any |= v;
  }
  for (; i < n; ++i) any |= static_cast<unsigned char>(p[i]);
  return (any & 0x8080808080808080ULL) == 0;
}

}  // namespace sluice
