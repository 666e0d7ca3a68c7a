// Eight MD5 computations side by side (RFC 1321), one per 32-bit lane of an AVX2 register. Each
// lane walks its own message: its whole 64-byte blocks are read in place, its last bytes with the
// padding (0x80, zeros, the bit length) from a small buffer of its own. A step processes block j
// of every lane; a lane with fewer blocks keeps its state (blend) while the others go on.

#include "engine/md5_lanes.h"

#include <cmath>
#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace sluice::sqs::detail {

#if defined(__x86_64__)
namespace {

constexpr int kShift[64] = {7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
                            5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20,
                            4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
                            6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21};

// K[i] = floor(|sin(i + 1)| * 2^32), as RFC 1321 defines the table (double precision gives it
// exactly; the unit test checks every digest against OpenSSL).
struct Constants {
  uint32_t k[64];
  Constants() {
    for (int i = 0; i < 64; ++i) k[i] = static_cast<uint32_t>(std::floor(std::fabs(std::sin(i + 1.0)) * 4294967296.0));
  }
};

const Constants& constants() {
  static const Constants c;
  return c;
}

// Message word index of step i.
constexpr int word_index(int i) {
  return i < 16 ? i : i < 32 ? (5 * i + 1) % 16 : i < 48 ? (3 * i + 5) % 16 : (7 * i) % 16;
}

struct Lane {
  const unsigned char* data = nullptr;
  size_t full_blocks = 0;
  size_t blocks = 0;
  alignas(16) unsigned char tail[128] = {};  // the last partial block, padding and length

  void set(std::string_view input) {
    data = reinterpret_cast<const unsigned char*>(input.data());
    full_blocks = input.size() / 64;
    size_t rest = input.size() % 64;
    size_t tail_blocks = rest + 9 <= 64 ? 1 : 2;
    blocks = full_blocks + tail_blocks;
    std::memset(tail, 0, sizeof tail);
    if (rest != 0) std::memcpy(tail, data + full_blocks * 64, rest);
    tail[rest] = 0x80;
    uint64_t bits = static_cast<uint64_t>(input.size()) * 8;
    for (int b = 0; b < 8; ++b) tail[tail_blocks * 64 - 8 + static_cast<size_t>(b)] = static_cast<unsigned char>(bits >> (8 * b));
  }
  const unsigned char* block(size_t j) const { return j < full_blocks ? data + j * 64 : tail + (j - full_blocks) * 64; }
};

__attribute__((target("avx2"))) inline __m256i rotate_left(__m256i x, int s) {
  return _mm256_or_si256(_mm256_sll_epi32(x, _mm_cvtsi32_si128(s)), _mm256_srl_epi32(x, _mm_cvtsi32_si128(32 - s)));
}

__attribute__((target("avx2"))) void md5_lanes_avx2(const std::string_view* inputs, size_t count,
                                                    std::array<uint8_t, 16>* out) {
  Lane lanes[kMd5Lanes];
  size_t most_blocks = 0;
  for (size_t l = 0; l < count; ++l) {
    lanes[l].set(inputs[l]);
    if (lanes[l].blocks > most_blocks) most_blocks = lanes[l].blocks;
  }
  const uint32_t* k = constants().k;
  __m256i a = _mm256_set1_epi32(0x67452301), b = _mm256_set1_epi32(static_cast<int>(0xefcdab89u));
  __m256i c = _mm256_set1_epi32(static_cast<int>(0x98badcfeu)), d = _mm256_set1_epi32(0x10325476);
  const __m256i ones = _mm256_set1_epi32(-1);
  static const unsigned char kZeroBlock[64] = {};
  alignas(32) uint32_t words[16][kMd5Lanes];
  alignas(32) int32_t active[kMd5Lanes];
  for (size_t j = 0; j < most_blocks; ++j) {
    for (size_t l = 0; l < kMd5Lanes; ++l) {
      bool live = l < count && j < lanes[l].blocks;
      active[l] = live ? -1 : 0;
      const unsigned char* block = live ? lanes[l].block(j) : kZeroBlock;
      for (int w = 0; w < 16; ++w) std::memcpy(&words[w][l], block + 4 * w, 4);  // little-endian host
    }
    __m256i m[16];
    for (int w = 0; w < 16; ++w) m[w] = _mm256_load_si256(reinterpret_cast<const __m256i*>(words[w]));
    const __m256i a0 = a, b0 = b, c0 = c, d0 = d;
    for (int i = 0; i < 64; ++i) {
      __m256i f;
      if (i < 16) {
        f = _mm256_or_si256(_mm256_and_si256(b, c), _mm256_andnot_si256(b, d));
      } else if (i < 32) {
        f = _mm256_or_si256(_mm256_and_si256(d, b), _mm256_andnot_si256(d, c));
      } else if (i < 48) {
        f = _mm256_xor_si256(_mm256_xor_si256(b, c), d);
      } else {
        f = _mm256_xor_si256(c, _mm256_or_si256(b, _mm256_xor_si256(d, ones)));
      }
      __m256i sum = _mm256_add_epi32(_mm256_add_epi32(a, f),
                                     _mm256_add_epi32(_mm256_set1_epi32(static_cast<int>(k[i])), m[word_index(i)]));
      a = d;
      d = c;
      c = b;
      b = _mm256_add_epi32(b, rotate_left(sum, kShift[i]));
    }
    const __m256i live = _mm256_load_si256(reinterpret_cast<const __m256i*>(active));
    a = _mm256_blendv_epi8(a0, _mm256_add_epi32(a0, a), live);
    b = _mm256_blendv_epi8(b0, _mm256_add_epi32(b0, b), live);
    c = _mm256_blendv_epi8(c0, _mm256_add_epi32(c0, c), live);
    d = _mm256_blendv_epi8(d0, _mm256_add_epi32(d0, d), live);
  }
  alignas(32) uint32_t state[4][kMd5Lanes];
  _mm256_store_si256(reinterpret_cast<__m256i*>(state[0]), a);
  _mm256_store_si256(reinterpret_cast<__m256i*>(state[1]), b);
  _mm256_store_si256(reinterpret_cast<__m256i*>(state[2]), c);
  _mm256_store_si256(reinterpret_cast<__m256i*>(state[3]), d);
  for (size_t l = 0; l < count; ++l) {
    for (int r = 0; r < 4; ++r) std::memcpy(out[l].data() + 4 * r, &state[r][l], 4);
  }
}

}  // namespace

bool md5_lanes(const std::string_view* inputs, size_t count, std::array<uint8_t, 16>* out) {
  static const bool available = __builtin_cpu_supports("avx2");
  if (!available || count > kMd5Lanes) return false;
  md5_lanes_avx2(inputs, count, out);
  return true;
}

#else

bool md5_lanes(const std::string_view*, size_t, std::array<uint8_t, 16>*) { return false; }

#endif

}  // namespace sluice::sqs::detail
