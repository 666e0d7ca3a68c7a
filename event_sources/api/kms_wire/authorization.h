#pragma once
// Internal: the IAM side of a KMS call (see authorization.cpp).

#include <optional>

#include "sluice/api/server/server.h"
#include "sluice/kms/kms.h"

namespace sluice::api::kms_wire::detail {

// The action, key and key policy IAM authorizes `call` for; nullopt for a call that names no key
// KMS can find (the action then answers its own error).
std::optional<server::AuthorizationTarget> authorization_target(kms::KeyManager& keys, const server::Call& call);

}  // namespace sluice::api::kms_wire::detail
