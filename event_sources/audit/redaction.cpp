// Redaction of audit records (see redaction.h for the rules and why).

#include "redaction.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string_view>

namespace sluice::audit::detail {
namespace {

constexpr std::array<std::string_view, 13> kDropped{
    "secretaccesskey",      "sessiontoken",     "password",      "newpassword", "oldpassword",
    "privatekey",           "webidentitytoken", "samlassertion", "plaintext",   "ciphertextblob",
    "sourceciphertextblob", "zipfile",          "payload"};
constexpr std::array<std::string_view, 6> kHiddenNames{"messagebody", "message",     "subject",
                                                       "stringvalue", "binaryvalue", "variables"};

constexpr size_t kShortestWord = [] {
  size_t n = SIZE_MAX;
  for (std::string_view word : kDropped) n = std::min(n, word.size());
  for (std::string_view word : kHiddenNames) n = std::min(n, word.size());
  return n;
}();
constexpr size_t kLongestWord = [] {
  size_t n = 0;
  for (std::string_view word : kDropped) n = std::max(n, word.size());
  for (std::string_view word : kHiddenNames) n = std::max(n, word.size());
  return n;
}();

template <size_t N>
bool is_any(std::string_view name, const std::array<std::string_view, N>& words) {
  for (std::string_view word : words) {
    if (name == word) return true;
  }
  return false;
}

}  // namespace

// Asked for every member of every record: the name's last part is lowered once, and a name
// shorter or longer than every word is kept without a comparison.
Redaction redaction_of(std::string_view key) {
  const size_t dot = key.rfind('.');
  if (dot != std::string_view::npos) key.remove_prefix(dot + 1);
  if (key.size() < kShortestWord || key.size() > kLongestWord) return Redaction::Keep;
  std::array<char, kLongestWord> lower{};
  for (size_t i = 0; i < key.size(); ++i) {
    const char c = key[i];
    lower[i] = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  }
  const std::string_view name(lower.data(), key.size());
  if (is_any(name, kDropped)) return Redaction::Drop;
  if (is_any(name, kHiddenNames)) return Redaction::Hide;
  return Redaction::Keep;
}

}  // namespace sluice::audit::detail
