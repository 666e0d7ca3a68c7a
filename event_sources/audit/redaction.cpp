// Redaction of audit records (see redaction.h for the rules and why).

#include "redaction.h"

#include <boost/json.hpp>

#include <array>
#include <string_view>

#include "event_record.h"

namespace sluice::audit::detail {
namespace {

constexpr std::array<std::string_view, 13> kDropped{
    "secretaccesskey",      "sessiontoken",     "password",      "newpassword", "oldpassword",
    "privatekey",           "webidentitytoken", "samlassertion", "plaintext",   "ciphertextblob",
    "sourceciphertextblob", "zipfile",          "payload"};
constexpr std::array<std::string_view, 6> kHiddenNames{"messagebody", "message",     "subject",
                                                       "stringvalue", "binaryvalue", "variables"};

// The last dotted part of a name, compared case-insensitively with a lowercase word.
bool names(std::string_view key, std::string_view lowercase) {
  const size_t dot = key.rfind('.');
  if (dot != std::string_view::npos) key.remove_prefix(dot + 1);
  if (key.size() != lowercase.size()) return false;
  for (size_t i = 0; i < key.size(); ++i) {
    char c = key[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lowercase[i]) return false;
  }
  return true;
}

template <size_t N>
bool names_any(std::string_view key, const std::array<std::string_view, N>& words) {
  for (std::string_view word : words) {
    if (names(key, word)) return true;
  }
  return false;
}

}  // namespace

void redact(boost::json::value& value) {
  if (auto* array = value.if_array()) {
    for (auto& element : *array) redact(element);
    return;
  }
  auto* object = value.if_object();
  if (object == nullptr) return;
  for (auto it = object->begin(); it != object->end();) {
    const std::string_view key = it->key();
    if (names_any(key, kDropped)) {
      it = object->stable_erase(it);
      continue;
    }
    if (names_any(key, kHiddenNames)) {
      it->value() = kHidden.data();  // a literal: its text ends in a NUL
    } else {
      redact(it->value());
    }
    ++it;
  }
}

}  // namespace sluice::audit::detail
