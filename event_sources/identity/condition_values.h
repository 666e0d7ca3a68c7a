#pragma once
// Internal: how one context value is compared with one policy value, per family of condition
// operators (see sluice/identity/conditions.h). Each returns false for a value it cannot read (a
// date that is not a date), which is how IAM treats it: the values do not match.

#include <string_view>

namespace sluice::identity::detail {

// '*' matches any run of characters (also none), '?' exactly one.
bool wildcard_match(std::string_view pattern, std::string_view text, bool ignore_case = false);
bool equals_ignore_case(std::string_view a, std::string_view b);

enum class Comparison { Equal, NotEqual, Less, LessOrEqual, Greater, GreaterOrEqual };
bool compare_numbers(std::string_view context_value, std::string_view policy_value, Comparison comparison);
// ISO 8601 ("2024-01-31", "2024-01-31T12:00:00Z", "...T12:00:00.123+01:00") or epoch seconds.
bool compare_dates(std::string_view context_value, std::string_view policy_value, Comparison comparison);
// The context's address lies in the policy's address or CIDR range (IPv4 or IPv6).
bool ip_in_range(std::string_view address, std::string_view range);
// arn:partition:service:region:account:resource, each part a wildcard pattern of the policy's.
bool arn_match(std::string_view pattern, std::string_view arn);

}  // namespace sluice::identity::detail
