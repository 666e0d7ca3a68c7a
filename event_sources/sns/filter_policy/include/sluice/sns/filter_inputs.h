#pragma once
// Whether a message's attributes or body can be filtered at all: what tells CloudWatch's
// NumberOfNotificationsFilteredOut-InvalidAttributes and -InvalidMessageBody apart from the
// -MessageAttributes and -MessageBody variants (a message a policy refused although it could be
// compared). Evaluation itself (FilterPolicy::matches) is unchanged by these: an input that cannot
// be compared simply matches nothing but {"exists": false}.

#include <string_view>

#include "sluice/sns/filter_policy.h"

namespace sluice::sns {

// False when an attribute a policy would compare cannot be compared: a Number attribute, or a
// number in a String.Array, outside the -10^9..10^9 that filter policies compare numbers in, or a
// String.Array value that is not a JSON array of strings, numbers, true, false and null. Binary
// attributes are never compared and never invalid.
bool attributes_valid_for_filtering(const MessageAttributeMap& attributes);

// False when a body a MessageBody-scoped policy is matched against is not a JSON object.
bool body_valid_for_filtering(std::string_view body);

}  // namespace sluice::sns
