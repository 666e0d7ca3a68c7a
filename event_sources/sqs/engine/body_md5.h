#pragma once
// MD5 of message bodies for SendMessage (see body_md5.cpp for the per-thread prefix reuse).

#include <array>
#include <cstdint>
#include <string_view>

namespace sluice::sqs::detail {

// The MD5 digest of `body`, exactly as md5_raw would give it.
std::array<uint8_t, 16> body_md5(std::string_view body);

}  // namespace sluice::sqs::detail
