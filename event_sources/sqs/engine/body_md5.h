#pragma once
// MD5 of message bodies for SendMessage (see body_md5.cpp for the per-thread prefix reuse).

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace sluice::sqs::detail {

// The MD5 digest of `body`, exactly as md5_raw would give it.
std::array<uint8_t, 16> body_md5(std::string_view body);

// The digests of bodies[0, count) into out[0, count): eight at a time where the CPU allows
// (md5_lanes.h), else one by one.
void body_md5_many(const std::string_view* bodies, size_t count, std::array<uint8_t, 16>* out);

}  // namespace sluice::sqs::detail
