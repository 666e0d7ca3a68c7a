#pragma once
// Character-level scanning shared by the message rules (internal to this folder).
//
// SQS accepts the XML 1.0 character set: #x9 #xA #xD #x20-#xD7FF #xE000-#xFFFD #x10000-#x10FFFF.
// Bodies are mostly ASCII, so the scan checks eight bytes at a time and only decodes UTF-8 when a
// byte with the high bit shows up.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::sqs::detail {

// Decodes one UTF-8 sequence starting at text[i]. On success stores the code point and the
// sequence length and answers true; overlong forms, surrogates and values above U+10FFFF are
// invalid. On failure len is 1.
bool decode_utf8(std::string_view text, size_t i, uint32_t& code_point, size_t& len);

// The first character outside the SQS character set, as a code point; for bytes that are not
// valid UTF-8, the offending byte value. nullopt when the whole text is allowed.
std::optional<uint32_t> first_disallowed_char(std::string_view text);

// Number of code points, counting each invalid byte as one.
size_t utf8_length(std::string_view text);

// "#x7", "#xFFFF": the notation AWS uses for a character in its error texts.
std::string xml_char_ref(uint32_t code_point);

}  // namespace sluice::sqs::detail
