#pragma once
// The ciphertext blob: sluice's own format, AES-256-GCM under a key's material.
//
//   "SKM1" | key id (36 ASCII bytes, the key's UUID) | nonce (12 random bytes) | ciphertext | tag (16)
//
// The key id travels in clear so that Decrypt finds the key without a KeyId. The associated data
// is the key id and the encryption context (pairs sorted by key, each string length-prefixed), so
// a blob opens only under its own key with exactly the context it was sealed with.

#include <optional>
#include <string>
#include <string_view>

#include "sluice/kms/kms.h"

namespace sluice::kms::detail {

inline constexpr size_t kKeyMaterialSize = 32;
inline constexpr size_t kKeyIdSize = 36;

std::string new_key_material();  // 32 random bytes

std::string seal_blob(std::string_view key_id, std::string_view material, std::string_view plaintext,
                      const EncryptionContext& context);
// The key id a blob names, or nullopt when it is not a blob of this format.
std::optional<std::string> blob_key_id(std::string_view blob);
// nullopt when the blob was not sealed under this key with this context.
std::optional<std::string> open_blob(std::string_view material, std::string_view blob,
                                     const EncryptionContext& context);

}  // namespace sluice::kms::detail
