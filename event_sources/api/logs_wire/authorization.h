#pragma once
// Internal: the IAM side of a CloudWatch Logs call (see authorization.cpp).

#include <optional>

#include "sluice/api/server/server.h"

namespace sluice::api::logs_wire::detail {

// The action and log group or stream IAM authorizes `call` for; nullopt when its body is not a
// JSON object or it names no group where it must (the action answers its own error).
std::optional<server::AuthorizationTarget> authorization_target(const server::Call& call);

}  // namespace sluice::api::logs_wire::detail
