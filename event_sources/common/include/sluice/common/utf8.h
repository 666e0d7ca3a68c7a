#pragma once
// Well-formed UTF-8 for what sluice writes as JSON. JSON text must be UTF-8 (RFC 8259 section 8.1),
// and AWS only stores valid Unicode, but a Query request is form-encoded: %FF decodes to a byte
// that starts no UTF-8 sequence, and such bytes can reach an answer (a tag value, an error message
// quoting the input). Where a Java-style decoder meets them AWS's stack reads U+FFFD, so every
// ill-formed byte becomes U+FFFD here too and the JSON stays parseable.

#include <string>
#include <string_view>

namespace sluice::common {

// True when `text` is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing past
// U+10FFFF, no truncated sequence). ASCII is checked eight bytes at a time.
bool is_well_formed_utf8(std::string_view text);

// `text` with each byte that does not begin a well-formed sequence replaced by U+FFFD (EF BF BD);
// well-formed sequences are kept as they are.
std::string well_formed_utf8(std::string_view text);

// well_formed_utf8() in place; touches the string only when something needs replacing. Safe on
// serialized JSON: its syntax is ASCII, so only bytes inside strings can be replaced.
void make_well_formed_utf8(std::string& text);

}  // namespace sluice::common
