#pragma once
// JSON strings for the hand-written JSON readers and writers here. Decoding: hex digits, UTF-8
// encoding of a code point, and one backslash escape (RFC 8259 section 7), with UTF-16 surrogate
// pairs joined and lone surrogates refused, as Boost.JSON refuses them. Encoding: a quoted string
// escaped exactly as Boost.JSON's serializer escapes it, so hand-written answers are the same text
// json::serialize gives.

#include <cstdint>
#include <string>
#include <string_view>

namespace sluice::common {

// 0..15 for a hex digit (either case), -1 otherwise.
int hex_digit_value(char c);

// Appends code point `cp` (at most U+10FFFF) as UTF-8.
void append_utf8(uint32_t cp, std::string& out);

// Decodes the escape whose backslash is just before text[pos] and appends the result to `out`;
// pos moves past it. False (pos unspecified) for an unknown escape, bad hex digits or a lone
// surrogate.
bool decode_json_escape(std::string_view text, size_t& pos, std::string& out);

// Appends `text` as a JSON string: quoted, with '"', '\\' and control characters escaped (\b \t
// \n \f \r or \u00xx); well-formed UTF-8 as is, and each byte that begins no well-formed UTF-8
// sequence as U+FFFD (sluice/common/utf8.h), so the answer stays JSON.
void append_json_string(std::string& out, std::string_view text);

}  // namespace sluice::common
