#pragma once
// Message attribute name legality, shared by the send-side checks and the ReceiveMessage selector
// matching (internal to this folder).

#include <string_view>

namespace sluice::sqs::detail {

enum class NameProblem {
  None,
  Empty,
  TooLong,           // more than 256 characters
  BadCharacter,      // not a letter, digit, '_', '-' or '.'
  ReservedOrDotEnd,  // starts with AWS./Amazon. (any case), or starts/ends with '.'
  DoublePeriod,      // contains ".."
};

NameProblem classify_attribute_name(std::string_view name);

}  // namespace sluice::sqs::detail
