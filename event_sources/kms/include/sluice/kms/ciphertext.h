#pragma once
// What a ciphertext blob says about itself without being opened: the key it was sealed under, which
// Decrypt and ReEncrypt are authorized on (the blob names its key, so Decrypt needs no KeyId).

#include <optional>
#include <string>
#include <string_view>

namespace sluice::kms {

// The id of the key `blob` was sealed under, or nullopt when it is not a blob of sluice's KMS.
std::optional<std::string> ciphertext_key_id(std::string_view blob);

}  // namespace sluice::kms
