// Eight MD5 computations side by side (RFC 1321), one per 32-bit lane of an AVX2 register. Each
// lane walks its own message: its whole 64-byte blocks are read in place, its last bytes with the
// padding (0x80, zeros, the bit length) from a small buffer of its own. A step processes block j
// of every lane; a lane with fewer blocks keeps its state (blend) while the others go on.

#include "engine/md5_lanes.h"

#include <cmath>
#include <cstring>
#include <utility>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace sluice::sqs::detail {

#if defined(__x86_64__)
namespace {

constexpr int kShift[64] = {7,  12, 17, 22, 7,  12, 17, 22, 7,  12, 17, 22, 7,  12, 17, 22, 5,  9,  14, 20, 5,  9,
                            14, 20, 5,  9,  14, 20, 5,  9,  14, 20, 4,  11, 16, 23, 4,  11, 16, 23, 4,  11, 16, 23,
                            4,  11, 16, 23, 6,  10, 15, 21, 6,  10, 15, 21, 6,  10, 15, 21, 6,  10, 15, 21};

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
    for (int b = 0; b < 8; ++b)
      tail[tail_blocks * 64 - 8 + static_cast<size_t>(b)] = static_cast<unsigned char>(bits >> (8 * b));
  }
  const unsigned char* block(size_t j) const { return j < full_blocks ? data + j * 64 : tail + (j - full_blocks) * 64; }
};

struct State {
  __m256i a, b, c, d;
};

// Step I of the 64, with its round function, shift and message word fixed at compile time so
// the shifts take immediates and the whole block unrolls.
template <int I>
__attribute__((target("avx2"), always_inline)) inline void step(State& s, const __m256i* m, const uint32_t* k) {
  __m256i f;
  if constexpr (I < 16) {
    f = _mm256_or_si256(_mm256_and_si256(s.b, s.c), _mm256_andnot_si256(s.b, s.d));
  } else if constexpr (I < 32) {
    f = _mm256_or_si256(_mm256_and_si256(s.d, s.b), _mm256_andnot_si256(s.d, s.c));
  } else if constexpr (I < 48) {
    f = _mm256_xor_si256(_mm256_xor_si256(s.b, s.c), s.d);
  } else {
    f = _mm256_xor_si256(s.c, _mm256_or_si256(s.b, _mm256_xor_si256(s.d, _mm256_set1_epi32(-1))));
  }
  __m256i sum = _mm256_add_epi32(_mm256_add_epi32(s.a, f),
                                 _mm256_add_epi32(_mm256_set1_epi32(static_cast<int>(k[I])), m[word_index(I)]));
  constexpr int kS = kShift[I];
  __m256i rotated = _mm256_or_si256(_mm256_slli_epi32(sum, kS), _mm256_srli_epi32(sum, 32 - kS));
  s.a = s.d;
  s.d = s.c;
  s.c = s.b;
  s.b = _mm256_add_epi32(s.b, rotated);
}

template <int... I>
__attribute__((target("avx2"), always_inline)) inline void all_steps(State& s, const __m256i* m, const uint32_t* k,
                                                                     std::integer_sequence<int, I...>) {
  (step<I>(s, m, k), ...);
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
  static const unsigned char kZeroBlock[64] = {};
  alignas(32) uint32_t words[16][kMd5Lanes];
  alignas(32) int32_t active[kMd5Lanes];
  for (size_t j = 0; j < most_blocks; ++j) {
    for (size_t l = 0; l < kMd5Lanes; ++l) {
      bool live = l < count && j < lanes[l].blocks;
      active[l] = live ? -1 : 0;
      const unsigned char* block = live ? lanes[l].block(j) : kZeroBlock;
      for (size_t w = 0; w < 16; ++w) std::memcpy(&words[w][l], block + 4 * w, 4);  // little-endian host
    }
    __m256i m[16];
    for (int w = 0; w < 16; ++w) m[w] = _mm256_load_si256(reinterpret_cast<const __m256i*>(words[w]));
    const __m256i a0 = a, b0 = b, c0 = c, d0 = d;
    State st{a, b, c, d};
    all_steps(st, m, k, std::make_integer_sequence<int, 64>{});
    a = st.a;
    b = st.b;
    c = st.c;
    d = st.d;
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
    for (size_t r = 0; r < 4; ++r) std::memcpy(out[l].data() + 4 * r, &state[r][l], 4);
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
