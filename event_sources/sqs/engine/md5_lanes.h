#pragma once
// MD5 of several bodies at once: one AVX2 register holds the same 32-bit word of eight digests, so
// eight bodies cost about what two cost one after the other. A SendMessageBatch hashes up to ten
// bodies of similar length, and the MD5 of each body was the largest single cost of a send.
// Where the CPU has no AVX2 (or on other architectures) md5_lanes() does nothing and answers
// false; the caller hashes one by one.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace sluice::sqs::detail {

constexpr size_t kMd5Lanes = 8;

// Digests of inputs[0, count), count <= kMd5Lanes, into out[0, count). False (out untouched) when
// the lanes are not available on this CPU.
bool md5_lanes(const std::string_view* inputs, size_t count, std::array<uint8_t, 16>* out);

}  // namespace sluice::sqs::detail
