#pragma once
// Binary forms of the maps kept in BLOB columns. A map is a version byte, a count and then
// length-prefixed strings (LEB128 varints), so any bytes — binary attribute values, NULs, UTF-8 —
// round-trip unchanged. An empty map encodes as zero bytes, which is what most rows hold.
//
// The sealed payload of an encrypted message is the body and the encoded attributes in one
// plaintext (varint body length, body, attributes) so that one nonce covers one record.

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "sluice/sqs/engine.h"

namespace sluice::sqs::detail {

std::string encode_attributes(const MessageAttributes& attributes);
std::optional<MessageAttributes> decode_attributes(std::string_view bytes);  // nullopt if malformed

std::string encode_string_map(const std::map<std::string, std::string>& map);
std::optional<std::map<std::string, std::string>> decode_string_map(std::string_view bytes);

std::string join_payload(std::string_view body, std::string_view encoded_attributes);
// Splits what join_payload made; false if malformed.
bool split_payload(std::string_view payload, std::string* body, std::string* encoded_attributes);

}  // namespace sluice::sqs::detail
