// See session_token.h.

#include "session_token.h"

#include "sluice/common/crypto.h"

namespace sluice::console::detail {
namespace {

constexpr size_t kNonceBytes = 16;
constexpr size_t kMacHexChars = 32;  // the first 128 bits of the HMAC

// Compares without an early exit, so the time taken says nothing of how much matched.
bool equal_in_constant_time(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char difference = 0;
  for (size_t i = 0; i < a.size(); ++i) difference |= static_cast<unsigned char>(a[i] ^ b[i]);
  return difference == 0;
}

}  // namespace

SessionTokens::SessionTokens() : key_(common::random_bytes(32)) {}

std::string SessionTokens::mac_of(std::string_view nonce_hex) const {
  return common::to_hex(common::hmac_sha256_raw(key_, nonce_hex)).substr(0, kMacHexChars);
}

std::string SessionTokens::issue() const {
  const std::string nonce = common::to_hex(common::random_bytes(kNonceBytes));
  return nonce + "." + mac_of(nonce);
}

bool SessionTokens::valid(std::string_view token) const {
  const size_t dot = token.find('.');
  if (dot != kNonceBytes * 2 || token.size() != dot + 1 + kMacHexChars) return false;
  return equal_in_constant_time(token.substr(dot + 1), mac_of(token.substr(0, dot)));
}

}  // namespace sluice::console::detail
