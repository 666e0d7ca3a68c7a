#pragma once
// Hashes, encodings and random ids, through OpenSSL. Inputs and outputs are byte strings.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::common {

std::string md5_hex(std::string_view data);
std::string md5_raw(std::string_view data);  // 16 bytes
std::string sha256_hex(std::string_view data);
std::string sha256_raw(std::string_view data);  // 32 bytes
std::string hmac_sha256_raw(std::string_view key, std::string_view data);

std::string to_hex(std::string_view bytes);  // lowercase
std::string base64_encode(std::string_view bytes);
std::optional<std::string> base64_decode(std::string_view text);  // nullopt if not valid base64

std::string random_bytes(size_t n);  // cryptographically strong
std::string uuid4();                 // "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx", unique (not secret)

}  // namespace sluice::common
